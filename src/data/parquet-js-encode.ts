/**
 * Encodes one in-memory column (PlainColumn) as Parquet column chunks, one per row group, the way
 * DuckDB's reader takes them: every column OPTIONAL, one data page v1 per chunk (definition levels
 * as the RLE/bit-packed hybrid, bit width 1), pages UNCOMPRESSED (speed over size). int → INT64,
 * float → DOUBLE, bool → BOOLEAN, all PLAIN (parquet-js-numbers.ts); string → BYTE_ARRAY (UTF-8)
 * with a dictionary (parquet-js-text.ts). Runs in a worker thread: the result is
 * structured-cloneable and its bytes are one ArrayBuffer, to transfer.
 */
import { ByteSink } from './parquet-js-bytes.js';
import { NumberDictionary } from './parquet-js-number-dictionary.js';
import { encodeNumberChunk } from './parquet-js-numbers.js';
import type { EncodedChunk } from './parquet-js-pages.js';
import { StringChunkEncoder } from './parquet-js-text.js';
import type { PlainColumn, PlainType } from './plain-column.js';
import { arenaOf } from './plain-wasm.js';

export { chunkFileLength, type EncodedChunk } from './parquet-js-pages.js';

/** DuckDB's row group size. */
export const DEFAULT_ROW_GROUP_ROWS = 122_880;

export interface EncodedColumn {
  readonly type: PlainType;
  readonly rows: number;
  /** The chunks' pages, each at its EncodedChunk.offset (padding may lie between them). */
  readonly bytes: Uint8Array;
  /**
   * The bytes of the column's values (a float column's), when a chunk takes some from there
   * (EncodedChunk.sourceLength). Post it with its buffer transferred too, or it is copied.
   */
  readonly source?: Uint8Array;
  readonly chunks: readonly EncodedChunk[];
}

export interface EncodeOptions {
  /**
   * Dictionary-encode a number chunk of few distinct values (parquet-js-number-dictionary.ts).
   * Off by default, for now: on bench/parquet-js.ts's million rows the file is 45% smaller (62 MB,
   * not 113), but the encoding takes more CPU (warm ~0.26 s, not ~0.20; cold, in a fresh process,
   * about the same ~0.7 s, and the write is cheaper). Worth measuring end to end.
   */
  readonly numberDictionary?: boolean;
  /** Dictionary attempts that failed in a row, shared by the pieces of one column (NumberDictionary). */
  readonly dictionaryMisses?: { count: number };
}

/** Encodes `column` as one chunk per `rowGroupRows` rows (none for 0 rows). */
export function encodeColumn(column: PlainColumn, rowGroupRows: number = DEFAULT_ROW_GROUP_ROWS, options: EncodeOptions = {}): EncodedColumn {
  if (!Number.isInteger(rowGroupRows) || rowGroupRows < 1) throw new Error(`rowGroupRows must be a positive integer, not ${rowGroupRows}`);
  const rows = column.type === 'string' ? column.codes.length : column.values.length;
  const groupRows = Math.min(rows, rowGroupRows);
  // Room for the first chunk (PLAIN numbers, or text of 2-byte indices); then for the whole
  // column as the first chunk says. A fresh buffer is zeroed whole (~3 ms a MB here): one of
  // about the right size, not an upper bound nor a copy per growth.
  // In the plain CSV read's arena when the column is (plain-wasm.ts): its loops then write the pages.
  const arena = arenaOf(column.type === 'string' ? column.codes : column.values);
  const sink = new ByteSink(column.type === 'string' ? groupRows * 2 + 65_536 : column.type === 'bool' ? groupRows / 4 + 256 : groupRows * 8.2 + 256, arena);
  let encodeChunk: (start: number, end: number) => EncodedChunk;
  if (column.type === 'string') {
    const encoder = new StringChunkEncoder(sink, column.codes, column.dictionary, groupRows);
    encodeChunk = (start, end) => encoder.encode(start, end);
  } else {
    const dictionary = column.type !== 'bool' && options.numberDictionary ? new NumberDictionary(column.values, groupRows, options.dictionaryMisses) : undefined;
    encodeChunk = (start, end) => encodeNumberChunk(sink, column.type, column.values, start, end, dictionary);
  }
  const chunks: EncodedChunk[] = [];
  for (let start = 0; start < rows; start += rowGroupRows) {
    chunks.push(encodeChunk(start, Math.min(rows, start + rowGroupRows)));
    if (start === 0) sink.reserve(Math.ceil(sink.pos * (rows / groupRows) * 1.1) + 1024);
  }
  const bytes = sink.buf.subarray(0, sink.pos);
  if (column.type === 'string' || !chunks.some((c) => c.sourceLength > 0)) return { type: column.type, rows, bytes, chunks };
  const { values } = column;
  return { type: column.type, rows, bytes, source: new Uint8Array(values.buffer, values.byteOffset, values.byteLength), chunks };
}
