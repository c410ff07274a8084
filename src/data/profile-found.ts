/** What the profile passes share: the columns, what each pass finds out about one, and the values as the statistics see them. */
import type { LogicalType } from '../core/index.js';
import { quoteIdent } from './duckdb-sql.js';
import type { Histogram } from './histogram-sql.js';
import type { ColumnProfile, ColumnStats } from './types.js';

export const TOP_K = 20;

/**
 * A column is grouped when the distinct counts of its row groups that have one (a dictionary, or
 * only nulls) sum to at most this share of those row groups' rows (profile.ts, plain-stats.ts).
 */
export const GROUPED_SHARE = 0.1;

export const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

export const QUANTILE_KEYS = ['p01', 'p05', 'p25', 'p50', 'p75', 'p95', 'p99'] as const;

export interface ProfileColumn {
  readonly name: string;
  readonly type: LogicalType;
}

export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const isNumeric = (t: LogicalType): boolean => t !== 'string';

/** The value as the `top` list shows it, from the value as valueExpr makes it. */
function formatValue(v: unknown, c: StatColumn): string {
  if (c.type === 'string') return String(v);
  const n = Number(v);
  if (c.type === 'bool') return n !== 0 ? 'true' : 'false';
  if (c.type === 'timestamp') return isoMicros(n);
  if (c.shift !== undefined) return (c.shift + BigInt(n)).toString();
  return String(n);
}

/** An instant in epoch µs as ISO 8601, with the microseconds only when it has some below the millisecond. */
function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  const below = us - ms * 1000;
  return below === 0 ? iso : `${iso.slice(0, -1)}${String(below).padStart(3, '0')}Z`;
}

export type Quantiles = NonNullable<ColumnStats['quantiles']>;

type Top = { value: string; count: number }[];

/** What the passes find out about one column; each pass fills its part. */
export interface Found {
  count?: number;
  min?: number | null;
  max?: number | null;
  mean?: number | null;
  std?: number | null;
  distinct?: number;
  /** Distinct values in the sample: a lower bound for the whole file. */
  sampleDistinct?: number;
  quantiles?: Quantiles;
  top?: Top;
  histogram?: Histogram;
}

/**
 * A column as the statistics see it. `shift`: an int column with values beyond ±2^53 is seen
 * less its min (see valueExpr).
 */
export interface StatColumn extends ProfileColumn {
  readonly shift?: bigint;
}

/** A column with its position in the profile. */
export interface Col extends StatColumn {
  readonly i: number;
}

/** A column's min and max as the Parquet footer's row group statistics tell them (checked by the histogram before use). */
export type MinMax = { readonly min: number; readonly max: number };

/**
 * The value as the statistics see it: VARCHAR for strings, DOUBLE for the others (bool as 0/1),
 * in units where a DOUBLE holds every value exactly: timestamps in epoch µs (exact to the year
 * 2255; in ms two instants of one millisecond were one value), and an int column with values
 * beyond ±2^53 less its min (the doubles near 1.5e18 are 256 apart, so IDs of that size merged;
 * shifted, they are exact while the column's range is below 2^53). storedUnits turns the
 * statistics back into the stored units (ms, the values themselves).
 */
export const valueExpr = (c: StatColumn, col = c.name): string => statValueOf(quoteIdent(col), c);

/** valueExpr of an expression of the column's stored type. */
export function statValueOf(expr: string, c: StatColumn): string {
  if (c.type === 'string') return expr;
  if (c.type === 'timestamp') return `epoch_us(${expr})::DOUBLE`;
  if (c.shift !== undefined) return `((${expr})::HUGEINT - ${c.shift.toString()}::HUGEINT)::DOUBLE`;
  return `(${expr})::DOUBLE`;
}

/** One stored unit in valueExpr's units: a timestamp's ms is 1000 µs (a shifted int's units are its own). */
export const storedUnit = (c: StatColumn): number => (c.type === 'timestamp' ? 1000 : 1);

/** A column's statistics, found in valueExpr's units, in the stored units (timestamps in epoch ms, ints as themselves). */
export function storedUnits(a: Found, c: StatColumn): Found {
  const shift = c.shift;
  const to =
    c.type === 'timestamp'
      ? (v: number) => v / storedUnit(c)
      : shift !== undefined
        ? (v: number) => (Number.isInteger(v) ? Number(shift + BigInt(v)) : Number(shift) + v)
        : undefined;
  if (!to) return a;
  const maybe = (v: number | null | undefined) => (v === null || v === undefined ? v : to(v));
  return {
    ...a,
    min: maybe(a.min),
    max: maybe(a.max),
    mean: maybe(a.mean),
    std: c.type === 'timestamp' ? maybe(a.std) : a.std,
    quantiles: a.quantiles && (Object.fromEntries(Object.entries(a.quantiles).map(([k, v]) => [k, to(v)])) as Quantiles),
    histogram: a.histogram && { ...a.histogram, edges: a.histogram.edges.map(to) },
  };
}

export const setHistograms = (hs: ReadonlyMap<number, Histogram>, acc: Found[]): void => hs.forEach((h, i) => (acc[i]!.histogram = h));

/**
 * Most frequent first; ties by value (numbers numerically, strings by code point), so the order is
 * deterministic. By code point as DuckDB's ORDER BY (UTF-8 bytes) and Python sort them: JS's `<`
 * compares UTF-16 units, which put '😀' (a surrogate pair, 0xD83D...) before 'ﬀ' (0xFB00), and
 * picked other values than the grouped path's among 40 tied candidates.
 */
export function rankTop(list: readonly { value: number | string; count: number }[], c: StatColumn): Top {
  const sorted = [...list].sort((a, b) => {
    if (b.count !== a.count) return b.count - a.count;
    if (typeof a.value === 'number' && typeof b.value === 'number') return a.value - b.value;
    return Buffer.compare(Buffer.from(String(a.value)), Buffer.from(String(b.value)));
  });
  return sorted.slice(0, TOP_K).map((t) => ({ value: formatValue(t.value, c), count: t.count }));
}

/**
 * The power of two the moments are computed in, for values whose largest magnitude is `maxAbs`:
 * beyond 2^400 the squared deviations overflow (std Infinity, stored as null, for values near
 * 1e300; the sum too near 1.7e308), below 2^-400 they underflow (std 0 for values near 1e-300).
 * numpy and pandas give inf and 0 there; scaled by an exact power of two they are the true ones.
 * Any other column is scaled by 1, so its moments are the same bits as unscaled.
 */
export function momentScale(maxAbs: number): number {
  return maxAbs > 2 ** 400 ? 2 ** -600 : maxAbs > 0 && maxAbs < 2 ** -400 ? 2 ** 600 : 1;
}

/** momentScale in SQL, of a DOUBLE expression of the largest magnitude. */
export const momentScaleSql = (maxAbs: string): string =>
  `(CASE WHEN ${maxAbs} > ${2 ** 400} THEN ${2 ** -600} WHEN ${maxAbs} > 0 AND ${maxAbs} < ${2 ** -400} THEN ${2 ** 600} ELSE 1 END)::DOUBLE`;

/** numpy's _lerp: a + (b - a) t, computed from the nearer end for t >= 0.5. */
export function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** A column's profile from what the passes found about it (`distinct` when not a.distinct), of a file of `rows` rows: profileParquet's and the JS path's (plain-stats.ts). */
export function profileOf(name: string, type: LogicalType, a: Found, rows: number, distinct = a.distinct ?? 0): ColumnProfile {
  const count = a.count ?? 0;
  const stats: ColumnStats = {
    count,
    missing: rows - count,
    min: a.min ?? null,
    max: a.max ?? null,
    mean: a.mean ?? null,
    std: a.std ?? null,
    distinct,
    quantiles: a.quantiles ?? null,
    top: a.top ?? [],
    histogram: a.histogram ?? null,
  };
  return { name, type, nullable: stats.missing > 0, stats };
}
