// AssemblyScript: loops over a parsed column's values (f64, NaN for a missing one) in the shared
// memory, each the same operations in the same order as the JS loop it stands for, so that its
// results are the same to the bit (src/data/plain-columns-wasm.ts says which).

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

/** boundsOf's loop (src/data/plain-counted.ts) over the n values at p, from min and max at out (f64), written back there. */
export function bounds(p: usize, n: i32, out: usize): void {
  let min = load<f64>(out), max = load<f64>(out, 8);
  for (let i: i32 = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (x < min) min = x;
    if (x > max) max = x;
  }
  store<f64>(out, min);
  store<f64>(out, max, 8);
}

/** JS's Math.round, as V8 computes it: the nearest integer, a half up. */
// @ts-ignore: decorator
@inline function jsRound(y: f64): f64 {
  const r = Math.ceil(y);
  return r - 0.5 > y ? r - 1 : r;
}

export const COUNTED: i32 = -1;
export const OUTSIDE: i32 = -2;

/**
 * countKeys' loop (src/data/plain-counted.ts) over the n values at p: each present value's key
 * round(x·scale) - base counted in the u32 counts, while it is the value's (key + base) / scale.
 * Adds the values counted and the -0 among them to the i32s at out and out + 4. Returns COUNTED,
 * the index of the first value that is not its key over scale, or OUTSIDE (the index at out + 8)
 * for a key outside [0, range).
 */
export function countKeys(p: usize, n: i32, scale: f64, base: f64, range: i32, counts: usize, out: usize): i32 {
  let counted = load<i32>(out), negativeZeros = load<i32>(out, 4);
  for (let i: i32 = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (x != x) continue;
    const k = jsRound(x * scale);
    if (k / scale != x) {
      store<i32>(out, counted);
      store<i32>(out, negativeZeros, 4);
      return i;
    }
    if (x == 0 && reinterpret<u64>(x) >> 63) negativeZeros++;
    const key = k - base;
    if (!(key >= 0 && key < <f64>range)) {
      store<i32>(out, i, 8);
      return OUTSIDE;
    }
    const at = counts + (<usize><i32>key << 2);
    store<u32>(at, load<u32>(at) + 1);
    counted++;
  }
  store<i32>(out, counted);
  store<i32>(out, negativeZeros, 4);
  return COUNTED;
}

// @ts-ignore: decorator
@inline function negative(x: f64): bool {
  return <bool>(reinterpret<u64>(x) >> 63);
}

/**
 * dropMissing's first pass (src/data/plain-sort.ts) over the n values at p, from and back to the
 * accumulators at out: missing (i32) at 0, ascending (i32) at 4, the last value, min and max (f64)
 * at 8, 16 and 24. Ascending is tested only while it holds; -0 after 0 is out of order.
 */
export function presentScan(p: usize, n: i32, out: usize): void {
  let missing = load<i32>(out), ascending = load<i32>(out, 4);
  let last = load<f64>(out, 8), min = load<f64>(out, 16), max = load<f64>(out, 24);
  for (let i: i32 = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (x != x) missing++;
    else {
      if (ascending && (x < last || (x == 0 && last == 0 && negative(x) && !negative(last)))) ascending = 0;
      if (x < min) min = x;
      if (x > max) max = x;
      last = x;
    }
  }
  store<i32>(out, missing);
  store<i32>(out, ascending, 4);
  store<f64>(out, last, 8);
  store<f64>(out, min, 16);
  store<f64>(out, max, 24);
}

/** The values at p that are not NaN copied to dst, in order; how many. */
export function compact(p: usize, n: i32, dst: usize): i32 {
  let k: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    store<f64>(dst + (<usize>k << 3), x);
    k += i32(x == x);
  }
  return k;
}

/**
 * decimalKeys' loop (src/data/plain-sort.ts): each of the n values at v (none NaN) as its key
 * round(x·scale) - base, a u32 at keys, while it is the value's. Returns -1, the -0 count at out
 * (i32), or the index of the first value that is not its key over scale.
 */
export function decimalKeys(v: usize, n: i32, scale: f64, base: f64, keys: usize, out: usize): i32 {
  let negativeZeros: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const x = load<f64>(v + (<usize>i << 3));
    const k = jsRound(x * scale);
    if (k / scale != x) return i;
    if (x == 0 && negative(x)) negativeZeros++;
    store<u32>(keys + (<usize>i << 2), <u32><i64>(k - base));
  }
  store<i32>(out, negativeZeros);
  return -1;
}

/**
 * keySort (src/data/plain-sort.ts): the n u32 keys at keys (below range) by an LSD radix sort
 * of two passes (byLow and the keys themselves its buffers, lowCounts and highCounts zeroed
 * here), their values (base + key) / scale written ascending at sorted (f64), the first
 * negativeZeros zeros as -0. Returns the distinct count.
 */
export function keySort(keys: usize, n: i32, base: f64, scale: f64, range: u32, negativeZeros: i32, byLow: usize, sorted: usize, lowCounts: usize, highCounts: usize): i32 {
  const bits = 32 - <i32>clz<u32>(range - 1);
  const low = bits >>> 1;
  const lowMask: u32 = (<u32>1 << low) - 1, highBuckets: i32 = 1 << (bits - low);
  memory.fill(lowCounts, 0, <usize>(1 << low) << 2);
  memory.fill(highCounts, 0, <usize>highBuckets << 2);
  for (let i: i32 = 0; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    const a = lowCounts + (<usize>(k & lowMask) << 2), b = highCounts + (<usize>(k >>> low) << 2);
    store<i32>(a, load<i32>(a) + 1);
    store<i32>(b, load<i32>(b) + 1);
  }
  toStarts(lowCounts, 1 << low);
  toStarts(highCounts, highBuckets);
  for (let i: i32 = 0; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    const a = lowCounts + (<usize>(k & lowMask) << 2);
    const at = load<i32>(a);
    store<i32>(a, at + 1);
    store<u32>(byLow + (<usize>at << 2), k);
  }
  for (let i: i32 = 0; i < n; i++) {
    const k = load<u32>(byLow + (<usize>i << 2));
    const b = highCounts + (<usize>(k >>> low) << 2);
    const at = load<i32>(b);
    store<i32>(b, at + 1);
    store<u32>(keys + (<usize>at << 2), k);
  }
  let distinct: i32 = n > 0 ? 1 : 0;
  let zerosLeft = negativeZeros;
  let previous: u32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    let x = (base + <f64>k) / scale;
    if (x == 0 && zerosLeft > 0) {
      zerosLeft--;
      x = -0.0;
    }
    store<f64>(sorted + (<usize>i << 3), x);
    if (i > 0 && k != previous) distinct++;
    previous = k;
  }
  return distinct;
}

/** Counts into the start of each bucket: the prefix sums before it. */
function toStarts(counts: usize, n: i32): void {
  let sum: i32 = 0;
  for (let b: i32 = 0; b < n; b++) {
    const at = counts + (<usize>b << 2);
    const c = load<i32>(at);
    store<i32>(at, sum);
    sum += c;
  }
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

/** compensatedSum (src/data/profile-sorted.ts): Σ(x·scale) over the n values at p, Neumaier's compensation added. */
export function compensatedSum(p: usize, n: i32, scale: f64): f64 {
  let sum: f64 = 0, comp: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3)) * scale;
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + comp;
}

/** compensatedSquares (src/data/profile-sorted.ts): Σ(x·scale - mean)² over the n values at p, Neumaier's compensation added. */
export function compensatedSquares(p: usize, n: i32, mean: f64, scale: f64): f64 {
  let sum: f64 = 0, comp: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const d = load<f64>(p + (<usize>i << 3)) * scale - mean;
    const x = d * d;
    const t = sum + x;
    comp += sum >= x ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + comp;
}

/**
 * runs' first walk (src/data/profile-sorted.ts, short runs) over the n sorted values at p: each
 * run of equal values counted by its length in the i32 lengths (n + 1 of them, zeroed here).
 * Returns the distinct count; the longest run (i32) at out.
 */
export function runLengths(p: usize, n: i32, lengths: usize, out: usize): i32 {
  memory.fill(lengths, 0, <usize>(n + 1) << 2);
  let distinct: i32 = 0, longest: i32 = 1, len: i32 = 1;
  for (let i: i32 = 1; i < n; i++) {
    if (load<f64>(p + (<usize>i << 3)) == load<f64>(p + (<usize>(i - 1) << 3))) len++;
    else {
      const at = lengths + (<usize>len << 2);
      store<i32>(at, load<i32>(at) + 1);
      if (len > longest) longest = len;
      distinct++;
      len = 1;
    }
  }
  const at = lengths + (<usize>len << 2);
  store<i32>(at, load<i32>(at) + 1);
  if (len > longest) longest = len;
  distinct++;
  store<i32>(out, longest);
  return distinct;
}

/**
 * runs' second walk (short runs): the runs of more than `cut` values, and the first `ties` of
 * exactly `cut`, as (start, length) i32 pairs at picks, in value order. Returns the pairs.
 */
export function longRuns(p: usize, n: i32, cut: i32, ties: i32, picks: usize): i32 {
  let pairs: i32 = 0, tied: i32 = 0;
  for (let i: i32 = 0; i + cut - 1 < n; ) {
    const x = load<f64>(p + (<usize>i << 3));
    if (x != load<f64>(p + (<usize>(i + cut - 1) << 3))) {
      i++;
      continue;
    }
    let j = i + cut;
    while (j < n && load<f64>(p + (<usize>j << 3)) == x) j++;
    const len = j - i;
    if (len > cut || (len == cut && tied < ties)) {
      if (len == cut) tied++;
      store<i32>(picks + (<usize>pairs << 3), i);
      store<i32>(picks + (<usize>pairs << 3), len, 4);
      pairs++;
    }
    i = j;
  }
  return pairs;
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

/** writeDoubles: the present values of the n at p, in order, at out (8-aligned). Returns how many. */
export function presentDoubles(p: usize, n: i32, out: usize): i32 {
  let j: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    store<f64>(out + (<usize>j << 3), v);
    j += i32(v == v);
  }
  return j;
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

/**
 * valueMoments' first sum (src/data/plain-counted.ts): over the u32 counts (range of them), each
 * key's value ((base + key) / decimals) · scale added as many times as it is counted, Neumaier's
 * compensation, -0 for the first negativeZeros zeros. Returns the sum with its compensation.
 */
export function countedSum(counts: usize, range: i32, base: f64, decimals: f64, scale: f64, negativeZeros: i32): f64 {
  let sum: f64 = 0, comp: f64 = 0;
  for (let k: i32 = 0; k < range; k++) {
    const c = <i32>load<u32>(counts + (<usize>k << 2));
    if (c == 0) continue;
    const x = ((base + <f64>k) / decimals) * scale;
    for (let j: i32 = 0; j < c; j++) {
      const v = x == 0 && j < negativeZeros ? -0.0 : x;
      const t = sum + v;
      comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      sum = t;
    }
  }
  return sum + comp;
}

/** valueMoments' second sum: each counted value's (value · scale - mean)², as countedSum adds. */
export function countedSquares(counts: usize, range: i32, base: f64, decimals: f64, scale: f64, mean: f64): f64 {
  let sum: f64 = 0, comp: f64 = 0;
  for (let k: i32 = 0; k < range; k++) {
    const c = <i32>load<u32>(counts + (<usize>k << 2));
    if (c == 0) continue;
    const d = ((base + <f64>k) / decimals) * scale - mean;
    const x = d * d;
    for (let j: i32 = 0; j < c; j++) {
      const t = sum + x;
      comp += sum >= x ? sum - t + x : x - t + sum;
      sum = t;
    }
  }
  return sum + comp;
}

/** How many of the n bytes at p are `byte` (the parse's row estimate counts line ends so). */
export function countByte(p: usize, n: i32, byte: u32): i32 {
  let count: i32 = 0;
  for (let i: i32 = 0; i < n; i++) count += i32(<u32>load<u8>(p + <usize>i) == byte);
  return count;
}

/** How many of the n u32 at p are not 0 (a counted column's distinct values). */
export function countNonZero(p: usize, n: i32): i32 {
  let count: i32 = 0;
  for (let i: i32 = 0; i < n; i++) count += i32(load<u32>(p + (<usize>i << 2)) != 0);
  return count;
}

/** largestCounts (src/data/plain-counted.ts): the `most` largest positive u32 of the n at p, largest first, as i32 at out. Returns how many. */
export function largestCounts(p: usize, n: i32, most: i32, out: usize): i32 {
  let taken: i32 = 0;
  for (let k: i32 = 0; k < n; k++) {
    const c = <i32>load<u32>(p + (<usize>k << 2));
    if (c == 0 || (taken == most && c <= load<i32>(out + (<usize>(most - 1) << 2)))) continue;
    let at = taken == most ? most - 1 : taken;
    while (at > 0 && load<i32>(out + (<usize>(at - 1) << 2)) < c) {
      store<i32>(out + (<usize>at << 2), load<i32>(out + (<usize>(at - 1) << 2)));
      at--;
    }
    store<i32>(out + (<usize>at << 2), c);
    if (taken < most) taken++;
  }
  return taken;
}

/** topOf's walk (src/data/plain-counted.ts): the keys counted more than cut times, and the first `ties` counted cut times, as (key, count) i32 pairs at picks. Returns the pairs. */
export function countedTop(p: usize, n: i32, cut: i32, ties: i32, picks: usize): i32 {
  let pairs: i32 = 0, tied: i32 = 0;
  for (let k: i32 = 0; k < n; k++) {
    const len = <i32>load<u32>(p + (<usize>k << 2));
    if (len > cut || (len == cut && tied < ties)) {
      if (len == cut) tied++;
      store<i32>(picks + (<usize>pairs << 3), k);
      store<i32>(picks + (<usize>pairs << 3), len, 4);
      pairs++;
    }
  }
  return pairs;
}

/**
 * quantilesOf's walk (src/data/plain-counted.ts): for each of the m ascending i32 ranks at ranks,
 * the key holding that rank of the counted values and the rank's place among that key's values,
 * as (key, place) i32 pairs at out.
 */
export function rankKeys(p: usize, n: i32, ranks: usize, m: i32, out: usize): void {
  let r: i32 = 0;
  let below: f64 = 0;
  for (let k: i32 = 0; k < n && r < m; k++) {
    const c = <f64>load<u32>(p + (<usize>k << 2));
    if (c == 0) continue;
    while (r < m && <f64>load<i32>(ranks + (<usize>r << 2)) < below + c) {
      store<i32>(out + (<usize>r << 3), k);
      store<i32>(out + (<usize>r << 3), <i32>(<f64>load<i32>(ranks + (<usize>r << 2)) - below), 4);
      r++;
    }
    below += c;
  }
}

/** binCounts' walk (src/data/plain-counted.ts): how many counted values lie below each edge b·step + lo (b = 1 .. bins - 1) and not below the one before, as i32 at out. */
export function countedBins(p: usize, n: i32, base: f64, decimals: f64, lo: f64, step: f64, bins: i32, out: usize): void {
  let k: i32 = 0;
  let below: f64 = 0;
  for (let b: i32 = 1; b < bins; b++) {
    const edge = <f64>b * step + lo;
    let at = below;
    for (; k < n; k++) {
      const c = load<u32>(p + (<usize>k << 2));
      if (c == 0) continue;
      if (!((base + <f64>k) / decimals < edge)) break;
      at += <f64>c;
    }
    store<i32>(out + (<usize>(b - 1) << 2), <i32>(at - below));
    below = at;
  }
}
