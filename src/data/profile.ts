/**
 * Per-column statistics over the stored Parquet, in three queries instead of DuckDB's SUMMARIZE
 * (too slow: REFERENCES.md): (1) one streaming pass with counts, moments and distinct counts,
 * (2) at the same time a uniform sample (the whole file up to SAMPLE_ROWS rows) for quantiles and
 * top-value candidates, (3) one pass for the 20-bin histograms and exact counts of the candidates.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogicalType } from '../core/index.js';
import { numericExpr, quoteIdent, quoteString } from './duckdb-sql.js';
import type { ColumnProfile, ColumnStats } from './types.js';

/** Exact distinct counts and quantiles up to this many rows; above, HLL and a sample. */
export const EXACT_ROWS = 100_000;
export const SAMPLE_ROWS = 100_000;
export const TOP_K = 20;
/** Candidates taken from the sample before the exact count picks the top 20. */
const TOP_CANDIDATES = 40;
const BINS = 20;
const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
const QUANTILE_KEYS = ['p01', 'p05', 'p25', 'p50', 'p75', 'p95', 'p99'] as const;

export interface ProfileColumn {
  readonly name: string;
  readonly type: LogicalType;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const isNumeric = (t: LogicalType): boolean => t !== 'string';

/** The value as the `top` list shows it. */
export function formatValue(v: unknown, type: LogicalType): string {
  if (type === 'string') return String(v);
  const n = Number(v);
  if (type === 'bool') return n !== 0 ? 'true' : 'false';
  if (type === 'timestamp') return new Date(n).toISOString();
  return String(n);
}

interface Moments { count: number; distinct: number; min: number | null; max: number | null; mean: number | null; std: number | null }

export interface ProfileLimits {
  /** Exact distinct counts up to this many rows (default EXACT_ROWS). */
  readonly exactRows?: number;
  /** Quantiles and top candidates from a sample above this many rows (default SAMPLE_ROWS). */
  readonly sampleRows?: number;
}

export async function profileParquet(
  cons: readonly [DuckDBConnection, DuckDBConnection],
  parquetPath: string,
  columns: readonly ProfileColumn[],
  limits: ProfileLimits = {},
): Promise<{ rows: number; columns: ColumnProfile[] }> {
  const exactRows = limits.exactRows ?? EXACT_ROWS;
  const sampleRows = limits.sampleRows ?? SAMPLE_ROWS;
  const src = `read_parquet(${quoteString(parquetPath)})`;
  const meta = await cons[0].runAndReadAll(`SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(${quoteString(parquetPath)})`);
  const rows = Number(meta.getRows()[0]![0]);
  const [moments, sample] = await Promise.all([
    momentsPass(cons[0], src, columns, rows <= exactRows),
    samplePass(cons[1], src, columns, rows, sampleRows),
  ]);
  const { hist, topCounts } = await countPass(cons, src, columns, moments, sample.candidates, rows > sampleRows);
  const profiles = columns.map((c, i): ColumnProfile => {
    const m = moments[i]!;
    const stats: ColumnStats = {
      count: m.count,
      missing: rows - m.count,
      min: m.min,
      max: m.max,
      mean: m.mean,
      std: m.std,
      distinct: m.distinct,
      quantiles: sample.quantiles[i] ?? null,
      top: topCounts[i]!,
      histogram: hist[i] ?? null,
    };
    return { name: c.name, type: c.type, nullable: stats.missing > 0, stats };
  });
  return { rows, columns: profiles };
}

async function momentsPass(con: DuckDBConnection, src: string, columns: readonly ProfileColumn[], exact: boolean): Promise<Moments[]> {
  const exprs = columns.flatMap((c) => {
    const q = quoteIdent(c.name);
    const distinct = exact ? `count(DISTINCT ${q})` : `approx_count_distinct(${q})`;
    if (!isNumeric(c.type)) return [`count(${q})`, distinct];
    const x = numericExpr(c.name, c.type);
    return [`count(${q})`, distinct, `min(${x})`, `max(${x})`, `avg(${x})`, `stddev_samp(${x})`];
  });
  const row = (await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM ${src}`)).getRows()[0]!;
  let k = 0;
  return columns.map((c) => {
    const count = Number(row[k++]);
    const distinct = Math.min(Number(row[k++]), count);
    if (!isNumeric(c.type)) return { count, distinct, min: null, max: null, mean: null, std: null };
    return { count, distinct, min: num(row[k++]), max: num(row[k++]), mean: num(row[k++]), std: num(row[k++]) };
  });
}

interface Candidate { readonly sql: string; readonly value: number | string }

interface SampleResult {
  quantiles: (ColumnStats['quantiles'] | undefined)[];
  /** Per column, the most frequent values in the sample (rows > SAMPLE_ROWS only). */
  candidates: Candidate[][];
}

/** `(col, vnum, vstr, n)` rows: the value as DOUBLE for numeric columns, as VARCHAR for strings. */
function valueCounts(i: number, c: ProfileColumn, from: string, where: string, limit: number | undefined): string {
  const x = isNumeric(c.type) ? numericExpr(c.name, c.type) : quoteIdent(c.name);
  const [vnum, vstr] = isNumeric(c.type) ? [x, 'NULL::VARCHAR'] : ['NULL::DOUBLE', x];
  const tail = limit === undefined ? '' : ` ORDER BY n DESC, ${isNumeric(c.type) ? 'vnum' : 'vstr'} LIMIT ${limit}`;
  return `(SELECT ${i} AS col, ${vnum} AS vnum, ${vstr} AS vstr, count(*) AS n FROM ${from} WHERE ${where} GROUP BY 2, 3${tail})`;
}

function readValueCounts(rows: unknown[][], columns: readonly ProfileColumn[]): { value: number | string; count: number }[][] {
  const out: { value: number | string; count: number }[][] = columns.map(() => []);
  for (const [col, vnum, vstr, n] of rows) {
    const c = columns[Number(col)]!;
    out[Number(col)]!.push({ value: isNumeric(c.type) ? Number(vnum) : String(vstr), count: Number(n) });
  }
  return out;
}

async function samplePass(con: DuckDBConnection, src: string, columns: readonly ProfileColumn[], rows: number, sampleRows: number): Promise<SampleResult> {
  const candidates: Candidate[][] = columns.map(() => []);
  const quantiles: SampleResult['quantiles'] = [];
  if (rows === 0) return { quantiles, candidates };
  const select = columns.map((c) => (isNumeric(c.type) ? `${numericExpr(c.name, c.type)} AS ${quoteIdent(c.name)}` : quoteIdent(c.name))).join(', ');
  // Bernoulli sampling is one parallel pass; the sample is uniform, so a quantile's rank error
  // is about 1/sqrt(SAMPLE_ROWS).
  const sampling = rows > sampleRows ? ` USING SAMPLE ${((100 * sampleRows) / rows).toFixed(6)} PERCENT (bernoulli, 42)` : '';
  await con.run(`CREATE OR REPLACE TEMP TABLE keel_sample AS SELECT ${select} FROM ${src}${sampling}`);
  const sampled = columns.map((c) => ({ name: c.name, type: c.type === 'string' ? c.type : ('float' as const) }));
  const numeric = columns.map((c, i) => ({ c, i })).filter(({ c }) => isNumeric(c.type));
  if (numeric.length > 0) {
    const qs = `[${QUANTILES.join(', ')}]`;
    const row = (await con.runAndReadAll(`SELECT ${numeric.map(({ c }) => `quantile_cont(${quoteIdent(c.name)}, ${qs})`).join(', ')} FROM keel_sample`)).getRows()[0]!;
    numeric.forEach(({ i }, k) => {
      const items = (row[k] as { items?: unknown[] } | null)?.items;
      if (!items || items.some((x) => x === null)) return;
      quantiles[i] = Object.fromEntries(QUANTILE_KEYS.map((key, j) => [key, Number(items[j])])) as NonNullable<ColumnStats['quantiles']>;
    });
  }
  if (rows > sampleRows && columns.length > 0) {
    const union = sampled.map((c, i) => valueCounts(i, c, 'keel_sample', `${quoteIdent(c.name)} IS NOT NULL`, TOP_CANDIDATES)).join(' UNION ALL ');
    readValueCounts((await con.runAndReadAll(union)).getRows(), sampled).forEach((list, i) => {
      candidates[i] = list.map(({ value }) => ({ value, sql: typeof value === 'number' ? dbl(value) : quoteString(value) }));
    });
  }
  await con.run('DROP TABLE IF EXISTS keel_sample');
  return { quantiles, candidates };
}

async function countPass(
  cons: readonly [DuckDBConnection, DuckDBConnection],
  src: string,
  columns: readonly ProfileColumn[],
  moments: readonly Moments[],
  candidates: readonly Candidate[][],
  sampled: boolean,
): Promise<{ hist: (ColumnStats['histogram'] | undefined)[]; topCounts: { value: string; count: number }[][] }> {
  // One aggregate query (one scan) for the histograms, and beside it the exact value counts:
  // per column a GROUP BY, for sampled files restricted to the candidates by a WHERE ... IN
  // (an IN inside an aggregate FILTER is evaluated row by row and is about 7x slower).
  const aggs: string[] = [];
  const slots: { i: number; lo: number; hi: number }[] = [];
  const topParts: string[] = [];
  const binBounds = `[${Array.from({ length: BINS }, (_, b) => b).join(', ')}]`;
  columns.forEach((c, i) => {
    const m = moments[i]!;
    const x = isNumeric(c.type) ? numericExpr(c.name, c.type) : quoteIdent(c.name);
    if (isNumeric(c.type) && m.min !== null && m.max !== null) {
      // numpy.histogram's convention: a constant column gets the range [v - 0.5, v + 0.5].
      const lo = m.min === m.max ? m.min - 0.5 : m.min;
      const hi = m.min === m.max ? m.max + 0.5 : m.max;
      // Bins are [e_k, e_k+1), the last one closed, as numpy's; DuckDB's histogram(x, bounds)
      // puts x in (b_k-1, b_k], so it is given the bin index, an integer, rather than x.
      // (least() skips NULLs, hence the filter.)
      aggs.push(`histogram(least(${BINS - 1}, floor((${x} - ${dbl(lo)}) * ${dbl(BINS / (hi - lo))}))::INTEGER, ${binBounds}) FILTER (WHERE ${x} IS NOT NULL)`);
      slots.push({ i, lo, hi });
    }
    if (m.count === 0) return;
    if (!sampled) topParts.push(valueCounts(i, c, src, `${x} IS NOT NULL`, TOP_K));
    else if (candidates[i]!.length > 0) topParts.push(valueCounts(i, c, src, `${x} IN (${candidates[i]!.map((k) => k.sql).join(', ')})`, undefined));
  });
  const [aggRow, topRows] = await Promise.all([
    aggs.length > 0 ? cons[0].runAndReadAll(`SELECT ${aggs.join(', ')} FROM ${src}`).then((r) => r.getRows()[0]!) : [],
    topParts.length > 0 ? cons[1].runAndReadAll(topParts.join(' UNION ALL ')).then((r) => r.getRows()) : [],
  ]);
  const hist: (ColumnStats['histogram'] | undefined)[] = [];
  const counted = readValueCounts(topRows, columns);
  slots.forEach((slot, k) => {
    const counts = new Array<number>(BINS).fill(0);
    // Keys are the bin indexes 0..19 (the overflow bucket stays empty).
    for (const { key, value } of mapEntries(aggRow[k])) if (Number(key) >= 0 && Number(key) < BINS) counts[Number(key)] = Number(value);
    hist[slot.i] = { edges: edgesOf(slot.lo, slot.hi), counts };
  });
  return { hist, topCounts: columns.map((c, i) => rankTop(counted[i]!, c.type)) };
}

/** A DuckDB MAP value's entries (null when nothing was counted). */
function mapEntries(v: unknown): readonly { key: unknown; value: unknown }[] {
  return (v as { entries?: { key: unknown; value: unknown }[] } | null)?.entries ?? [];
}

/** Most frequent first; ties by value (numbers numerically), so the order is deterministic. */
function rankTop(list: readonly { value: number | string; count: number }[], type: LogicalType): { value: string; count: number }[] {
  const sorted = [...list].sort((a, b) => {
    if (b.count !== a.count) return b.count - a.count;
    if (typeof a.value === 'number' && typeof b.value === 'number') return a.value - b.value;
    return String(a.value) < String(b.value) ? -1 : String(a.value) > String(b.value) ? 1 : 0;
  });
  return sorted.slice(0, TOP_K).map((t) => ({ value: formatValue(t.value, type), count: t.count }));
}

/** numpy.linspace's edges: start + i * step, the last one exactly `hi`. */
function edgesOf(lo: number, hi: number): number[] {
  const step = (hi - lo) / BINS;
  return Array.from({ length: BINS + 1 }, (_, i) => (i === BINS ? hi : lo + i * step));
}

const dbl = (v: number): string => `CAST(${quoteString(String(v))} AS DOUBLE)`;
