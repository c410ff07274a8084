// AssemblyScript: the sorted statistics' loops over a plain CSV read's columns
// (src/data/plain-sort.ts, src/data/profile-sorted.ts), each the same operations in the same order
// as the JS loop it stands for, so that its results are the same to the bit.
import { jsRound, negative } from './values';

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

/** The values at p that are not NaN copied to dst, in order (a value past the last one written too); how many: dropMissing's copy (src/data/plain-sort.ts) and writeDoubles' values (src/data/parquet-js-numbers.ts). */
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
