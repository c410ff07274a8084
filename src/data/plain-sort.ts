/**
 * The sorted non-missing values of a plain CSV's number column (plain-column.ts), for its
 * statistics (plain-stats.ts), by the cheapest of four routes:
 *  - presorted: values already ascending (an id column) are used as they are, found in the pass
 *    that drops the missing ones;
 *  - counted, keys: values with at most MAX_DECIMALS decimals (what a CSV of prices, ages and
 *    measurements holds) are integers k over 10^d, exactly: k / 10^d gives back the very double.
 *    Their keys k - min(k) are sorted instead: by counting when their range is short (about the
 *    rows; a low-cardinality column), else by a 2-pass radix sort of 32-bit keys;
 *  - bits: any other values by an LSD radix sort of the doubles' order-preserving bit images
 *    (16-bit digits, a pass skipped when every value has the same digit);
 *  - builtin: short columns by Float64Array's sort.
 * Every route gives what Float64Array.prototype.sort gives (-0 before 0 too).
 *
 * The arrays are scratch memory kept from one column to the next (one set per thread, in the
 * read's arena, plain-wasm.ts): a fresh array costs a page fault per 4 KiB on its first touch, and
 * these were slow here (a new 8 MB array took up to 40 ms to fill). The loops that drop the
 * missing values, key the decimals and sort the keys are WebAssembly (wasm/column-sorts.ts).
 */
import { threadArena, type Arena } from './plain-wasm.js';

/** How sortedValues sorted a column: for the tests and the bench. */
export type SortRoute = 'presorted' | 'counted' | 'keys' | 'bits' | 'builtin';

export interface SortedValues {
  /**
   * The non-missing values ascending: the input itself when it had no missing value and was
   * sorted, else scratch memory that the next call reuses.
   */
  readonly sorted: Float64Array;
  /** How many distinct values (-0 and 0 one value). */
  readonly distinct: number;
  readonly route: SortRoute;
}

/** Up to this many values the built-in sort beats the others' setup. */
const BUILTIN_BELOW = 512;

/** Decimal places tried for keys (10^9 is exact, and a key's range must fit 32 bits anyway). */
const MAX_DECIMALS = 9;

const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** d);

/** The scratch areas of the read's arena (plain-wasm.ts): the values without the missing ones, three for the sorts. */
type Slot = 'present' | 'a' | 'b' | 'c';

const float64s = (slot: Slot, n: number) => {
  const arena = threadArena();
  return arena.f64(arena.scratch(`sort ${slot}`, 8 * n), n);
};
/** n 32-bit integers of scratch memory (`slot`'s), their contents left from earlier use. */
const uint32s = (slot: Slot, n: number) => {
  const arena = threadArena();
  return arena.u32(arena.scratch(`sort ${slot}`, 4 * n), n);
};

/**
 * `values` (NaN: missing) without the missing ones, sorted ascending, with their distinct count;
 * several arrays are the parts of one column, in order (plain-csv-read.ts), never joined but here.
 */
export function sortedValues(values: Float64Array | readonly Float64Array[]): SortedValues {
  const parts: readonly Float64Array[] = values instanceof Float64Array ? [values] : values;
  const { present, ascending, min, max } = dropMissing(parts);
  const n = present.length;
  if (ascending) return { sorted: present, distinct: distinctOfSorted(present), route: 'presorted' };
  if (n < BUILTIN_BELOW) {
    const sorted = present === parts[0] ? present.slice().sort() : present.sort();
    return { sorted, distinct: distinctOfSorted(sorted), route: 'builtin' };
  }
  const byKeys = sortByDecimalKeys(present, min, max);
  if (byKeys) return byKeys;
  const sorted = radixSortBits(present);
  return { sorted, distinct: distinctOfSorted(sorted), route: 'bits' };
}

/**
 * The non-NaN values of the parts, one after the other (a single part itself when it has no NaN),
 * whether they are ascending, and their min and max.
 */
function dropMissing(parts: readonly Float64Array[]): { present: Float64Array; ascending: boolean; min: number; max: number } {
  const arena = threadArena();
  const placed = parts.map((values, k) => arena.place(values, `sort part ${k}`));
  const scan = presentScan(arena, parts, placed);
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  if (scan.missing === 0 && parts.length === 1) return { present: parts[0]!, ascending: scan.ascending, min: scan.min, max: scan.max };
  // One more: the loop stores each value before it tells whether it was missing.
  const present = float64s('present', length - scan.missing + 1).subarray(0, length - scan.missing);
  let k = 0;
  parts.forEach((values, j) => (k += arena.wasm.compact(placed[j]!, values.length, present.byteOffset + 8 * k)));
  return { present, ascending: scan.ascending, min: scan.min, max: scan.max };
}

/** dropMissing's pass over the parts (wasm/column-sorts.ts's presentScan): missing values, whether the rest ascend, min and max. */
function presentScan(arena: Arena, parts: readonly Float64Array[], placed: readonly number[]): { missing: number; ascending: boolean; min: number; max: number } {
  const out = arena.out;
  arena.i32(out, 2).set([0, 1]);
  arena.f64(out + 8, 3).set([-Infinity, Infinity, -Infinity]);
  parts.forEach((values, k) => arena.wasm.presentScan(placed[k]!, values.length, out));
  const [missing, ascending] = arena.i32(out, 2);
  const [, min, max] = arena.f64(out + 8, 3);
  return { missing: missing!, ascending: ascending === 1, min: min!, max: max! };
}

/** Distinct values of sorted `v`. */
export function distinctOfSorted(v: Float64Array): number {
  if (v.length === 0) return 0;
  let distinct = 1;
  for (let i = 1; i < v.length; i++) if (v[i] !== v[i - 1]) distinct++;
  return distinct;
}

/** The fewest decimals d (up to MAX_DECIMALS) with round(x·10^d) / 10^d === x, or -1. */
export function decimalsOf(x: number): number {
  for (let d = 0; d <= MAX_DECIMALS; d++) if (Math.round(x * POW10[d]!) / POW10[d]! === x) return d;
  return -1;
}

/**
 * `v` (no NaN, not empty; `min` and `max` its own) sorted by its decimal keys (see the header), or undefined when some value
 * has more than MAX_DECIMALS decimals or the keys span 2^32 or more. The decimals are guessed from
 * a few values and raised when a value needs more. A -0 has the key of 0, and is put back first
 * among the zeros (as "-0.0" in a CSV reads).
 */
export function sortByDecimalKeys(v: Float64Array, min = v.reduce((a, x) => Math.min(a, x), Infinity), max = v.reduce((a, x) => Math.max(a, x), -Infinity)): SortedValues | undefined {
  const n = v.length;
  let d = 0;
  for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 64))) d = Math.max(d, decimalsOf(v[i]!));
  for (;;) {
    if (d < 0) return undefined;
    const keyed = decimalKeys(v, d, min, max);
    if (keyed === -1) return undefined;
    if (typeof keyed !== 'number') return keyed.range <= Math.max(2 * n, 1 << 16) ? countingSort(keyed, n) : keySort(keyed);
    // The value at `keyed` needs more decimals (or has none that do).
    const more = decimalsOf(v[keyed]!);
    if (more <= d) return undefined;
    d = more;
  }
}

interface Keyed {
  readonly keys: Uint32Array;
  /** The smallest key's integer: value = (base + key) / scale. */
  readonly base: number;
  readonly scale: number;
  /** Largest key + 1. */
  readonly range: number;
  /** How many values were -0. */
  readonly negativeZeros: number;
}

/** The keys of `v` at `d` decimals, the index of a value they do not give back exactly, or -1 when their range is too wide. */
function decimalKeys(v: Float64Array, d: number, min: number, max: number): Keyed | number {
  const n = v.length;
  const scale = POW10[d]!;
  const base = Math.round(min * scale), top = Math.round(max * scale);
  if (!(Math.abs(base) < 2 ** 52 && Math.abs(top) < 2 ** 52 && top - base < 2 ** 32)) return -1;
  const keys = uint32s('a', n);
  const arena = threadArena();
  const misfit = arena.wasm.decimalKeys(arena.place(v, 'sort input'), n, scale, base, keys.byteOffset, arena.out);
  if (misfit >= 0) return misfit;
  return { keys, base, scale, range: top - base + 1, negativeZeros: arena.i32(arena.out, 1)[0]! };
}

/** The values of keys with a short range, by counting each key. */
function countingSort({ keys, base, scale, range, negativeZeros }: Keyed, n: number): SortedValues {
  const counts = uint32s('b', range).fill(0);
  for (let i = 0; i < n; i++) counts[keys[i]!]!++;
  const distinct = counts.reduce((d, c) => d + +(c !== 0), 0);
  return { sorted: sortedFromCounts(counts, base, scale, negativeZeros, n), distinct, route: 'counted' };
}

/** The n values counted by key ((base + key) / scale, counts[key] times) ascending in scratch memory, -0 first among zeros. */
export function sortedFromCounts(counts: Uint32Array, base: number, scale: number, negativeZeros: number, n: number): Float64Array {
  const sorted = float64s('c', n);
  for (let k = 0, at = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    const x = (base + k) / scale;
    const end = at + c;
    if (x === 0) for (; at < end && at - (end - c) < negativeZeros; at++) sorted[at] = -0;
    for (; at < end; at++) sorted[at] = x;
  }
  return sorted;
}

/** The values of keys of any range below 2^32, by an LSD radix sort of two passes. */
function keySort({ keys, base, scale, range, negativeZeros }: Keyed): SortedValues {
  const n = keys.length;
  const arena = threadArena();
  const sorted = float64s('c', n);
  // wasm/column-sorts.ts's keySort: byLow in 'b', and the two passes' bucket counts (2^16 at most each).
  const counts = arena.scratch('sort counts', 8 << 16);
  const distinct = arena.wasm.keySort(keys.byteOffset, n, base, scale, range, negativeZeros, uint32s('b', n).byteOffset, sorted.byteOffset, counts, counts + (4 << 16));
  return { sorted, distinct, route: 'keys' };
}

/** Counts into the start of each bucket: the prefix sums before it. */
function toStarts(counts: Int32Array): void {
  for (let b = 0, sum = 0; b < counts.length; b++) {
    const c = counts[b]!;
    counts[b] = sum;
    sum += c;
  }
}

/**
 * `v` (no NaN) sorted ascending in scratch memory, by an LSD radix sort of its bit images made
 * order-preserving as unsigned 64-bit numbers (a negative's bits all flipped, a positive's sign
 * bit set), in four 16-bit digits. The images are kept as two Uint32 halves: copying them as
 * doubles could alter the ones that read as NaN. (Little-endian: the low half first, as on every
 * machine Node runs on here.)
 */
export function radixSortBits(v: Float64Array): Float64Array {
  const n = v.length;
  const copy = float64s('a', n);
  copy.set(v);
  let src = threadArena().u32(copy.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const hi = src[2 * i + 1]!;
    if (hi >>> 31) {
      src[2 * i] = ~src[2 * i]!;
      src[2 * i + 1] = ~hi;
    } else src[2 * i + 1] = hi | 0x80000000;
  }
  const counts = new Int32Array(4 << 16);
  for (let i = 0; i < n; i++) {
    const lo = src[2 * i]!, hi = src[2 * i + 1]!;
    counts[lo & 0xffff]!++;
    counts[(1 << 16) + (lo >>> 16)]!++;
    counts[(2 << 16) + (hi & 0xffff)]!++;
    counts[(3 << 16) + (hi >>> 16)]!++;
  }
  let dst = uint32s('b', 2 * n);
  for (let digit = 0; digit < 4; digit++) {
    const starts = counts.subarray(digit << 16, (digit + 1) << 16);
    if (starts.includes(n)) continue;
    toStarts(starts);
    const word = digit >>> 1, shift = (digit & 1) * 16;
    for (let i = 0; i < n; i++) {
      const at = starts[(src[2 * i + word]! >>> shift) & 0xffff]!++;
      dst[2 * at] = src[2 * i]!;
      dst[2 * at + 1] = src[2 * i + 1]!;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  for (let i = 0; i < n; i++) {
    const hi = src[2 * i + 1]!;
    if (hi >>> 31) src[2 * i + 1] = hi & 0x7fffffff;
    else {
      src[2 * i] = ~src[2 * i]!;
      src[2 * i + 1] = ~hi;
    }
  }
  return threadArena().f64(src.byteOffset, n);
}
