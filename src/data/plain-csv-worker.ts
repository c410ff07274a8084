/**
 * A worker thread of the JS read path for plain CSV files (plain-csv-read.ts): parses a byte
 * range of the file, then takes whole columns, one at a time, for their statistics and their
 * Parquet chunks. Every array moves between the threads transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { encodeColumn, type EncodedColumn } from './parquet-js-encode.js';
import { columnParts } from './plain-column-parts.js';
import type { ParsedColumn } from './plain-csv-parse.js';
import { parsePlainRange } from './plain-csv-range.js';
import { partBuffers } from './plain-csv-types.js';
import { rowGroupRuns } from './plain-row-groups.js';
import { plainColumnProfile, type NumberBounds } from './plain-stats.js';
import type { PlainType } from './plain-column.js';
import type { ColumnProfile } from './types.js';

export type PlainWorkerRequest =
  | { readonly op: 'parse'; readonly path: string; readonly from: number; readonly to: number; readonly width: number; readonly delimiter: number }
  | { readonly op: 'columns'; readonly columns: readonly ColumnJob[]; readonly partRows: readonly number[]; readonly rowGroupRows: number };

/** One column to finish: its parts as the parse workers read them, in file order. */
export interface ColumnJob {
  readonly index: number;
  readonly name: string;
  readonly type: PlainType;
  readonly parts: readonly ParsedColumn[];
}

/** A finished column: its statistics and its Parquet chunks. */
export interface ColumnDone {
  readonly index: number;
  readonly profile: ColumnProfile;
  /** Its Parquet chunks, as row groups over the whole column (plain-row-groups.ts). */
  readonly encoded: readonly EncodedColumn[];
}

const port = parentPort!;
port.on('message', (req: PlainWorkerRequest) => {
  try {
    if (req.op === 'parse') {
      const part = parsePlainRange(req.path, req.from, req.to, req.width, req.delimiter);
      if ('bail' in part) port.postMessage({ op: 'bail', reason: part.bail });
      else port.postMessage({ op: 'parsed', ...part }, partBuffers(part.columns));
      return;
    }
    const done = req.columns.map((job): ColumnDone => {
      const parts = columnParts(job.type, job.parts, req.partRows);
      // Encoded before the statistics, which sort a copy of the values but never need them after.
      // Numbers of few values dictionary-encoded: a file about half the size (63 against 113 MB on the
      // benchmark's 1,000,000 rows), for about the same CPU in a fresh process.
      const options = { numberDictionary: true, dictionaryMisses: { count: 0 } };
      const encoded = rowGroupRuns(parts, req.rowGroupRows).map((p) => encodeColumn(p, req.rowGroupRows, options));
      return { index: job.index, profile: plainColumnProfile(job.name, parts, chunkBounds(encoded)), encoded };
    });
    const buffers = new Set(done.flatMap((d) => d.encoded.flatMap((e) => [e.bytes.buffer, e.source?.buffer].filter((b) => b !== undefined) as ArrayBuffer[])));
    port.postMessage({ op: 'columns', done }, [...buffers]);
  } catch (e) {
    port.postMessage({ op: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});

/** A number column's min and max, from its chunks' (undefined for text, or when every value is missing). */
function chunkBounds(encoded: readonly EncodedColumn[]): NumberBounds | undefined {
  let [min, max] = [Infinity, -Infinity];
  for (const e of encoded) {
    for (const c of e.chunks) {
      if (c.min !== undefined && c.min < min) min = c.min;
      if (c.max !== undefined && c.max > max) max = c.max;
    }
  }
  return min <= max ? { min, max } : undefined;
}
