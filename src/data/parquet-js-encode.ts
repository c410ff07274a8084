/**
 * Encodes one in-memory column (PlainColumn) as Parquet column chunks, one per row group, the way
 * DuckDB's reader takes them: every column OPTIONAL, one data page v1 per chunk (definition levels
 * as the RLE/bit-packed hybrid, bit width 1), pages UNCOMPRESSED (speed over size). int → INT64,
 * float → DOUBLE, bool → BOOLEAN, all PLAIN; string → BYTE_ARRAY (UTF-8), a PLAIN dictionary page
 * of the entries the row group uses and RLE_DICTIONARY indices. Runs in a worker thread: the
 * result is structured-cloneable and its bytes are one ArrayBuffer, to transfer.
 */
import { ByteSink, bitPackedRunLength, bitWidth, definitionLevelsLength, writeBitPackedRun, writeBooleans, writeCodeLevels, writeNumberLevels, writeUtf8Value } from './parquet-js-bytes.js';
import { ThriftWriter } from './parquet-js-thrift.js';
import type { PlainColumn, PlainType } from './plain-column.js';

/** DuckDB's row group size. */
export const DEFAULT_ROW_GROUP_ROWS = 122_880;

/** parquet.thrift's Encoding values. */
export const Encoding = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;

const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;

/** One row group's chunk of a column: where its pages lie in EncodedColumn.bytes, and what its footer entry says. */
export interface EncodedChunk {
  /** Byte offset of the chunk's first page in `bytes`. */
  readonly offset: number;
  /** Bytes of all its pages, headers included (uncompressed and compressed size alike). */
  readonly length: number;
  /** Rows of the chunk, missing ones included (a flat column has a value per row). */
  readonly numValues: number;
  readonly nulls: number;
  /** Bytes of the dictionary page (header included) before the data page; 0 when there is none. */
  readonly dictionaryPageLength: number;
  readonly encodings: readonly number[];
  /** The least and greatest present value of a number column (bools 0/1); absent for text and when all are missing. */
  readonly min?: number;
  readonly max?: number;
}

export interface EncodedColumn {
  readonly type: PlainType;
  readonly rows: number;
  readonly bytes: Uint8Array;
  readonly chunks: readonly EncodedChunk[];
}

/** Encodes `column` as one chunk per `rowGroupRows` rows (none for 0 rows). */
export function encodeColumn(column: PlainColumn, rowGroupRows: number = DEFAULT_ROW_GROUP_ROWS): EncodedColumn {
  if (!Number.isInteger(rowGroupRows) || rowGroupRows < 1) throw new Error(`rowGroupRows must be a positive integer, not ${rowGroupRows}`);
  const rows = column.type === 'string' ? column.codes.length : column.values.length;
  const chunks: EncodedChunk[] = [];
  if (column.type === 'string') {
    const encoder = new StringChunkEncoder(column.codes, column.dictionary, Math.min(rows, rowGroupRows));
    for (let start = 0; start < rows; start += rowGroupRows) chunks.push(encoder.encode(start, Math.min(rows, start + rowGroupRows)));
    return { type: 'string', rows, bytes: encoder.sink.buf.subarray(0, encoder.sink.pos), chunks };
  }
  const width = column.type === 'bool' ? 1 / 8 : 8;
  const sink = new ByteSink(Math.ceil(rows * width + rows / 8) + 128 * Math.ceil(rows / rowGroupRows));
  for (let start = 0; start < rows; start += rowGroupRows) {
    chunks.push(encodeNumberChunk(sink, column.type, column.values, start, Math.min(rows, start + rowGroupRows)));
  }
  return { type: column.type, rows, bytes: sink.buf.subarray(0, sink.pos), chunks };
}

function encodeNumberChunk(sink: ByteSink, type: 'int' | 'float' | 'bool', values: Float64Array, start: number, end: number): EncodedChunk {
  let nulls = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v !== v) nulls++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const n = end - start;
  const present = n - nulls;
  const levelsLength = definitionLevelsLength(n, nulls);
  const valuesLength = type === 'bool' ? Math.ceil(present / 8) : present * 8;
  const header = dataPageHeader(4 + levelsLength + valuesLength, n, Encoding.PLAIN);
  if (type !== 'bool') sink.alignAfter(header.length + 4 + levelsLength);
  const offset = sink.pos;
  sink.ensure(header.length + 4 + levelsLength + valuesLength);
  sink.bytes(header);
  sink.u32le(levelsLength);
  writeNumberLevels(sink, values, start, end, nulls);
  if (type === 'bool') writeBooleans(sink, values, start, end, present);
  else if (type === 'float') writeDoubles(sink, values, start, end, nulls);
  else writeInt64s(sink, values, start, end);
  const stats = present === 0 ? {} : { min, max };
  return { offset, length: sink.pos - offset, numValues: n, nulls, dictionaryPageLength: 0, encodings: [Encoding.PLAIN, Encoding.RLE], ...stats };
}

/** The present values as doubles, in place at sink.pos (8-aligned by the caller). */
function writeDoubles(sink: ByteSink, values: Float64Array, start: number, end: number, nulls: number): void {
  if (nulls === 0) {
    sink.buf.set(new Uint8Array(values.buffer, values.byteOffset + start * 8, (end - start) * 8), sink.pos);
    sink.pos += (end - start) * 8;
    return;
  }
  const out = new Float64Array(sink.buf.buffer, sink.buf.byteOffset + sink.pos, end - start - nulls);
  let j = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v === v) out[j++] = v;
  }
  sink.pos += j * 8;
}

/**
 * The present values as little-endian INT64 from two 32-bit halves (no BigInt per value): the
 * low half is the value modulo 2^32 (ToInt32 is exact for whole numbers within 2^53), the high
 * half the rest divided by 2^32, exact too.
 */
function writeInt64s(sink: ByteSink, values: Float64Array, start: number, end: number): void {
  const out = new Int32Array(sink.buf.buffer, sink.buf.byteOffset + sink.pos, (sink.buf.length - sink.pos) >> 2);
  let j = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    const lo = v | 0;
    out[j] = lo;
    out[j + 1] = (v - (lo >>> 0)) / 4294967296;
    j += 2;
  }
  sink.pos += j * 4;
}

/**
 * Text chunks: a row group's codes renumbered densely in order of first use, the used entries
 * as the dictionary page. Scratch arrays are kept across the row groups of a column.
 */
class StringChunkEncoder {
  readonly sink: ByteSink;
  private readonly dictionarySink = new ByteSink(1 << 16);
  private readonly remap: Int32Array;
  private readonly used: Int32Array;
  private readonly indices: Int32Array;

  constructor(
    private readonly codes: Int32Array,
    private readonly dictionary: readonly string[],
    groupRows: number,
  ) {
    // Indices of ~2 bytes a row and one copy of the dictionary per row group, as a first guess.
    this.sink = new ByteSink(codes.length * 2 + 4096);
    this.remap = new Int32Array(dictionary.length).fill(-1);
    this.used = new Int32Array(Math.min(groupRows, dictionary.length));
    this.indices = new Int32Array(groupRows);
  }

  encode(start: number, end: number): EncodedChunk {
    const { codes, remap, used, indices, sink } = this;
    const entries = remap.length;
    let present = 0;
    let distinct = 0;
    for (let i = start; i < end; i++) {
      const c = codes[i]!;
      if (c < 0) continue;
      if (c >= entries) throw new Error(`code ${c} of row ${i} is past the dictionary's ${entries} entries`);
      let r = remap[c]!;
      if (r < 0) {
        r = remap[c] = distinct;
        used[distinct++] = c;
      }
      indices[present++] = r;
    }
    for (let k = 0; k < distinct; k++) remap[used[k]!] = -1;
    const n = end - start;
    const nulls = n - present;
    const levelsLength = definitionLevelsLength(n, nulls);
    const offset = sink.pos;
    if (present === 0) {
      // No value, so no dictionary: an empty PLAIN data page of the levels alone.
      sink.bytes(dataPageHeader(4 + levelsLength, n, Encoding.PLAIN));
      sink.u32le(levelsLength);
      writeCodeLevels(sink, codes, start, end, nulls);
      return { offset, length: sink.pos - offset, numValues: n, nulls, dictionaryPageLength: 0, encodings: [Encoding.PLAIN, Encoding.RLE] };
    }
    const dict = this.dictionarySink;
    dict.pos = 0;
    for (let k = 0; k < distinct; k++) writeUtf8Value(dict, this.dictionary[used[k]!]!);
    sink.bytes(pageHeader(PageType.DICTIONARY_PAGE, dict.pos, (w) => w.struct(7, (d) => d.i32(1, distinct).i32(2, Encoding.PLAIN))));
    sink.bytes(dict.buf.subarray(0, dict.pos));
    const dictionaryPageLength = sink.pos - offset;
    // Width 1 at least: a 0-bit width (one entry) is legal but a rarer path in readers.
    const width = Math.max(1, bitWidth(distinct - 1));
    const valuesLength = 1 + bitPackedRunLength(present, width);
    sink.bytes(dataPageHeader(4 + levelsLength + valuesLength, n, Encoding.RLE_DICTIONARY));
    sink.u32le(levelsLength);
    writeCodeLevels(sink, codes, start, end, nulls);
    sink.ensure(valuesLength);
    sink.buf[sink.pos++] = width;
    writeBitPackedRun(sink, indices, present, width);
    return {
      offset, length: sink.pos - offset, numValues: n, nulls, dictionaryPageLength,
      encodings: [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY],
    };
  }
}

function dataPageHeader(pageLength: number, numValues: number, encoding: number): Uint8Array {
  // DataPageHeader: num_values, encoding, definition and repetition level encodings (RLE).
  return pageHeader(PageType.DATA_PAGE, pageLength, (w) => w.struct(5, (d) => d.i32(1, numValues).i32(2, encoding).i32(3, Encoding.RLE).i32(4, Encoding.RLE)));
}

function pageHeader(type: number, pageLength: number, body: (w: ThriftWriter) => void): Uint8Array {
  const w = new ThriftWriter().i32(1, type).i32(2, pageLength).i32(3, pageLength);
  body(w);
  return w.bytes();
}
