// AssemblyScript: the Parquet writer's loops over a plain CSV read's columns (src/data/parquet-js-*.ts
// says which), each the same operations in the same order as the JS loop it stands for, so that
// its bytes are the same.
import { jsRound, negative } from './values';

/**
 * encodeNumberChunk's scan (src/data/parquet-js-numbers.ts) of the n values at p: two values a
 * turn, each its own min and max (NaN never is one), joined as Math.min and Math.max join them.
 * Writes min and max (f64) at out and out + 8, the missing count (i32) at out + 16.
 */
export function scanChunk(p: usize, n: i32, out: usize): void {
  let nulls: i32 = 0, nulls2: i32 = 0;
  let min: f64 = Infinity, max: f64 = -Infinity, min2: f64 = Infinity, max2: f64 = -Infinity;
  let i: i32 = 0;
  for (; i + 1 < n; i += 2) {
    const v = load<f64>(p + (<usize>i << 3));
    const w = load<f64>(p + (<usize>i << 3), 8);
    nulls += i32(v != v);
    nulls2 += i32(w != w);
    if (v < min) min = v;
    if (v > max) max = v;
    if (w < min2) min2 = w;
    if (w > max2) max2 = w;
  }
  if (i < n) {
    const v = load<f64>(p + (<usize>i << 3));
    nulls += i32(v != v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Math.min and Math.max: -0 below 0 (neither is NaN here).
  store<f64>(out, Math.min(min, min2));
  store<f64>(out, Math.max(max, max2), 8);
  store<i32>(out, nulls + nulls2, 16);
}

export const NOT_DECIMAL: i32 = -1;
export const TOO_MANY: i32 = -2;

/**
 * NumberDictionary's decimalCells loop (src/data/parquet-js-number-dictionary.ts) over the n
 * values at p (the chunk's rows from `start` on): each present value's entry looked up by its
 * cell round(v·scale) - base in the i32 cells (entry + 1, 0 for none), new ones numbered in order
 * of first sight (their cell in entryCell, their row in first), each present value's entry in
 * indices. Returns the entries, NOT_DECIMAL for a value that is not a decimal at this scale (or
 * is -0), or TOO_MANY past `limit` entries; the cells it set are cleared again in every case.
 */
export function decimalCells(p: usize, n: i32, start: i32, scale: f64, base: f64, limit: i32, cells: usize, entryCell: usize, first: usize, indices: usize): i32 {
  let entries: i32 = 0, present: i32 = 0;
  let result: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    if (v != v) continue;
    const x = jsRound(v * scale);
    if (x / scale != v || (x == 0 && negative(v))) {
      result = NOT_DECIMAL;
      break;
    }
    const cell = <i32>(x - base);
    const at = cells + (<usize>cell << 2);
    const e = load<i32>(at) - 1;
    if (e >= 0) {
      store<i32>(indices + (<usize>present << 2), e);
      present++;
    } else {
      if (entries == limit) {
        result = TOO_MANY;
        break;
      }
      store<i32>(at, entries + 1);
      store<i32>(entryCell + (<usize>entries << 2), cell);
      store<i32>(first + (<usize>entries << 2), start + i);
      store<i32>(indices + (<usize>present << 2), entries);
      present++;
      entries++;
    }
  }
  for (let k: i32 = 0; k < entries; k++) store<i32>(cells + (<usize>load<i32>(entryCell + (<usize>k << 2)) << 2), 0);
  return result < 0 ? result : entries;
}

/**
 * writeNumberLevels' bytes (src/data/parquet-js-bytes.ts): the n values at p as definition levels
 * of bit width 1, bit k of each byte set when value k is present (not NaN), the last byte's
 * missing bits 0; written at out. Returns the bytes written.
 */
export function numberLevels(p: usize, n: i32, out: usize): i32 {
  let o = out;
  let i: i32 = 0;
  for (const full = n & ~7; i < full; i += 8) {
    const q = p + (<usize>i << 3);
    let byte: u32 = 0;
    for (let k: i32 = 0; k < 8; k++) {
      const v = load<f64>(q + (<usize>k << 3));
      byte |= u32(v == v) << k;
    }
    store<u8>(o++, byte);
  }
  if (i < n) {
    let byte: u32 = 0;
    for (let k: i32 = 0; i < n; i++, k++) {
      const v = load<f64>(p + (<usize>i << 3));
      byte |= u32(v == v) << k;
    }
    store<u8>(o++, byte);
  }
  return <i32>(o - out);
}

/** writeBitPackedRun's bytes for width ≤ 25: the n i32 at p, width bits each, LSB first, at out (no padding). Returns the bytes written. */
export function bitPack(p: usize, n: i32, width: u32, out: usize): i32 {
  let o = out;
  let acc: u32 = 0, bits: u32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    acc |= load<u32>(p + (<usize>i << 2)) << bits;
    bits += width;
    while (bits >= 8) {
      store<u8>(o++, acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) store<u8>(o++, acc & 0xff);
  return <i32>(o - out);
}

/** writeInt64s: the present values of the n at p (whole, within 2^53), in order, as INT64 at out. Returns how many. */
export function presentInt64s(p: usize, n: i32, out: usize): i32 {
  let j: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    if (v == v) {
      store<i64>(out + (<usize>j << 3), <i64>v);
      j++;
    }
  }
  return j;
}

/** writeCodeLevels' bytes: the n i32 codes at p as definition levels (bit k of each byte set when code k is not -1), at out. Returns the bytes written. */
export function codeLevels(p: usize, n: i32, out: usize): i32 {
  let o = out;
  for (let i: i32 = 0; i < n; i += 8) {
    let byte: u32 = 0;
    const stop = min(i + 8, n);
    for (let k: i32 = 0, j = i; j < stop; j++, k++) byte |= (<u32>~load<i32>(p + (<usize>j << 2)) >>> 31) << k;
    store<u8>(o++, byte);
  }
  return <i32>(o - out);
}

/**
 * StringChunkEncoder.encode's renumbering (src/data/parquet-js-text.ts): each present code of the
 * n i32 at p (below `entries`) numbered in order of first use through remap (i32, all -1 between
 * calls: left so), the codes used in that order in `used`, each present value's number in
 * indices. Returns the present count, the distinct count at out (i32); or -1 - i for a code past
 * the dictionary at row i.
 */
export function renumberCodes(p: usize, n: i32, entries: i32, remap: usize, used: usize, indices: usize, out: usize): i32 {
  let present: i32 = 0, distinct: i32 = 0, failed: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const c = load<i32>(p + (<usize>i << 2));
    if (c < 0) continue;
    if (c >= entries) {
      failed = -1 - i;
      break;
    }
    const at = remap + (<usize>c << 2);
    let r = load<i32>(at);
    if (r < 0) {
      r = distinct;
      store<i32>(at, r);
      store<i32>(used + (<usize>distinct << 2), c);
      distinct++;
    }
    store<i32>(indices + (<usize>present << 2), r);
    present++;
  }
  for (let k: i32 = 0; k < distinct; k++) store<i32>(remap + (<usize>load<i32>(used + (<usize>k << 2)) << 2), -1);
  store<i32>(out, distinct);
  return failed < 0 ? failed : present;
}

/**
 * NumberDictionary's distinct (src/data/parquet-js-number-dictionary.ts) over the n values at p
 * (the chunk's rows from `start` on): each present value's entry found by its bits in the open
 * addressing table (4 i32 a slot: entry + 1, the low and high halves; slots mask + 1, hashed with
 * `shift`), new ones numbered in order of first sight (their slot in entrySlot, their row in
 * first), each present value's entry in indices. Returns the entries, or TOO_MANY past `limit`;
 * the slots it set are cleared again in every case.
 */
export function distinctBits(p: usize, n: i32, start: i32, limit: i32, table: usize, mask: u32, shift: u32, entrySlot: usize, first: usize, indices: usize): i32 {
  let entries: i32 = 0, present: i32 = 0, result: i32 = 0;
  for (let i: i32 = 0; i < n && result == 0; i++) {
    const lo = load<u32>(p + (<usize>i << 3));
    const hi = load<u32>(p + (<usize>i << 3), 4);
    // NaN (exponent all ones, a mantissa bit set): a missing value, not an entry.
    if ((hi & 0x7ff00000) == 0x7ff00000 && ((hi & 0xfffff) | lo) != 0) continue;
    let slot = ((lo ^ (hi * 0x9e3779b1)) * 0x85ebca6b) >>> shift;
    for (;;) {
      const at = table + (<usize>slot << 4);
      const e = load<i32>(at) - 1;
      if (e < 0) {
        if (entries == limit) {
          result = TOO_MANY;
          break;
        }
        store<i32>(at, entries + 1);
        store<u32>(at, lo, 4);
        store<u32>(at, hi, 8);
        store<i32>(entrySlot + (<usize>entries << 2), <i32>slot);
        store<i32>(first + (<usize>entries << 2), start + i);
        store<i32>(indices + (<usize>present << 2), entries);
        present++;
        entries++;
        break;
      }
      if (load<u32>(at, 4) == lo && load<u32>(at, 8) == hi) {
        store<i32>(indices + (<usize>present << 2), e);
        present++;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  for (let k: i32 = 0; k < entries; k++) store<i32>(table + (<usize>load<i32>(entrySlot + (<usize>k << 2)) << 4), 0);
  return result < 0 ? result : entries;
}
