/**
 * numpy.histogram's 20 equal-width bins, computed inside DuckDB for profile.ts: bins [e_k, e_k+1)
 * (the last one closed), e_k = min + k * (max - min) / 20 as numpy.linspace makes them, and a
 * value's bin decided by comparing it with those edges, as numpy does.
 */
import { mapEntries, quoteString } from './duckdb-sql.js';

export const BINS = 20;

export interface Histogram {
  edges: number[];
  counts: number[];
}

export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/** A DOUBLE literal that parses back to exactly `v` (JS prints the shortest round-trip form). */
export const dbl = (v: number): string => `CAST(${quoteString(String(v))} AS DOUBLE)`;

/**
 * numpy.histogram's range: a constant column gets [v - 0.5, v + 0.5] in the column's stored unit.
 * `unit`: one stored unit in the values' units (1000 for timestamps, stored in ms and binned in µs).
 */
export function histogramRange(min: number, max: number, unit = 1): Range {
  return min === max ? { lo: min - unit / 2, hi: max + unit / 2 } : { lo: min, hi: max };
}

/** numpy.linspace's edges: start + i * step, the last one exactly `hi`. */
export function edgesOf(lo: number, hi: number): number[] {
  const step = (hi - lo) / BINS;
  return Array.from({ length: BINS + 1 }, (_, i) => (i === BINS ? hi : lo + i * step));
}

/** The smallest double above `x` (finite x). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] = bits[0]! + (x > 0 ? 1n : -1n);
  return new Float64Array(bits.buffer)[0]!;
}

/** What a bucket of histogramAggregate counts: values of one bin, and which values they are. */
interface Bucket {
  readonly bound: number;
  readonly bin?: number;
  readonly role?: 'aboveMax' | 'atMax' | 'atMin';
}

/**
 * One aggregate giving the histogram of `x` over [min, max], and checking on the way that min and
 * max are x's own: `read` gives undefined when some value lies outside them or either is not
 * taken. So `min` and `max` may be a guess (the Parquet footer's), and a pass that needs them for
 * the bins does not need a pass before it to compute them.
 *
 * DuckDB's histogram(v, bounds) counts v in the first bucket with v <= bound (above the last
 * bound: an overflow bucket). On v = -x with the ascending bounds
 *   -up(max), -max, -e_19, ..., -e_1, -up(min), -min        (up(a): the next double above a)
 * the buckets hold x > max, x = max, then bins 19 .. 1 ([e_k, e_k+1): numpy's bin, found by
 * comparisons with the exact edges, no arithmetic on x), then bin 0 split into (min, e_1) and
 * x = min, and the overflow bucket x < min.
 *
 * Undefined when the range needs histogramQuery: a constant column (numpy's range is not
 * [min, max] then), edges that collapse in floating point (a range of a few ulps) or infinite
 * bounds.
 */
export function histogramAggregate(x: string, min: number, max: number): { sql: string; read(v: unknown): Histogram | undefined } | undefined {
  if (!(min < max) || !Number.isFinite(min) || !Number.isFinite(max)) return undefined;
  const edges = edgesOf(min, max);
  const buckets: Bucket[] = [
    { bound: -nextUp(max), role: 'aboveMax' },
    { bound: -max, bin: BINS - 1, role: 'atMax' },
    ...edges.slice(1, BINS).map((e, k) => ({ bound: -e, bin: k + 1 })).reverse(),
    { bound: -nextUp(min), bin: 0 },
    { bound: -min, bin: 0, role: 'atMin' },
  ];
  if (buckets.some((b, k) => !Number.isFinite(b.bound) || (k > 0 && b.bound <= buckets[k - 1]!.bound))) return undefined;
  const byBound = new Map(buckets.map((b) => [b.bound, b]));
  return {
    sql: `histogram(-(${x}), [${buckets.map((b) => dbl(b.bound)).join(', ')}])`,
    read(v) {
      const counts = new Array<number>(BINS).fill(0);
      const seen = { aboveMax: 0, atMax: 0, atMin: 0, belowMin: 0 };
      for (const { key, value } of mapEntries(v)) {
        const n = Number(value);
        // The overflow bucket's key is +Infinity (or NULL).
        if (key === null || Number(key) === Infinity) {
          seen.belowMin += n;
          continue;
        }
        const b = byBound.get(Number(key));
        if (b === undefined) throw new Error(`histogram bucket ${String(key)} is not one of the bounds`);
        if (b.bin !== undefined) counts[b.bin]! += n;
        if (b.role) seen[b.role] += n;
      }
      const exact = seen.aboveMax === 0 && seen.belowMin === 0 && seen.atMax > 0 && seen.atMin > 0;
      return exact ? { edges, counts } : undefined;
    },
  };
}

/**
 * `(col, bin, n)` for the values `x` (with counts `n`) of a subquery `from`, for any range: the bin
 * index from (x - lo) * norm, corrected by comparing x with the actual edges as numpy does
 * (within an ulp of an edge the product can name the neighbouring bin).
 */
export function histogramQuery(i: number, from: string, x: string, n: string, { lo, hi }: Range): string {
  const step = dbl((hi - lo) / BINS);
  const edge = (k: string) => `(${k}::DOUBLE * ${step} + ${dbl(lo)})`;
  const b0 = `least(${BINS - 1}, floor((${x} - ${dbl(lo)}) * ${dbl(BINS / (hi - lo))}))::INTEGER`;
  const b1 = `(SELECT x, w, b0 - (x < ${edge('b0')})::INTEGER AS b1 FROM (SELECT ${x} AS x, ${n} AS w, ${b0} AS b0 FROM ${from}))`;
  return `(SELECT ${i}::INTEGER AS col, b1 + (b1 < ${BINS - 1} AND x >= ${edge('(b1 + 1)')})::INTEGER AS bin, sum(w) AS n FROM ${b1} GROUP BY 2)`;
}

/**
 * numpy's histogram counts of `v` (finite values), by histogramQuery's rule in JS: the bin from
 * (x - lo) * norm, corrected by comparing x with the edges k * step + lo.
 */
export function numpyCounts(v: Float64Array, { lo, hi }: Range): number[] {
  const counts = new Array<number>(BINS).fill(0);
  const step = (hi - lo) / BINS;
  const norm = BINS / (hi - lo);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    let b = Math.min(BINS - 1, Math.floor((x - lo) * norm));
    if (x < b * step + lo) b--;
    if (b < BINS - 1 && x >= (b + 1) * step + lo) b++;
    counts[b]!++;
  }
  return counts;
}

/**
 * numpyCounts of sorted values, by a binary search for each edge: the rule puts x in the bin k with
 * edge k <= x < edge k + 1 whenever its first guess is off by at most one bin, and a guess is off
 * by more only when the bins are a few ulps wide (values far from zero, a tiny range); those
 * take numpyCounts' loop.
 */
export function sortedNumpyCounts(v: Float64Array, range: Range): number[] {
  const { lo, hi } = range;
  const step = (hi - lo) / BINS;
  if (!(step > Math.max(Math.abs(lo), Math.abs(hi)) * 2 ** -40)) return numpyCounts(v, range);
  const counts = new Array<number>(BINS).fill(0);
  let below = 0;
  for (let k = 1; k < BINS; k++) {
    const at = lowerBound(v, k * step + lo, below);
    counts[k - 1] = at - below;
    below = at;
  }
  counts[BINS - 1] = v.length - below;
  return counts;
}

/** The first index from `from` of sorted `v` whose value is at least `x` (v.length if none). */
function lowerBound(v: Float64Array, x: number, from: number): number {
  let a = from, b = v.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (v[m]! < x) a = m + 1;
    else b = m;
  }
  return a;
}

/** `(col, bin, n)` rows of histogramQuery into histograms, by column position. */
export function readHistograms(rows: unknown[][], ranges: ReadonlyMap<number, Range>): Map<number, Histogram> {
  const counts = new Map([...ranges.keys()].map((i) => [i, new Array<number>(BINS).fill(0)]));
  for (const [col, bin, n] of rows) counts.get(Number(col))![Number(bin)] = Number(n);
  return new Map([...ranges].map(([i, { lo, hi }]) => [i, { edges: edgesOf(lo, hi), counts: counts.get(i)! }]));
}
