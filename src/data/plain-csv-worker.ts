/**
 * A worker thread of the JS read path for plain CSV files (plain-csv-read.ts): parses a byte
 * range of the file into shared memory, then takes batches of whole columns for their Parquet
 * chunks or their statistics. No array is copied between the threads: the columns are shared, the
 * chunks' bytes transferred.
 */
import { parentPort } from 'node:worker_threads';
import { encodeColumn, type EncodedColumn } from './parquet-js-encode.js';
import { columnParts } from './plain-column-parts.js';
import type { ParsedColumn } from './plain-csv-parse.js';
import { parsePlainRange } from './plain-csv-range.js';
import { partBuffers } from './plain-csv-types.js';
import { rowGroupRuns } from './plain-row-groups.js';
import { threadArena } from './plain-wasm.js';
import { plainColumnProfile } from './plain-stats.js';
import type { PlainType } from './plain-column.js';
import type { ColumnProfile } from './types.js';

export type PlainWorkerRequest =
  | { readonly op: 'parse'; readonly path: string; readonly from: number; readonly to: number; readonly width: number; readonly delimiter: number; readonly memory: WebAssembly.Memory }
  | { readonly op: ColumnWork; readonly columns: readonly ColumnJob[]; readonly partRows: readonly number[]; readonly rowGroupRows: number };

/**
 * What a thread does with a batch of columns: their Parquet chunks, or their statistics. The
 * reader gives each thread mostly one kind (plain-csv-read.ts): V8 then compiles that kind's code
 * only in that thread.
 */
export type ColumnWork = 'encode' | 'profile';

/** One column to finish: its parts as the parse workers read them, in file order. */
export interface ColumnJob {
  readonly index: number;
  readonly name: string;
  readonly type: PlainType;
  readonly parts: readonly ParsedColumn[];
}

/** A column's Parquet chunks, as row groups over the whole column (plain-row-groups.ts). */
export interface ColumnEncoded {
  readonly index: number;
  readonly encoded: readonly EncodedColumn[];
}

/** A column's statistics. */
export interface ColumnProfiled {
  readonly index: number;
  readonly profile: ColumnProfile;
}

const port = parentPort!;
port.on('message', (req: PlainWorkerRequest) => {
  try {
    if (req.op === 'parse') {
      threadArena(req.memory);
      const part = parsePlainRange(req.path, req.from, req.to, req.width, req.delimiter);
      if ('bail' in part) port.postMessage({ op: 'bail', reason: part.bail });
      else port.postMessage({ op: 'parsed', ...part }, partBuffers(part.columns));
      return;
    }
    // The columns lie in the read's memory, which this thread's loops then reach (plain-wasm.ts).
    const arena = threadArena();
    for (const job of req.columns) for (const p of job.parts) if (p.kind !== 'empty') arena.adopt(p.kind === 'number' ? p.values : p.codes);
    if (req.op === 'profile') {
      const done = req.columns.map((job): ColumnProfiled => ({ index: job.index, profile: plainColumnProfile(job.name, columnParts(job.type, job.parts, req.partRows)) }));
      port.postMessage({ op: 'profile', done });
      return;
    }
    const done = req.columns.map((job): ColumnEncoded => {
      // Numbers of few values dictionary-encoded: a file about half the size (63 against 113 MB on the
      // benchmark's 1,000,000 rows), for about the same CPU in a fresh process.
      const options = { numberDictionary: true, dictionaryMisses: { count: 0 } };
      return { index: job.index, encoded: rowGroupRuns(columnParts(job.type, job.parts, req.partRows), req.rowGroupRows).map((p) => encodeColumn(p, req.rowGroupRows, options)) };
    });
    // The chunks' own bytes move; values in shared memory (a column's, as a page's source) are seen as they are.
    const buffers = new Set(done.flatMap((d) => d.encoded.flatMap((e) => [e.bytes.buffer, e.source?.buffer])).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer));
    port.postMessage({ op: 'encode', done }, [...buffers]);
  } catch (e) {
    port.postMessage({ op: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
