/**
 * Reference statistics: what the drift tests need from the reference side, computed once per
 * dataset version and stored as JSON, so a monitor compares each window without re-reading the
 * training data.
 */
import { cellValue, invalidArgument, sortedNonMissing, type Column, type LogicalType, type Table } from '../core/index.js';

export const REFERENCE_FORMAT = 1;
/** Evidently's switch from small-sample tests (KS, chi-square, Z) to distances. */
export const SMALL_REFERENCE_MAX = 1000;
/** Numeric columns with at most this many distinct values keep exact value counts. */
export const VALUE_COUNTS_MAX = 20;
/** Quantile sketch resolution: the reference quantile function is kept at u = k/K, k = 0..K. */
export const DEFAULT_SKETCH_SIZE = 4096;
/** Categorical columns keep at most this many categories; the rest are summed as OTHER_CATEGORY. */
export const MAX_CATEGORIES = 10000;
export const OTHER_CATEGORY = '__other__';

export interface NumericReference {
  readonly kind: 'numeric';
  readonly name: string;
  readonly type: LogicalType;
  /** Non-missing values. */
  readonly count: number;
  readonly missing: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation (ddof = 0, as np.std), the Wasserstein normalizer. */
  readonly std: number;
  readonly distinct: number;
  /** Exact [value, count] pairs, ascending, when there are at most VALUE_COUNTS_MAX distinct values. */
  readonly valueCounts: readonly (readonly [number, number])[] | null;
  /** All non-missing values, sorted, when count <= the exact limit (a Float64Array only in memory). */
  readonly values: readonly number[] | Float64Array | null;
  /** Otherwise the quantile function at u = k/K (k = 0..K), linear interpolation between order statistics. */
  readonly quantiles: readonly number[] | null;
}

export interface CategoricalReference {
  readonly kind: 'categorical';
  readonly name: string;
  readonly type: LogicalType;
  readonly count: number;
  readonly missing: number;
  /** Category → rows, most frequent first. */
  readonly counts: Readonly<Record<string, number>>;
}

export type ColumnReference = NumericReference | CategoricalReference;

export interface ReferenceStats {
  readonly format: typeof REFERENCE_FORMAT;
  readonly rows: number;
  readonly columns: readonly ColumnReference[];
}

export interface ComputeReferenceOptions {
  /** Keep every sorted value up to this many non-missing values (default 1000). */
  readonly exactLimit?: number;
  /** Quantile sketch size K (default 4096). */
  readonly sketchSize?: number;
  readonly columns?: readonly string[];
}

/** Bool and string columns are compared as categories; int, float and timestamp as numbers. */
export const isCategoricalType = (t: LogicalType): boolean => t === 'string' || t === 'bool';

export function computeReference(table: Table, options: ComputeReferenceOptions = {}): ReferenceStats {
  const names = options.columns ?? table.columns.map((c) => c.name);
  const columns = names.map((name) => {
    const col = table.columns.find((c) => c.name === name);
    if (!col) throw invalidArgument('columns', `no column '${name}' in the reference table`);
    return columnReference(col, options);
  });
  return { format: REFERENCE_FORMAT, rows: table.numRows, columns };
}

export function columnReference(col: Column, options: ComputeReferenceOptions = {}): ColumnReference {
  if (isCategoricalType(col.type)) return categoricalReference(col);
  if (col.type === 'string') throw new Error('unreachable');
  const sorted = sortedNonMissing(col.values);
  return numericReference(col.name, col.type, sorted, col.values.length - sorted.length, options);
}

/** Category counts of a column, as strings (bool as 'true'/'false'). */
export function categoryCounts(col: Column): { counts: Map<string, number>; missing: number } {
  const counts = new Map<string, number>();
  let missing = 0;
  if (col.type === 'string') {
    const byCode = new Float64Array(col.dictionary.length);
    for (let i = 0; i < col.codes.length; i++) { const c = col.codes[i]!; if (c < 0) missing++; else byCode[c]!++; }
    col.dictionary.forEach((v, i) => { if (byCode[i]! > 0) counts.set(v, (counts.get(v) ?? 0) + byCode[i]!); });
  } else {
    for (let i = 0; i < col.values.length; i++) {
      const v = cellValue(col, i);
      if (v === null) { missing++; continue; }
      const k = String(v);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return { counts, missing };
}

function categoricalReference(col: Column): CategoricalReference {
  const { counts, missing } = categoryCounts(col);
  const entries = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = entries.slice(0, MAX_CATEGORIES);
  const other = entries.slice(MAX_CATEGORIES).reduce((s, [, n]) => s + n, 0);
  if (other > 0) kept.push([OTHER_CATEGORY, other]);
  let count = 0;
  for (const [, n] of entries) count += n;
  return { kind: 'categorical', name: col.name, type: col.type, count, missing, counts: Object.fromEntries(kept) };
}

export function numericReference(
  name: string,
  type: LogicalType,
  sorted: Float64Array,
  missing: number,
  options: ComputeReferenceOptions = {},
): NumericReference {
  const n = sorted.length;
  const exactLimit = options.exactLimit ?? SMALL_REFERENCE_MAX;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) { const d = sorted[i]! - mean; ss += d * d; }
  let distinct = 0;
  const valueCounts: [number, number][] = [];
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    distinct++;
    if (distinct <= VALUE_COUNTS_MAX) valueCounts.push([sorted[i]!, j - i]);
    i = j;
  }
  let values: readonly number[] | Float64Array | null = null;
  let quantiles: number[] | null = null;
  if (n <= exactLimit) values = Number.isFinite(exactLimit) ? Array.from(sorted) : sorted;
  else quantiles = quantileSketch(sorted, options.sketchSize ?? DEFAULT_SKETCH_SIZE);
  return {
    kind: 'numeric', name, type, count: n, missing,
    min: n ? sorted[0]! : NaN, max: n ? sorted[n - 1]! : NaN, mean, std: n ? Math.sqrt(ss / n) : NaN,
    distinct, valueCounts: distinct <= VALUE_COUNTS_MAX ? valueCounts : null, values, quantiles,
  };
}

/** Quantiles at u = k/K by linear interpolation between order statistics (numpy's default). */
export function quantileSketch(sorted: Float64Array, K: number): number[] {
  const n = sorted.length;
  const q: number[] = [];
  for (let k = 0; k <= K; k++) {
    const pos = (k / K) * (n - 1);
    const lo = Math.floor(pos);
    const frac = pos - lo;
    q[k] = frac === 0 ? sorted[lo]! : sorted[lo]! + (sorted[Math.min(lo + 1, n - 1)]! - sorted[lo]!) * frac;
  }
  return q;
}

/** The reference's non-missing values as a sorted Float64Array, when it kept them. */
export function referenceValues(ref: NumericReference): Float64Array | null {
  if (!ref.values) return null;
  return ref.values instanceof Float64Array ? ref.values : Float64Array.from(ref.values);
}
