/**
 * A number column's chunk (int → INT64, float → DOUBLE, bool → BOOLEAN): one data page v1 of
 * definition levels and the present values PLAIN. The loops are branch-free per value where a
 * missing value (NaN) may fall anywhere: a mispredicted branch costs more than the work.
 */
import { type ByteSink, definitionLevelsLength, writeNumberLevels } from './parquet-js-bytes.js';
import type { NumberDictionary } from './parquet-js-number-dictionary.js';
import { dataPageHeader, Encoding, type EncodedChunk } from './parquet-js-pages.js';
import { wasmScan } from './plain-columns-wasm.js';

/**
 * The min, max (NaN never is one) and missing count of values[start, end), in JS: for values
 * outside the read's arena (wasm/column-pages.ts's scanChunk, whose results it gives).
 */
function scanChunk(values: Float64Array, start: number, end: number): { min: number; max: number; nulls: number } {
  // Two values a turn, each its own min and max: ~3 times faster than one (shorter dependency
  // chains). NaN compares false: it never becomes a min or max.
  let nulls = 0;
  let min = Infinity;
  let max = -Infinity;
  let nulls2 = 0;
  let min2 = Infinity;
  let max2 = -Infinity;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const v = values[i]!;
    const w = values[i + 1]!;
    nulls += +(v !== v);
    nulls2 += +(w !== w);
    if (v < min) min = v;
    if (v > max) max = v;
    if (w < min2) min2 = w;
    if (w > max2) max2 = w;
  }
  if (i < end) {
    const v = values[i]!;
    nulls += +(v !== v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min: Math.min(min, min2), max: Math.max(max, max2), nulls: nulls + nulls2 };
}

/** The chunk of values[start..end): dictionary-encoded when `dictionary` is given and takes it, else PLAIN. */
export function encodeNumberChunk(sink: ByteSink, type: 'int' | 'float' | 'bool', values: Float64Array, start: number, end: number, dictionary?: NumberDictionary): EncodedChunk {
  const { min, max, nulls } = wasmScan(values, start, end) ?? scanChunk(values, start, end);
  if (dictionary && type !== 'bool') {
    const chunk = dictionary.encode(sink, type, start, end, nulls, min, max);
    if (chunk) return chunk;
  }
  const n = end - start;
  const present = n - nulls;
  const levelsLength = definitionLevelsLength(n, nulls);
  const valuesLength = type === 'bool' ? Math.ceil(present / 8) : present * 8;
  const header = dataPageHeader(4 + levelsLength + valuesLength, n, Encoding.PLAIN);
  // The values of a DOUBLE page with none missing are the column's own (EncodedColumn.source).
  const fromSource = type === 'float' && nulls === 0;
  // Else 8-aligned values, written through a typed-array view in place.
  if (type !== 'bool' && !fromSource) sink.alignAfter(header.length + 4 + levelsLength);
  const offset = sink.pos;
  // 16 more: the branch-free loops store one value past the last present one.
  sink.ensure(header.length + 4 + levelsLength + (fromSource ? 0 : valuesLength + 16));
  sink.bytes(header);
  sink.u32le(levelsLength);
  writeNumberLevels(sink, values, start, end, nulls);
  if (present > 0 && !fromSource) {
    if (type === 'bool') writeBooleans(sink, values, start, end);
    else if (type === 'float') writeDoubles(sink, values, start, end);
    else writeInt64s(sink, values, start, end);
  }
  const source = fromSource ? { sourceOffset: start * 8, sourceLength: n * 8 } : { sourceOffset: 0, sourceLength: 0 };
  if (sink.pos - offset + source.sourceLength !== header.length + 4 + levelsLength + valuesLength) throw new Error('a number page is not the length its header says');
  const stats = present === 0 ? {} : { min, max };
  return { offset, length: sink.pos - offset, ...source, numValues: n, nulls, dictionaryPageLength: 0, encodings: [Encoding.PLAIN, Encoding.RLE], ...stats };
}

/** The present values as doubles at sink.pos (8-aligned by the caller). */
function writeDoubles(sink: ByteSink, values: Float64Array, start: number, end: number): void {
  const arena = sink.arenaWith(values);
  if (arena) {
    sink.pos += 8 * arena.wasm.compact(values.byteOffset + start * 8, end - start, sink.arenaPos);
    return;
  }
  const b = sink.buf;
  const out = new Float64Array(b.buffer, b.byteOffset + sink.pos, (b.length - sink.pos) >> 3);
  let j = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    out[j] = v;
    j += +(v === v);
  }
  sink.pos += j * 8;
}

/**
 * The present values as little-endian INT64 from two 32-bit halves (no BigInt per value): the
 * low half is the value modulo 2^32 (ToInt32, exact for whole numbers within 2^53), the high half
 * its sign for a value within int32, else the rest divided by 2^32, exact too.
 */
function writeInt64s(sink: ByteSink, values: Float64Array, start: number, end: number): void {
  const arena = sink.arenaWith(values);
  if (arena) {
    sink.pos += 8 * arena.wasm.presentInt64s(values.byteOffset + start * 8, end - start, sink.arenaPos);
    return;
  }
  const b = sink.buf;
  const out = new Int32Array(b.buffer, b.byteOffset + sink.pos, (b.length - sink.pos) >> 2);
  let j = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    const lo = v | 0;
    out[j] = lo;
    out[j + 1] = v === lo ? lo >> 31 : ((v - (lo >>> 0)) / 4294967296) | 0;
    j += 2 * +(v === v);
  }
  sink.pos += j * 4;
}

/** The present values (0 or 1, anything but 0 true) bit-packed LSB first, BOOLEAN's PLAIN. */
function writeBooleans(sink: ByteSink, values: Float64Array, start: number, end: number): void {
  const b = sink.buf;
  let p = sink.pos;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i += 8) {
    // Up to 7 pending bits and 8 new ones: one byte to flush at most per 8 values.
    for (let t = i, stop = Math.min(i + 8, end); t < stop; t++) {
      const v = values[t]!;
      const present = +(v === v);
      acc |= (present & +(v !== 0)) << bits;
      bits += present;
    }
    if (bits >= 8) {
      b[p++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) b[p++] = acc;
  sink.pos = p;
}
