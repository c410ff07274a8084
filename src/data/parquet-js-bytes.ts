/**
 * The byte-level pieces of the JS Parquet writer's pages: a growing byte buffer, the RLE/bit-packed
 * hybrid (definition levels, dictionary indices), bit-packed booleans and UTF-8 (parquet-format's
 * Encodings.md). All little-endian, as Parquet is; the typed-array views assume a little-endian
 * machine (x86 and arm64 both are).
 */
import { arenaOf, type Arena } from './plain-wasm.js';

/**
 * An append-only byte buffer over one ArrayBuffer (so the result can be transferred whole), or in
 * a plain CSV read's arena (plain-wasm.ts), where wasm/column-pages.ts's loops write pages too
 * and the other threads see it as it is.
 */
export class ByteSink {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity: number, readonly arena?: Arena) {
    this.buf = this.fresh(Math.max(64, capacity));
  }

  /** Room for `n` more bytes. Views of `buf` taken before a call are stale after it. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = this.fresh(Math.max(Math.ceil(this.buf.length * 1.5), this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** The sink's arena when `a` lies in it too: its loops then read `a` and write here. */
  arenaWith(a: Float64Array | Int32Array): Arena | undefined {
    return this.arena !== undefined && arenaOf(a) === this.arena ? this.arena : undefined;
  }

  /** Where the next byte goes in the arena (the sink's must be there). */
  get arenaPos(): number {
    return this.buf.byteOffset + this.pos;
  }

  private fresh(bytes: number): Uint8Array {
    if (!this.arena) return new Uint8Array(bytes);
    const at = this.arena.alloc(bytes);
    return this.arena.bytes.subarray(at, at + bytes);
  }

  /** Room for `total` bytes in all (an estimate of the whole, made early, saves copies). */
  reserve(total: number): void {
    if (total > this.buf.length) this.ensure(total - this.pos);
  }

  /**
   * Zero bytes so that `after` bytes from here the position is a multiple of 8: the values of a
   * DOUBLE or INT64 page are then written through a Float64Array or Int32Array view in place.
   * The padding lies between column chunks, which the file writer writes as separate pieces.
   */
  alignAfter(after: number): void {
    const pad = (8 - ((this.pos + after) % 8)) % 8;
    this.ensure(pad);
    this.buf.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  u32le(n: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.pos] = n & 0xff;
    b[this.pos + 1] = (n >>> 8) & 0xff;
    b[this.pos + 2] = (n >>> 16) & 0xff;
    b[this.pos + 3] = (n >>> 24) & 0xff;
    this.pos += 4;
  }

  varint(n: number): void {
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }
}

export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

/** Bits needed for the values 0..max (0 for max 0). */
export function bitWidth(max: number): number {
  return max <= 0 ? 0 : 32 - Math.clz32(max);
}

/**
 * The length of `n` definition levels (bit width 1) with `nulls` of them 0: one RLE run when they
 * are all equal, else one bit-packed run of ceil(n/8) groups (the last padded with zeros).
 */
export function definitionLevelsLength(n: number, nulls: number): number {
  if (nulls === 0 || nulls === n) return varintLength(n * 2) + 1;
  const groups = Math.ceil(n / 8);
  return varintLength(groups * 2 + 1) + groups;
}

/** Writes the definition levels of values[start..end) (a missing value is NaN), as definitionLevelsLength says. */
export function writeNumberLevels(sink: ByteSink, values: Float64Array, start: number, end: number, nulls: number): void {
  const n = end - start;
  if (nulls === 0 || nulls === n) return writeRun(sink, n, nulls === 0 ? 1 : 0);
  const groups = Math.ceil(n / 8);
  sink.varint(groups * 2 + 1);
  sink.ensure(groups);
  const arena = sink.arenaWith(values);
  if (arena) {
    sink.pos += arena.wasm.numberLevels(values.byteOffset + start * 8, n, sink.arenaPos);
    return;
  }
  const b = sink.buf;
  let p = sink.pos;
  let i = start;
  for (const full = start + (n & ~7); i < full; i += 8) {
    // x === x is false only for NaN: the byte's bit k says whether value i + k is present.
    b[p++] = +(values[i]! === values[i]!) | (+(values[i + 1]! === values[i + 1]!) << 1) | (+(values[i + 2]! === values[i + 2]!) << 2) |
      (+(values[i + 3]! === values[i + 3]!) << 3) | (+(values[i + 4]! === values[i + 4]!) << 4) | (+(values[i + 5]! === values[i + 5]!) << 5) |
      (+(values[i + 6]! === values[i + 6]!) << 6) | (+(values[i + 7]! === values[i + 7]!) << 7);
  }
  if (i < end) {
    let last = 0;
    for (let k = 0; i < end; i++, k++) if (values[i]! === values[i]!) last |= 1 << k;
    b[p++] = last;
  }
  sink.pos = p;
}

/** Writes the definition levels of codes[start..end) (a missing value is -1), as definitionLevelsLength says. */
export function writeCodeLevels(sink: ByteSink, codes: Int32Array, start: number, end: number, nulls: number): void {
  const n = end - start;
  if (nulls === 0 || nulls === n) return writeRun(sink, n, nulls === 0 ? 1 : 0);
  const groups = Math.ceil(n / 8);
  sink.varint(groups * 2 + 1);
  sink.ensure(groups);
  const arena = sink.arenaWith(codes);
  if (arena) {
    sink.pos += arena.wasm.codeLevels(codes.byteOffset + start * 4, n, sink.arenaPos);
    return;
  }
  const b = sink.buf;
  let p = sink.pos;
  for (let i = start; i < end; i += 8) {
    let byte = 0;
    const stop = Math.min(i + 8, end);
    // The sign bit of code -1, flipped: 1 for a present value.
    for (let k = 0, j = i; j < stop; j++, k++) byte |= ((~codes[j]!) >>> 31) << k;
    b[p++] = byte;
  }
  sink.pos = p;
}

function writeRun(sink: ByteSink, n: number, value: number): void {
  sink.varint(n * 2);
  sink.ensure(1);
  sink.buf[sink.pos++] = value;
}

/** The length of `n` values bit-packed at `width` bits as one hybrid run (its header included). */
export function bitPackedRunLength(n: number, width: number): number {
  const groups = Math.ceil(n / 8);
  return varintLength(groups * 2 + 1) + groups * width;
}

/** Writes values[0..n) (each below 2^width) as one bit-packed hybrid run, padded to a multiple of 8 values. */
export function writeBitPackedRun(sink: ByteSink, values: Int32Array, n: number, width: number): void {
  const groups = Math.ceil(n / 8);
  sink.varint(groups * 2 + 1);
  sink.ensure(groups * width);
  const b = sink.buf;
  let p = sink.pos;
  const end = p + groups * width;
  const arena = width <= 25 ? sink.arenaWith(values) : undefined;
  if (arena) p += arena.wasm.bitPack(values.byteOffset, n, width, sink.arenaPos);
  else if (width <= 25) {
    // At most 7 pending bits plus 25: the accumulator fits 32 bits (read unsigned with >>>).
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      acc |= values[i]! << bits;
      bits += width;
      while (bits >= 8) {
        b[p++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) b[p++] = acc & 0xff;
  } else {
    let acc = 0;
    let scale = 1;
    for (let i = 0; i < n; i++) {
      acc += values[i]! * scale;
      scale *= 2 ** width;
      while (scale >= 256) {
        b[p++] = acc % 256;
        acc = Math.floor(acc / 256);
        scale /= 256;
      }
    }
    if (scale > 1) b[p++] = acc;
  }
  b.fill(0, p, end);
  sink.pos = end;
}

const encoder = new TextEncoder();

/** Writes `s` as a PLAIN BYTE_ARRAY: its UTF-8 length (4 bytes) and its UTF-8, lone surrogates as U+FFFD. */
export function writeUtf8Value(sink: ByteSink, s: string): void {
  // At most 3 bytes per UTF-16 unit (a surrogate pair's 4 bytes are 2 units).
  sink.ensure(4 + s.length * 3);
  const b = sink.buf;
  const at = sink.pos;
  let p = at + 4;
  if (s.length > 64) p += encoder.encodeInto(s, b.subarray(p)).written;
  else {
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) b[p++] = c;
      else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            b[p++] = 0xf0 | (cp >> 18);
            b[p++] = 0x80 | ((cp >> 12) & 0x3f);
            b[p++] = 0x80 | ((cp >> 6) & 0x3f);
            b[p++] = 0x80 | (cp & 0x3f);
            i++;
            continue;
          }
          c = 0xfffd;
        }
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      }
    }
  }
  const len = p - at - 4;
  b[at] = len & 0xff;
  b[at + 1] = (len >>> 8) & 0xff;
  b[at + 2] = (len >>> 16) & 0xff;
  b[at + 3] = (len >>> 24) & 0xff;
  sink.pos = p;
}
