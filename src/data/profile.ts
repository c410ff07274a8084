/**
 * Per-column statistics over the stored Parquet, computed inside DuckDB (vectorized, on all
 * cores); JS only reads the final, small results. Not DuckDB's SUMMARIZE: too slow (REFERENCES.md).
 *
 * Two chains run side by side on two connections:
 *  A. one aggregate pass with counts and moments, then (once B has classified the columns) one
 *     aggregate pass with the 20-bin histograms and HyperLogLog distinct counts of the
 *     high-cardinality columns;
 *  B. a uniform sample (the whole file up to SAMPLE_ROWS rows) that classifies each column by its
 *     distinct values in the sample, then:
 *     - a column with few distinct values is grouped over the whole file (cheap: a small hash
 *       table), and its distinct count, top values, quantiles and histogram are all exact, taken
 *       from the value counts;
 *     - a high-cardinality column gets its quantiles from the sample and its top values from the
 *       sample's most frequent ones, counted exactly over the whole file.
 * Where the statistics are exact and where approximate: docs/datasets.md.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogicalType } from '../core/index.js';
import { numericExpr, quoteIdent, quoteString } from './duckdb-sql.js';
import type { ColumnProfile, ColumnStats } from './types.js';

/** Exact distinct counts up to this many rows; above, HyperLogLog for high-cardinality columns. */
export const EXACT_ROWS = 100_000;
export const SAMPLE_ROWS = 100_000;
/**
 * A column is grouped exactly when its sample holds at most this share of the sample's rows as
 * distinct values. A value the sample misses is rare, so the whole file has at most about
 * (this share / sampling rate) distinct values: the GROUP BY stays small.
 */
export const GROUPED_SHARE = 0.1;
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

interface Moments { count: number; min: number | null; max: number | null; mean: number | null; std: number | null }
type Quantiles = NonNullable<ColumnStats['quantiles']>;
type Histogram = NonNullable<ColumnStats['histogram']>;
type Top = { value: string; count: number }[];

export interface ProfileLimits {
  /** Exact distinct counts up to this many rows (default EXACT_ROWS). */
  readonly exactRows?: number;
  /** Quantiles and top candidates of high-cardinality columns from a sample above this many rows (default SAMPLE_ROWS). */
  readonly sampleRows?: number;
  /** See GROUPED_SHARE. */
  readonly groupedShare?: number;
}

/** What chain B knows once the sample is read. */
interface Classified {
  /** Per column: grouped exactly (few distinct values) or not. */
  readonly grouped: readonly boolean[];
  /** Per column: distinct values in the sample (a lower bound for the whole file). */
  readonly sampleDistinct: readonly number[];
}

/** Chain B's results, per column (undefined where the other chain or path provides it). */
interface ValueStats {
  distinct: (number | undefined)[];
  quantiles: (Quantiles | undefined)[];
  top: Top[];
  histogram: (Histogram | undefined)[];
}

export async function profileParquet(
  cons: readonly [DuckDBConnection, DuckDBConnection],
  parquetPath: string,
  columns: readonly ProfileColumn[],
  limits: ProfileLimits = {},
): Promise<{ rows: number; columns: ColumnProfile[] }> {
  const sampleRows = limits.sampleRows ?? SAMPLE_ROWS;
  const src = `read_parquet(${quoteString(parquetPath)})`;
  const meta = await cons[0].runAndReadAll(`SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(${quoteString(parquetPath)})`);
  const rows = Number(meta.getRows()[0]![0]);
  const sampled = rows > sampleRows;
  let classify!: (c: Classified) => void;
  let abandon!: (e: unknown) => void;
  const classified = new Promise<Classified>((res, rej) => {
    classify = res;
    abandon = rej;
  });
  classified.catch(() => undefined);
  const chainA = async () => {
    const moments = await momentsPass(cons[0], src, columns);
    const { grouped } = await classified;
    const scan = await histogramPass(cons[0], src, columns, moments, grouped, sampled, rows <= (limits.exactRows ?? EXACT_ROWS));
    return { moments, ...scan };
  };
  const chainB = async () => {
    try {
      const c = await samplePass(cons[1], src, columns, rows, sampleRows, limits.groupedShare ?? GROUPED_SHARE);
      classify(c);
      return { classified: c, values: await valuePass(cons[1], src, columns, c.grouped, sampled) };
    } catch (e) {
      abandon(e);
      throw e;
    } finally {
      await cons[1].run('DROP TABLE IF EXISTS keel_sample').catch(() => undefined);
      await cons[1].run('DROP TABLE IF EXISTS keel_vc').catch(() => undefined);
    }
  };
  // Both chains settle before returning: the caller closes the database after a failure.
  const settled = await Promise.allSettled([chainA(), chainB()]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  const [a, b] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [Awaited<ReturnType<typeof chainA>>, Awaited<ReturnType<typeof chainB>>];
  const profiles = columns.map((c, i): ColumnProfile => {
    const m = a.moments[i]!;
    // HyperLogLog can land below what the sample already proves, or above the count.
    const distinct = b.values.distinct[i] ?? Math.min(m.count, Math.max(b.classified.sampleDistinct[i]!, a.approxDistinct[i] ?? 0));
    const stats: ColumnStats = {
      count: m.count,
      missing: rows - m.count,
      min: m.min,
      max: m.max,
      mean: m.mean,
      std: m.std,
      distinct,
      quantiles: b.values.quantiles[i] ?? null,
      top: b.values.top[i]!,
      histogram: b.values.histogram[i] ?? a.histogram[i] ?? null,
    };
    return { name: c.name, type: c.type, nullable: stats.missing > 0, stats };
  });
  return { rows, columns: profiles };
}

/** Chain A, first pass: counts and moments (timestamps in epoch ms, bool as 0/1). */
async function momentsPass(con: DuckDBConnection, src: string, columns: readonly ProfileColumn[]): Promise<Moments[]> {
  if (columns.length === 0) return [];
  const exprs = columns.flatMap((c) => {
    const q = quoteIdent(c.name);
    if (!isNumeric(c.type)) return [`count(${q})`];
    const x = numericExpr(c.name, c.type);
    return [`count(${q})`, `min(${x})`, `max(${x})`, `avg(${x})`, `stddev_samp(${x})`];
  });
  const row = (await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM ${src}`)).getRows()[0]!;
  let k = 0;
  return columns.map((c) => {
    const count = Number(row[k++]);
    if (!isNumeric(c.type)) return { count, min: null, max: null, mean: null, std: null };
    return { count, min: num(row[k++]), max: num(row[k++]), mean: num(row[k++]), std: num(row[k++]) };
  });
}

/** numpy.histogram's range: a constant column gets [v - 0.5, v + 0.5]. */
function histogramRange(min: number, max: number): { lo: number; hi: number } {
  return min === max ? { lo: min - 0.5, hi: max + 0.5 } : { lo: min, hi: max };
}

/**
 * The bin of `x`, 0..19: bins are [e_k, e_k+1), the last one closed, as numpy's. (DuckDB's
 * histogram(x, bounds) puts x in (b_k-1, b_k], so it is given the bin index rather than x.)
 */
function binExpr(x: string, lo: number, hi: number): string {
  return `least(${BINS - 1}, floor((${x} - ${dbl(lo)}) * ${dbl(BINS / (hi - lo))}))::INTEGER`;
}

/**
 * Chain A, second pass: histograms of the high-cardinality numeric columns and, for a sampled
 * file, their distinct counts (HyperLogLog above exactRows).
 */
async function histogramPass(
  con: DuckDBConnection,
  src: string,
  columns: readonly ProfileColumn[],
  moments: readonly Moments[],
  grouped: readonly boolean[],
  sampled: boolean,
  exactDistinct: boolean,
): Promise<{ histogram: (Histogram | undefined)[]; approxDistinct: (number | undefined)[] }> {
  const aggs: string[] = [];
  const read: ((v: unknown) => void)[] = [];
  const histogram: (Histogram | undefined)[] = [];
  const approxDistinct: (number | undefined)[] = [];
  const binBounds = `[${Array.from({ length: BINS }, (_, b) => b).join(', ')}]`;
  columns.forEach((c, i) => {
    if (grouped[i]) return;
    const m = moments[i]!;
    if (sampled) {
      aggs.push(exactDistinct ? `count(DISTINCT ${quoteIdent(c.name)})` : `approx_count_distinct(${quoteIdent(c.name)})`);
      read.push((v) => (approxDistinct[i] = Number(v)));
    }
    if (isNumeric(c.type) && m.min !== null && m.max !== null) {
      const { lo, hi } = histogramRange(m.min, m.max);
      const x = numericExpr(c.name, c.type);
      // least() skips NULLs, hence the filter.
      aggs.push(`histogram(${binExpr(x, lo, hi)}, ${binBounds}) FILTER (WHERE ${x} IS NOT NULL)`);
      read.push((v) => {
        const counts = new Array<number>(BINS).fill(0);
        // Keys are the bin indexes 0..19 (the overflow bucket stays empty).
        for (const { key, value } of mapEntries(v)) if (Number(key) >= 0 && Number(key) < BINS) counts[Number(key)] = Number(value);
        histogram[i] = { edges: edgesOf(lo, hi), counts };
      });
    }
  });
  if (aggs.length > 0) {
    const row = (await con.runAndReadAll(`SELECT ${aggs.join(', ')} FROM ${src}`)).getRows()[0]!;
    read.forEach((f, k) => f(row[k]));
  }
  return { histogram, approxDistinct };
}

/**
 * Chain B, first: the sample (Bernoulli: one parallel pass, uniform, so a quantile's rank error
 * is about 1/sqrt(SAMPLE_ROWS)) and its distinct counts, which classify the columns.
 */
async function samplePass(con: DuckDBConnection, src: string, columns: readonly ProfileColumn[], rows: number, sampleRows: number, groupedShare: number): Promise<Classified> {
  const sampling = rows > sampleRows ? ` USING SAMPLE ${((100 * sampleRows) / rows).toFixed(6)} PERCENT (bernoulli, 42)` : '';
  await con.run(`CREATE OR REPLACE TEMP TABLE keel_sample AS SELECT ${columns.length > 0 ? columns.map((c) => quoteIdent(c.name)).join(', ') : '1 AS keel_none'} FROM ${src}${sampling}`);
  const exprs = ['count(*)', ...columns.map((c) => `count(DISTINCT ${isNumeric(c.type) ? numericExpr(c.name, c.type) : quoteIdent(c.name)})`)];
  const row = (await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM keel_sample`)).getRows()[0]!;
  const size = Number(row[0]);
  const sampleDistinct = columns.map((_, i) => Number(row[i + 1]));
  return { sampleDistinct, grouped: sampleDistinct.map((d) => d <= groupedShare * size) };
}

/** `(col, vnum, vstr, n)` rows: the value as DOUBLE for numeric columns, as VARCHAR for strings. */
function valueCounts(i: number, c: ProfileColumn, from: string, where: string, limit?: number): string {
  const x = isNumeric(c.type) ? numericExpr(c.name, c.type) : quoteIdent(c.name);
  const [vnum, vstr] = isNumeric(c.type) ? [x, 'NULL::VARCHAR'] : ['NULL::DOUBLE', x];
  const tail = limit === undefined ? '' : ` ORDER BY n DESC, ${isNumeric(c.type) ? 'vnum' : 'vstr'} LIMIT ${limit}`;
  return `(SELECT ${i}::INTEGER AS col, ${vnum} AS vnum, ${vstr} AS vstr, count(*) AS n FROM ${from} WHERE ${where} GROUP BY 2, 3${tail})`;
}

function readValueCounts(rows: unknown[][], columns: readonly ProfileColumn[]): { value: number | string; count: number }[][] {
  const out: { value: number | string; count: number }[][] = columns.map(() => []);
  for (const [col, vnum, vstr, n] of rows) {
    const c = columns[Number(col)]!;
    out[Number(col)]!.push({ value: isNumeric(c.type) ? Number(vnum) : String(vstr), count: Number(n) });
  }
  return out;
}

/**
 * Chain B, second: distinct counts, top values, quantiles and histograms that come from value
 * counts. Grouped columns: all four, exact, from `keel_vc` (every value with its count).
 * High-cardinality columns: quantiles from the sample; top values: the whole sample's top 20
 * when it is the whole file, otherwise the sample's top 40 counted exactly over the file.
 */
async function valuePass(con: DuckDBConnection, src: string, columns: readonly ProfileColumn[], grouped: readonly boolean[], sampled: boolean): Promise<ValueStats> {
  const out: ValueStats = { distinct: [], quantiles: [], top: columns.map(() => []), histogram: [] };
  const numericHigh = columns.map((c, i) => ({ c, i })).filter(({ c, i }) => !grouped[i] && isNumeric(c.type));
  if (numericHigh.length > 0) {
    const qs = `[${QUANTILES.join(', ')}]`;
    const row = (await con.runAndReadAll(`SELECT ${numericHigh.map(({ c }) => `quantile_cont(${numericExpr(c.name, c.type)}, ${qs})`).join(', ')} FROM keel_sample`)).getRows()[0]!;
    numericHigh.forEach(({ i }, k) => {
      const items = (row[k] as { items?: unknown[] } | null)?.items;
      if (!items || items.some((x) => x === null)) return;
      out.quantiles[i] = Object.fromEntries(QUANTILE_KEYS.map((key, j) => [key, Number(items[j])])) as Quantiles;
    });
  }
  const topParts: string[] = [];
  columns.forEach((c, i) => {
    if (grouped[i]) return;
    const q = quoteIdent(c.name);
    if (!sampled) {
      topParts.push(valueCounts(i, c, 'keel_sample', `${q} IS NOT NULL`, TOP_K));
      return;
    }
    // The candidates are chosen inside DuckDB, in the column's own type: no value goes through a
    // SQL literal. (An IN inside an aggregate FILTER is evaluated row by row and is ~7x slower.)
    const candidates = `SELECT ${q} FROM keel_sample WHERE ${q} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${TOP_CANDIDATES}`;
    topParts.push(valueCounts(i, c, src, `${q} IN (${candidates})`));
  });
  const groupedParts = columns.flatMap((c, i) => {
    if (!grouped[i]) return [];
    const x = isNumeric(c.type) ? numericExpr(c.name, c.type) : quoteIdent(c.name);
    return [valueCounts(i, c, sampled ? src : 'keel_sample', `${x} IS NOT NULL`)];
  });
  if (topParts.length > 0) {
    readValueCounts((await con.runAndReadAll(topParts.join(' UNION ALL '))).getRows(), columns).forEach((list, i) => {
      if (!grouped[i]) out.top[i] = rankTop(list, columns[i]!.type);
    });
  }
  if (groupedParts.length > 0) await groupedStats(con, columns, grouped, groupedParts, out);
  return out;
}

/** Exact statistics of the grouped columns from their value counts (`keel_vc`). */
async function groupedStats(con: DuckDBConnection, columns: readonly ProfileColumn[], grouped: readonly boolean[], parts: readonly string[], out: ValueStats): Promise<void> {
  await con.run(`CREATE OR REPLACE TEMP TABLE keel_vc AS ${parts.join(' UNION ALL ')}`);
  // Distinct counts and the top 20 (ties by value, as rankTop orders them).
  const top = await con.runAndReadAll(
    `SELECT col, vnum, vstr, n, count(*) OVER (PARTITION BY col) AS nd FROM keel_vc
     QUALIFY row_number() OVER (PARTITION BY col ORDER BY n DESC, vnum, vstr) <= ${TOP_K}`,
  );
  const rowsOut = top.getRows();
  columns.forEach((_, i) => {
    if (grouped[i]) out.distinct[i] = 0;
  });
  for (const r of rowsOut) out.distinct[Number(r[0])] = Number(r[4]);
  readValueCounts(rowsOut.map((r) => r.slice(0, 4)), columns).forEach((list, i) => {
    if (grouped[i]) out.top[i] = rankTop(list, columns[i]!.type);
  });
  if (!columns.some((c, i) => grouped[i] && isNumeric(c.type))) return;
  // Quantiles as numpy's linear method: at virtual rank h = (n - 1) q, the values at ranks
  // floor(h) and ceil(h), interpolated. The value at rank r (0-based) is the smallest one whose
  // cumulative count exceeds r.
  const qExprs = QUANTILES.flatMap((q) => {
    const h = `((total - 1)::DOUBLE * ${q}::DOUBLE)`;
    return [`min(vnum) FILTER (WHERE cum > floor(${h}))`, `min(vnum) FILTER (WHERE cum > ceil(${h}))`, `${h} - floor(${h})`];
  });
  const qRows = await con.runAndReadAll(
    `SELECT col, min(vnum), max(vnum), ${qExprs.join(', ')} FROM (
       SELECT col, vnum, sum(n) OVER (PARTITION BY col ORDER BY vnum) AS cum, sum(n) OVER (PARTITION BY col) AS total
       FROM keel_vc WHERE vnum IS NOT NULL
     ) GROUP BY col, total`,
  );
  const ranges = new Map<number, { lo: number; hi: number }>();
  for (const r of qRows.getRows()) {
    const i = Number(r[0]);
    ranges.set(i, histogramRange(Number(r[1]), Number(r[2])));
    out.quantiles[i] = Object.fromEntries(
      QUANTILE_KEYS.map((key, j) => {
        const [a, b, t] = [Number(r[3 + 3 * j]), Number(r[4 + 3 * j]), Number(r[5 + 3 * j])];
        return [key, lerp(a, b, t)];
      }),
    ) as Quantiles;
  }
  if (ranges.size === 0) return;
  const hParts = [...ranges].map(([i, { lo, hi }]) => `(SELECT ${i} AS col, ${binExpr('vnum', lo, hi)} AS bin, sum(n) AS n FROM keel_vc WHERE col = ${i} GROUP BY 2)`);
  const counts = new Map([...ranges.keys()].map((i) => [i, new Array<number>(BINS).fill(0)]));
  for (const [col, bin, n] of (await con.runAndReadAll(hParts.join(' UNION ALL '))).getRows()) counts.get(Number(col))![Number(bin)] = Number(n);
  for (const [i, { lo, hi }] of ranges) out.histogram[i] = { edges: edgesOf(lo, hi), counts: counts.get(i)! };
}

/** numpy's _lerp: a + (b - a) t, computed from the nearer end for t >= 0.5. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** A DuckDB MAP value's entries (null when nothing was counted). */
function mapEntries(v: unknown): readonly { key: unknown; value: unknown }[] {
  return (v as { entries?: { key: unknown; value: unknown }[] } | null)?.entries ?? [];
}

/** Most frequent first; ties by value (numbers numerically), so the order is deterministic. */
function rankTop(list: readonly { value: number | string; count: number }[], type: LogicalType): Top {
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
