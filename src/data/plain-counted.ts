/**
 * The statistics of a plain CSV's number column from the count of each of its values, when they
 * are short decimals in a short range (ages, counts, one-decimal measures, prices of a few digits:
 * most of a CSV's numbers). Each value is an integer key over 10^d (plain-sort.ts's decimal keys),
 * counted in one pass; every statistic then walks the counts, in value order, and none sorts or
 * even writes out the column's values. The result is sortedStats' of the values sorted
 * (profile-sorted.ts), operation for operation: the same quantiles, moments (each value's term
 * added in the same order), histogram, distinct count and top values, -0 included.
 *
 * On the benchmark's 1,000,000 rows, 11 of its 15 number columns are such; sorting their values
 * and walking the sorted copy took most of the statistics' time.
 */
import { BINS, edgesOf, histogramRange } from './histogram-sql.js';
import { lerp, momentScale, QUANTILE_KEYS, QUANTILES, rankTop, storedUnit, TOP_K, type Col, type Found, type Quantiles } from './profile-found.js';
import { sortedStats } from './profile-sorted.js';
import { COUNTED, OUTSIDE, wasmBounds, wasmCounts, wasmCountKeys } from './plain-columns-wasm.js';
import { decimalsOf, sortedFromCounts } from './plain-sort.js';
import { arenaOf, threadArena } from './plain-wasm.js';

/** The counts of a column's values: value = (base + key) / scale, counts[key] of them. */
export interface ValueCounts {
  readonly counts: Uint32Array;
  readonly base: number;
  readonly scale: number;
  /** How many values were -0 (counted with 0, and first among the zeros as sorted). */
  readonly negativeZeros: number;
  /** Values counted (the missing ones, NaN, are not). */
  readonly n: number;
  readonly distinct: number;
}

/**
 * The counts of the parts' non-missing values (NaN: missing), or undefined where they are not
 * decimals of at most 9 digits after the point whose keys span at most max(2 × values, 65,536)
 * (or there are none): those are sorted instead (plain-sort.ts). `min` and `max`, when given,
 * are the parts' (else a pass finds them).
 */
export function countValues(parts: readonly Float64Array[], bounds?: { min: number; max: number }): ValueCounts | undefined {
  const { min, max } = bounds ?? boundsOf(parts);
  if (!(min <= max)) return undefined;
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  let d = sampleDecimals(parts);
  for (;;) {
    if (d < 0) return undefined;
    const scale = 10 ** d;
    const base = Math.round(min * scale), top = Math.round(max * scale);
    if (!(Math.abs(base) < 2 ** 52 && Math.abs(top) < 2 ** 52) || top - base + 1 > Math.max(2 * length, 1 << 16)) return undefined;
    const counted = countKeys(parts, scale, base, top - base + 1);
    if (!('misfit' in counted)) return counted;
    // A value needs more decimals (or has none that do).
    const more = decimalsOf(counted.misfit);
    if (more <= d) return undefined;
    d = more;
  }
}

/** The parts' min and max (NaN compares false: it is neither). */
function boundsOf(parts: readonly Float64Array[]): { min: number; max: number } {
  let bounds = { min: Infinity, max: -Infinity };
  for (const p of parts) bounds = wasmBounds(p, bounds) ?? boundsFrom(p, bounds);
  return bounds;
}

/** boundsOf's loop in JS, for a part outside the arena (the loop of wasm/column-counts.ts's bounds). */
function boundsFrom(p: Float64Array, from: { min: number; max: number }): { min: number; max: number } {
  let min = from.min, max = from.max;
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, max };
}

/** The most decimals among about 64 values spread over the parts (-1 when one has more than 9). */
function sampleDecimals(parts: readonly Float64Array[]): number {
  let d = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += Math.max(1, Math.floor(p.length / 32))) {
      const x = p[i]!;
      if (x !== x) continue;
      const decimals = decimalsOf(x);
      if (decimals < 0) return -1;
      d = Math.max(d, decimals);
    }
  }
  return d;
}

/** Counts the keys round(x·scale) - base, or gives the first value that is not its key over `scale`. */
function countKeys(parts: readonly Float64Array[], scale: number, base: number, range: number): ValueCounts | { misfit: number } {
  const counts = wasmCounts(range);
  const tally = { n: 0, negativeZeros: 0, outside: 0 };
  for (const p of parts) {
    const result = wasmCountKeys(p, scale, base, counts, tally) ?? countPart(p, scale, base, counts, tally);
    if (result >= 0) return { misfit: p[result]! };
    if (result === OUTSIDE) throw new Error(`a value (${p[tally.outside]}) outside the column's bounds`);
  }
  const distinct = threadArena().wasm.countNonZero(counts.byteOffset, range);
  return { counts, base, scale, negativeZeros: tally.negativeZeros, n: tally.n, distinct };
}

/** countKeys' loop in JS, for a part outside the arena (wasm/column-counts.ts's countKeys, whose results it gives). */
function countPart(p: Float64Array, scale: number, base: number, counts: Uint32Array, tally: { n: number; negativeZeros: number; outside: number }): number {
  const range = counts.length;
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    if (x !== x) continue;
    const k = Math.round(x * scale);
    if (k / scale !== x) return i;
    if (x === 0 && 1 / x < 0) tally.negativeZeros++;
    const key = k - base;
    if (!(key >= 0 && key < range)) {
      tally.outside = i;
      return OUTSIDE;
    }
    counts[key]!++;
    tally.n++;
  }
  return COUNTED;
}

/**
 * sortedStats (profile-sorted.ts) of the values `vc` counts, sorted, without sorting them:
 * `grouped` as there (the moments from the runs of equal values).
 */
export function countedStats(vc: ValueCounts, c: Col, grouped: boolean): Found {
  const { counts, n } = vc;
  if (n === 0) return { count: 0, distinct: 0, top: [] };
  const first = nextKey(counts, 0);
  const last = lastKey(counts);
  // The last value is -0 only when every zero was.
  const min = runValue(vc, first), max = valueOf(vc, last) === 0 && vc.negativeZeros === counts[last] ? -0 : valueOf(vc, last);
  const range = histogramRange(min, max, storedUnit(c));
  const step = (range.hi - range.lo) / BINS;
  // Bins a few ulps wide: sortedNumpyCounts' loop over the values, which are written out for it.
  if (!(step > Math.max(Math.abs(range.lo), Math.abs(range.hi)) * 2 ** -40)) return sortedStats(sortedFromCounts(counts, vc.base, vc.scale, vc.negativeZeros, n), c, grouped);
  const scale = momentScale(Math.max(-min, max));
  const { mean, std } = grouped ? runMoments(vc, scale) : valueMoments(vc, scale);
  return { count: n, min, max, mean, std, quantiles: quantilesOf(vc), histogram: { edges: edgesOf(range.lo, range.hi), counts: binCounts(vc, range.lo, step) }, ...topOf(vc, c) };
}

const valueOf = (vc: ValueCounts, key: number): number => (vc.base + key) / vc.scale;

/** The value of the run of `key` as sorted: -0 for zeros of which some were -0 (they come first). */
const runValue = (vc: ValueCounts, key: number): number => {
  const x = valueOf(vc, key);
  return x === 0 && vc.negativeZeros > 0 ? -0 : x;
};

function nextKey(counts: Uint32Array, from: number): number {
  let k = from;
  while (k < counts.length && counts[k] === 0) k++;
  return k;
}

function lastKey(counts: Uint32Array): number {
  let k = counts.length - 1;
  while (k > 0 && counts[k] === 0) k--;
  return k;
}

/** The values at ranks floor(h) and ceil(h), h = (n - 1)·q, interpolated as sortedStats does. */
function quantilesOf(vc: ValueCounts): Quantiles {
  const { counts, n } = vc;
  // The ranks ascending (two quantiles' may interleave on few values), for one walk.
  const ranks = [...new Set(QUANTILES.flatMap((q) => [Math.floor((n - 1) * q), Math.ceil((n - 1) * q)]))].sort((a, b) => a - b);
  // The walk is wasm/column-counts.ts's rankKeys: each rank's key and place among the key's values.
  const arena = threadArena();
  const rankAt = arena.scratch('quantile ranks', ranks.length * 12);
  arena.i32(rankAt, ranks.length).set(ranks);
  arena.wasm.rankKeys(counts.byteOffset, counts.length, rankAt, ranks.length, rankAt + ranks.length * 4);
  const keys = arena.i32(rankAt + ranks.length * 4, ranks.length * 2);
  const at = new Map<number, number>();
  ranks.forEach((rank, r) => {
    const x = valueOf(vc, keys[2 * r]!);
    at.set(rank, x === 0 && keys[2 * r + 1]! < vc.negativeZeros ? -0 : x);
  });
  return Object.fromEntries(
    QUANTILES.map((q, j) => {
      const h = (n - 1) * q;
      return [QUANTILE_KEYS[j], lerp(at.get(Math.floor(h))!, at.get(Math.ceil(h))!, h - Math.floor(h))];
    }),
  ) as Quantiles;
}

/** sortedNumpyCounts' bins: bin k - 1 holds the values below edge k (k · step + lo) not in earlier bins. */
function binCounts(vc: ValueCounts, lo: number, step: number): number[] {
  const { counts, n } = vc;
  // The walk is wasm/column-counts.ts's countedBins.
  const arena = threadArena();
  const out = arena.scratch('bin counts', BINS * 4);
  arena.wasm.countedBins(counts.byteOffset, counts.length, vc.base, vc.scale, lo, step, BINS, out);
  const bins = Array.from(arena.i32(out, BINS - 1));
  return [...bins, n - bins.reduce((a, b) => a + b, 0)];
}

/** countedMoments (profile-sorted.ts): each run of equal values one Kahan term, in value order. */
function runMoments(vc: ValueCounts, scale: number): { mean: number; std: number | null } {
  const { counts, n } = vc;
  let sum = 0, err = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    const diff = runValue(vc, k) * scale * c - err;
    const next = sum + diff;
    err = next - sum - diff;
    sum = next;
  }
  const scaledMean = sum / n;
  sum = err = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    const d = runValue(vc, k) * scale - scaledMean;
    const diff = c * d * d - err;
    const next = sum + diff;
    err = next - sum - diff;
    sum = next;
  }
  return { mean: scaledMean / scale, std: n > 1 ? Math.sqrt(sum / (n - 1)) / scale : null };
}

/**
 * valueMoments (profile-sorted.ts): each value's term added (Neumaier), in sorted order, a run's
 * value added as many times as it is counted (-0 first among zeros: the same sums).
 */
function valueMoments(vc: ValueCounts, scale: number): { mean: number; std: number | null } {
  // The loops are wasm/column-counts.ts's countedSum and countedSquares: the counts are in the thread's arena (wasmCounts).
  const { counts, n } = vc;
  const arena = threadArena();
  const scaledMean = arena.wasm.countedSum(counts.byteOffset, counts.length, vc.base, vc.scale, scale, vc.negativeZeros) / n;
  const squares = arena.wasm.countedSquares(counts.byteOffset, counts.length, vc.base, vc.scale, scale, scaledMean);
  return { mean: scaledMean / scale, std: n > 1 ? Math.sqrt(squares / (n - 1)) / scale : null };
}

/**
 * runs' distinct count and top values (profile-sorted.ts): the runs counted more than `cut` (the
 * TOP_K-th largest count, at least 1), then the first TOP_K counted `cut` times in value order.
 */
function topOf(vc: ValueCounts, c: Col): { distinct: number; top: Found['top'] } {
  const { counts } = vc;
  const largest = largestCounts(counts);
  const cut = largest.length === TOP_K ? Math.max(1, largest[TOP_K - 1]!) : 1;
  // The walk is wasm/column-counts.ts's countedTop: fewer than TOP_K keys are counted more than cut times, TOP_K at most taken of those counted cut times.
  const arena = threadArena();
  const picks = arena.scratch('top picks', 2 * TOP_K * 8);
  const pairs = arena.i32(picks, 4 * TOP_K).subarray(0, 2 * arena.wasm.countedTop(counts.byteOffset, counts.length, cut, TOP_K, picks));
  const top: { value: number; count: number }[] = [];
  for (let k = 0; k < pairs.length; k += 2) top.push({ value: runValue(vc, pairs[k]!), count: pairs[k + 1]! });
  return { distinct: vc.distinct, top: rankTop(top, c) };
}

/** The TOP_K largest positive counts, largest first (fewer when fewer are positive). */
export function largestCounts(counts: Int32Array | Uint32Array): number[] {
  const arena = arenaOf(counts);
  if (arena) {
    const out = arena.scratch('largest counts', TOP_K * 4);
    return Array.from(arena.i32(out, arena.wasm.largestCounts(counts.byteOffset, counts.length, TOP_K, out)));
  }
  const top: number[] = [];
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (c === 0 || (top.length === TOP_K && c <= top[TOP_K - 1]!)) continue;
    let at = top.length === TOP_K ? TOP_K - 1 : top.length;
    while (at > 0 && top[at - 1]! < c) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = c;
  }
  return top;
}
