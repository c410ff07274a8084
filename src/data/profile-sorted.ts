/**
 * High-cardinality numeric columns of short files: every statistic from the column's values
 * sorted in JS. One sort gives the quantiles, the distinct count and the top values (runs of
 * equal values) and the histogram, all exact. The JS work of one batch overlaps DuckDB's reading
 * of the next on the other connection.
 *
 * On a 30,000 × 300 file (240 such columns) this replaced, per batch of 20 columns, a sample
 * query (value counts, top candidates and quantile_cont, ~10 ms of CPU a column) and an aggregate
 * pass (moments and histograms): the statistics took half the CPU (1.6-1.7 s against 3.6-3.7 s)
 * and about half the wall time.
 */
import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { sortedNonMissing } from '../core/index.js';
import { edgesOf, histogramRange, sortedNumpyCounts } from './histogram-sql.js';
import { lerp, momentScale, QUANTILE_KEYS, QUANTILES, rankTop, storedUnit, TOP_K, valueExpr, type Col, type Found, type Quantiles } from './profile-found.js';
import { arenaOf, type Arena } from './plain-wasm.js';
import { copyVector } from './table-loader.js';

/**
 * Every statistic of each column (numeric columns: their values are numbers). The mean and std of
 * a column in `counted` (a grouped one) are computed as groupedPass computes them, from its value
 * counts (countedMoments), so that its statistics are the same on either path.
 */
export async function sortedPass(con: DuckDBConnection, src: string, cols: readonly Col[], acc: Found[], counted: ReadonlySet<number> = new Set()): Promise<void> {
  if (cols.length === 0) return;
  // The columns as they are, a chunk's typed array copied at a time (NULL as NaN, dropped by the
  // sort): no per-row work in JS. (A list() of each column's values took DuckDB more: on a
  // 2,000 × 2,000 file the pass took 1.9-2.0 s of CPU with lists, 1.2-1.3 s without. DuckDB's
  // list_sort took 5.7 ms a column of 30,000 values, sortedCopy about 0.5 ms.)
  const result = (await con.run(`SELECT ${cols.map((c) => valueExpr(c)).join(', ')} FROM ${src}`)) as DuckDBMaterializedResult;
  const values = cols.map(() => new Float64Array(result.rowCount));
  for (let k = 0, offset = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    cols.forEach((_, j) => copyVector(chunk.getColumnVector(j), values[j]!, offset, chunk.rowCount, NaN));
    offset += chunk.rowCount;
  }
  cols.forEach((c, k) => Object.assign(acc[c.i]!, sortedStats(sortedNonMissing(values[k]!), c, counted.has(c.i))));
}

/**
 * The statistics of one column from its values, sorted (stored numbers are finite, see mapDuckDbType);
 * also the statistics of a plain CSV's in-memory columns (plain-stats.ts).
 */
export function sortedStats(v: Float64Array, c: Col, counted: boolean): Found {
  const n = v.length;
  if (n === 0) return { count: 0, distinct: 0, top: [] };
  const min = v[0]!, max = v[n - 1]!;
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new Error(`column '${c.name}' holds an infinite value`);
  // Moments compensated, and the mean first: numpy's two-pass std (ddof = 1), in momentScale's units.
  const scale = momentScale(Math.max(-min, max));
  const { mean, std } = counted ? countedMoments(v, scale) : valueMoments(v, scale);
  const quantiles = Object.fromEntries(
    QUANTILES.map((q, j) => {
      const h = (n - 1) * q;
      return [QUANTILE_KEYS[j], lerp(v[Math.floor(h)]!, v[Math.ceil(h)]!, h - Math.floor(h))];
    }),
  ) as Quantiles;
  const range = histogramRange(min, max, storedUnit(c));
  return { count: n, min, max, mean, std, quantiles, histogram: { edges: edgesOf(range.lo, range.hi), counts: sortedNumpyCounts(v, range) }, ...runs(v, c, counted) };
}

/** Mean and std (ddof = 1) of sorted `v` (n > 0), each value's deviation summed, compensated. */
function valueMoments(v: Float64Array, scale: number): { mean: number; std: number | null } {
  const n = v.length;
  const scaledMean = compensatedSum(v, scale) / n;
  return { mean: scaledMean / scale, std: n > 1 ? Math.sqrt(compensatedSquares(v, scaledMean, scale) / (n - 1)) / scale : null };
}

/**
 * Mean and std (ddof = 1) of sorted `v` (n > 0) from its runs of equal values x, n times each, by
 * groupedPass's SQL, operation for operation: smean = fsum((x·scale)·n) / total, std =
 * sqrt(fsum((n·d)·d) / (total - 1)) / scale with d = x·scale - smean, where fsum is DuckDB's Kahan
 * sum (its result the sum without the error term). DuckDB sums the runs in an order of its own,
 * these in value order: a Kahan sum of a few terms rarely depends on it (on a 10,000 × 200 file
 * of digits 11 std of 9,996 differed, by one ulp: docs/datasets.md).
 */
function countedMoments(v: Float64Array, scale: number): { mean: number; std: number | null } {
  const n = v.length;
  // Two walks over the runs, each term added as it comes (Kahan's sum as DuckDB's fsum, without
  // its error term in the result): lists of the runs took 45 ms of a column of 1,000,000 values
  // in 82,000 runs, these walks a few ms (runEnd: less for fewer runs).
  let sum = 0, err = 0;
  for (let i = 0; i < n; ) {
    const j = runEnd(v, i);
    const diff = v[i]! * scale * (j - i) - err;
    const next = sum + diff;
    err = next - sum - diff;
    sum = next;
    i = j;
  }
  const scaledMean = sum / n;
  sum = err = 0;
  for (let i = 0; i < n; ) {
    const j = runEnd(v, i);
    const d = v[i]! * scale - scaledMean;
    const diff = (j - i) * d * d - err;
    const next = sum + diff;
    err = next - sum - diff;
    sum = next;
    i = j;
  }
  return { mean: scaledMean / scale, std: n > 1 ? Math.sqrt(sum / (n - 1)) / scale : null };
}

/** Σ(x·scale) with Neumaier's compensation (wasm/column-sorts.ts's loop for values in the plain CSV read's arena). */
function compensatedSum(v: Float64Array, scale: number): number {
  const arena = arenaOf(v);
  if (arena) return arena.wasm.compensatedSum(v.byteOffset, v.length, scale);
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]! * scale;
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + comp;
}

/** Σ(x·scale - mean)² with Neumaier's compensation (`mean` of the scaled values; wasm/column-sorts.ts's loop for values in the arena). */
function compensatedSquares(v: Float64Array, mean: number, scale: number): number {
  const arena = arenaOf(v);
  if (arena) return arena.wasm.compensatedSquares(v.byteOffset, v.length, mean, scale);
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v[i]! * scale - mean;
    const x = d * d;
    const t = sum + x;
    comp += sum >= x ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + comp;
}

/**
 * The end of the run of values equal to v[i] in sorted `v`: the first index past it, found by
 * galloping (a run of L values costs about 2·log2(L) comparisons, one of 1 value one).
 */
function runEnd(v: Float64Array, i: number): number {
  const n = v.length;
  const x = v[i]!;
  if (i + 1 >= n || v[i + 1] !== x) return i + 1;
  // v[lo] === x; past hi (or at n) the run has ended.
  let lo = i + 1, step = 2;
  while (i + step < n && v[i + step] === x) {
    lo = i + step;
    step *= 2;
  }
  let hi = Math.min(i + step, n);
  while (hi - lo > 1) {
    const m = (lo + hi) >>> 1;
    if (v[m] === x) lo = m;
    else hi = m;
  }
  return hi;
}

/**
 * The distinct count and top values from the runs of equal values in `v` (sorted). The top 20 are
 * the runs longer than the 20th longest run's length (`cut`), then the runs of that length in
 * value order, which is rankTop's order for ties: no list of every value is made. `longRuns`
 * (a grouped column: 10 values a run or more on average): the runs are walked by runEnd, whose
 * cost grows with the runs, not the values (on 1,000,000 values in 70 runs, 3.5 ms less).
 */
function runs(v: Float64Array, c: Col, longRuns: boolean): { distinct: number; top: Found['top'] } {
  const arena = longRuns ? undefined : arenaOf(v);
  if (arena) return shortRunsInWasm(arena, v, c);
  const n = v.length;
  const lengths = new Int32Array(n + 1);
  let distinct = 0;
  let longest = 1;
  const count = (len: number) => {
    lengths[len]!++;
    if (len > longest) longest = len;
    distinct++;
  };
  if (longRuns) {
    for (let i = 0; i < n; ) {
      const j = runEnd(v, i);
      count(j - i);
      i = j;
    }
  } else {
    let len = 1;
    for (let i = 1; i < n; i++) {
      if (v[i] === v[i - 1]) len++;
      else {
        count(len);
        len = 1;
      }
    }
    count(len);
  }
  // From the longest run down, not from n: reading `lengths` from its top touched every page of
  // it (12 ms of 1,000,000 values in 70 runs).
  let cut = longest;
  for (let taken = 0; cut > 1; cut--) {
    taken += lengths[cut]!;
    if (taken >= TOP_K) break;
  }
  const top: { value: number; count: number }[] = [];
  let ties = 0;
  const take = (i: number, len: number) => {
    if (len > cut) top.push({ value: v[i]!, count: len });
    else if (len === cut && ties < TOP_K) {
      top.push({ value: v[i]!, count: len });
      ties++;
    }
  };
  if (longRuns) {
    for (let i = 0; i < n; ) {
      const j = runEnd(v, i);
      take(i, j - i);
      i = j;
    }
    return { distinct, top: rankTop(top, c) };
  }
  // A run of at least `cut` values starts at i when v[i] === v[i + cut - 1]: a test that is rarely
  // true, so its branch is predicted. (Testing each value for the end of its run, in both passes,
  // took 0.6 ms of a column of 30,000 4-decimal normal values: a third of the statistics' JS time.)
  for (let i = 0; i + cut - 1 < n; ) {
    if (v[i] !== v[i + cut - 1]) {
      i++;
      continue;
    }
    const j = runEnd(v, i + cut - 1);
    take(i, j - i);
    i = j;
  }
  return { distinct, top: rankTop(top, c) };
}

/** runs of short runs for values in the plain CSV read's arena: its two walks are wasm/column-sorts.ts's runLengths and longRuns. */
function shortRunsInWasm(arena: Arena, v: Float64Array, c: Col): { distinct: number; top: Found['top'] } {
  const n = v.length;
  const lengths = arena.scratch('runs lengths', (n + 1) * 4);
  const distinct = arena.wasm.runLengths(v.byteOffset, n, lengths, arena.out);
  const longest = arena.i32(arena.out, 1)[0]!;
  const counts = arena.i32(lengths, longest + 1);
  let cut = longest;
  for (let taken = 0; cut > 1; cut--) {
    taken += counts[cut]!;
    if (taken >= TOP_K) break;
  }
  // Fewer than TOP_K runs are longer than cut, and TOP_K at most are taken of those as long.
  const picks = arena.scratch('runs picks', 2 * TOP_K * 8);
  const pairs = arena.i32(picks, 4 * TOP_K).subarray(0, 2 * arena.wasm.longRuns(v.byteOffset, n, cut, TOP_K, picks));
  const top: { value: number; count: number }[] = [];
  for (let k = 0; k < pairs.length; k += 2) top.push({ value: v[pairs[k]!]!, count: pairs[k + 1]! });
  return { distinct, top: rankTop(top, c) };
}
