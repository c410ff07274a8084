/** What the profile passes share: the columns, what each pass finds out about one, and the values as the statistics see them. */
import type { LogicalType } from '../core/index.js';
import { numericExpr, quoteIdent } from './duckdb-sql.js';
import type { Histogram } from './histogram-sql.js';
import type { ColumnStats } from './types.js';

export const TOP_K = 20;

export const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

export const QUANTILE_KEYS = ['p01', 'p05', 'p25', 'p50', 'p75', 'p95', 'p99'] as const;

export interface ProfileColumn {
  readonly name: string;
  readonly type: LogicalType;
}

export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const isNumeric = (t: LogicalType): boolean => t !== 'string';

/** The value as the `top` list shows it. */
function formatValue(v: unknown, type: LogicalType): string {
  if (type === 'string') return String(v);
  const n = Number(v);
  if (type === 'bool') return n !== 0 ? 'true' : 'false';
  if (type === 'timestamp') return new Date(n).toISOString();
  return String(n);
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

/** A column with its position in the profile. */
export interface Col extends ProfileColumn {
  readonly i: number;
}

/** A column's min and max as the Parquet footer's row group statistics tell them (checked by the histogram before use). */
export type MinMax = { readonly min: number; readonly max: number };

/** The value as the statistics see it: DOUBLE for numeric columns (timestamps in epoch ms, bool as 0/1), VARCHAR for strings. */
export const valueExpr = (c: ProfileColumn, col = c.name): string => (isNumeric(c.type) ? numericExpr(col, c.type) : quoteIdent(col));

export const setHistograms = (hs: ReadonlyMap<number, Histogram>, acc: Found[]): void => hs.forEach((h, i) => (acc[i]!.histogram = h));

/** Most frequent first; ties by value (numbers numerically), so the order is deterministic. */
export function rankTop(list: readonly { value: number | string; count: number }[], type: LogicalType): Top {
  const sorted = [...list].sort((a, b) => {
    if (b.count !== a.count) return b.count - a.count;
    if (typeof a.value === 'number' && typeof b.value === 'number') return a.value - b.value;
    return String(a.value) < String(b.value) ? -1 : String(a.value) > String(b.value) ? 1 : 0;
  });
  return sorted.slice(0, TOP_K).map((t) => ({ value: formatValue(t.value, type), count: t.count }));
}

/** numpy's _lerp: a + (b - a) t, computed from the nearer end for t >= 0.5. */
export function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}
