// AssemblyScript: the counted statistics' loops over a plain CSV read's columns
// (src/data/plain-counted.ts), each the same operations in the same order as the JS loop it stands
// for, so that its results are the same to the bit.
import { jsRound, negative } from './values';

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

/** mergedCounts' count (src/data/plain-stats.ts): each present i32 code of the n at p counted in the i32 perCode (entries of them; a code past them is not counted, as a typed array ignores it). */
export function countCodes(p: usize, n: i32, entries: i32, perCode: usize): void {
  for (let i: i32 = 0; i < n; i++) {
    const code = load<i32>(p + (<usize>i << 2));
    if (code >= 0 && code < entries) {
      const at = perCode + (<usize>code << 2);
      store<i32>(at, load<i32>(at) + 1);
    }
  }
}
