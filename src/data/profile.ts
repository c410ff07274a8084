/**
 * Per-column statistics over the stored Parquet, computed inside DuckDB (vectorized, on all
 * cores); JS only reads the final, small results. Not DuckDB's SUMMARIZE: too slow (REFERENCES.md).
 *
 * First the columns are classified on the file's first CLASSIFY_ROWS rows:
 *  - a column with few distinct values there is *grouped*: one GROUP BY over the whole file (cheap,
 *    the hash table is small) gives every value with its count, and all its statistics are exact
 *    and computed from those value counts;
 *  - the other, high-cardinality columns get counts, moments, distinct counts (estimated above
 *    EXACT_ROWS, see HASH_SHARE) and 20-bin histograms from two aggregate passes, and quantiles
 *    and top-value candidates from a uniform sample (the whole file up to SAMPLE_ROWS rows), the
 *    candidates counted exactly over the whole file.
 * The classification only decides cost and exactness, never correctness: either path is valid
 * for any column. The two paths run side by side on two connections.
 * Where the statistics are exact and where approximate: docs/datasets.md.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogicalType } from '../core/index.js';
import { numericExpr, quoteIdent, quoteString } from './duckdb-sql.js';
import type { ColumnProfile, ColumnStats } from './types.js';

/** Exact distinct counts up to this many rows; above, an estimate for high-cardinality columns. */
export const EXACT_ROWS = 100_000;
export const SAMPLE_ROWS = 100_000;
/**
 * Above EXACT_ROWS a high-cardinality column's distinct count is the exact distinct count of the
 * values whose hash falls in the lowest 1/HASH_SHARE of the hash range, times HASH_SHARE: about
 * 1/sqrt(distinct / HASH_SHARE) relative error (1.4 % at 80k distinct values, 0.4 % at 1M), and
 * cheaper than DuckDB's approx_count_distinct, which was 4-22 % off on the benchmark's columns.
 */
export const HASH_SHARE = 16;
/** The classification reads this many rows from the start of the file. */
export const CLASSIFY_ROWS = 50_000;
/**
 * A column is grouped when at most this share of the classified rows are distinct values: the
 * whole file then has few distinct values unless its tail differs from its head (then the
 * GROUP BY costs more but stays exact).
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

type Quantiles = NonNullable<ColumnStats['quantiles']>;
type Histogram = NonNullable<ColumnStats['histogram']>;
type Top = { value: string; count: number }[];

/** What the passes find out about one column; each pass fills its part. */
interface Found {
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

export interface ProfileLimits {
  /** Exact distinct counts up to this many rows (default EXACT_ROWS). */
  readonly exactRows?: number;
  /** Quantiles and top candidates of high-cardinality columns from a sample above this many rows (default SAMPLE_ROWS). */
  readonly sampleRows?: number;
  /** Rows read to classify the columns (default CLASSIFY_ROWS). */
  readonly classifyRows?: number;
  /** See GROUPED_SHARE; 0 groups no column (unless it is empty), 1 every column. */
  readonly groupedShare?: number;
}

/** A column with its position in the profile. */
interface Col extends ProfileColumn {
  readonly i: number;
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
  const acc: Found[] = columns.map(() => ({}));
  const grouped = await classify(cons[0], parquetPath, columns, limits.classifyRows ?? CLASSIFY_ROWS, limits.groupedShare ?? GROUPED_SHARE);
  const cols = columns.map((c, i): Col => ({ ...c, i }));
  const high = cols.filter((c) => !grouped[c.i]);
  const low = cols.filter((c) => grouped[c.i]);
  // Both chains settle before returning: the caller closes the database after a failure.
  const settled = await Promise.allSettled([
    (async () => {
      await highPasses(cons[0], src, high, rows <= (limits.exactRows ?? EXACT_ROWS), acc);
      await withTempTable(cons[0], 'keel_vc', () => groupedPass(cons[0], src, low, acc));
    })(),
    withTempTable(cons[1], 'keel_sample', () => samplePass(cons[1], src, high, rows, sampleRows, acc)),
  ]);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  const profiles = columns.map((c, i): ColumnProfile => {
    const a = acc[i]!;
    const count = a.count ?? 0;
    // An estimated distinct count can land below what the sample already proves, or above the count.
    const distinct = Math.min(count, Math.max(a.sampleDistinct ?? 0, a.distinct ?? 0));
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
    return { name: c.name, type: c.type, nullable: stats.missing > 0, stats };
  });
  return { rows, columns: profiles };
}

async function withTempTable(con: DuckDBConnection, name: string, f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } finally {
    await con.run(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
  }
}

/** The value as the statistics see it: DOUBLE for numeric columns (timestamps in epoch ms, bool as 0/1), VARCHAR for strings. */
const valueExpr = (c: ProfileColumn, col = c.name): string => (isNumeric(c.type) ? numericExpr(col, c.type) : quoteIdent(col));

/** Which columns are grouped: those with at most `share` of the first rows distinct. */
async function classify(con: DuckDBConnection, parquetPath: string, columns: readonly ProfileColumn[], classifyRows: number, share: number): Promise<boolean[]> {
  if (columns.length === 0) return [];
  const n = Math.max(1, Math.floor(classifyRows));
  // A filter on the row number skips the other row groups (a LIMIT lets the second thread
  // decode a whole row group for nothing), unless the data has a column of that name.
  const head = columns.some((c) => c.name.toLowerCase() === 'file_row_number')
    ? `(SELECT * FROM read_parquet(${quoteString(parquetPath)}) LIMIT ${n})`
    : `(SELECT * FROM read_parquet(${quoteString(parquetPath)}, file_row_number = true) WHERE file_row_number < ${n})`;
  // HyperLogLog: an estimate is enough to choose a path, and much cheaper than count(DISTINCT).
  const row = (await con.runAndReadAll(`SELECT count(*), ${columns.map((c) => `approx_count_distinct(${quoteIdent(c.name)})`).join(', ')} FROM ${head}`)).getRows()[0]!;
  const size = Number(row[0]);
  return columns.map((_, i) => Number(row[i + 1]) <= share * size);
}

/** numpy.histogram's range: a constant column gets [v - 0.5, v + 0.5]. */
function histogramRange(min: number, max: number): { lo: number; hi: number } {
  return min === max ? { lo: min - 0.5, hi: max + 0.5 } : { lo: min, hi: max };
}

/**
 * `(col, bin, n)` for the values `x` (with counts `n`) of a subquery `from`, where bin 0..19 is
 * numpy.histogram's: bins [e_k, e_k+1), the last one closed, e_k = k * step + lo as numpy.linspace
 * makes them. As numpy, the index from (x - lo) * norm is corrected by comparing x with the
 * actual edges: within an ulp of an edge the product can name the neighbouring bin.
 */
function histogramQuery(i: number, from: string, x: string, n: string, lo: number, hi: number): string {
  const step = dbl((hi - lo) / BINS);
  const edge = (k: string) => `(${k}::DOUBLE * ${step} + ${dbl(lo)})`;
  const b0 = `least(${BINS - 1}, floor((${x} - ${dbl(lo)}) * ${dbl(BINS / (hi - lo))}))::INTEGER`;
  const b1 = `(SELECT x, w, b0 - (x < ${edge('b0')})::INTEGER AS b1 FROM (SELECT ${x} AS x, ${n} AS w, ${b0} AS b0 FROM ${from}))`;
  return `(SELECT ${i}::INTEGER AS col, b1 + (b1 < ${BINS - 1} AND x >= ${edge('(b1 + 1)')})::INTEGER AS bin, sum(w) AS n FROM ${b1} GROUP BY 2)`;
}

/**
 * High-cardinality columns, two aggregate passes over the file: counts, moments and distinct
 * counts, then (given min and max) the histograms.
 */
async function highPasses(con: DuckDBConnection, src: string, high: readonly Col[], exactDistinct: boolean, acc: Found[]): Promise<void> {
  if (high.length === 0) return;
  const exprs = high.flatMap((c) => {
    const q = quoteIdent(c.name);
    const distinct = exactDistinct ? `count(DISTINCT ${q})` : `count(DISTINCT ${q}) FILTER (WHERE hash(${q}) < ${(2n ** 64n / BigInt(HASH_SHARE)).toString()}::UBIGINT)`;
    if (!isNumeric(c.type)) return [`count(${q})`, distinct];
    const x = valueExpr(c);
    return [`count(${q})`, distinct, `min(${x})`, `max(${x})`, `avg(${x})`, `stddev_samp(${x})`];
  });
  const row = (await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM ${src}`)).getRows()[0]!;
  let k = 0;
  for (const c of high) {
    const a = acc[c.i]!;
    a.count = Number(row[k++]);
    a.distinct = Number(row[k++]) * (exactDistinct ? 1 : HASH_SHARE);
    if (isNumeric(c.type)) [a.min, a.max, a.mean, a.std] = [num(row[k++]), num(row[k++]), num(row[k++]), num(row[k++])];
  }
  // DuckDB's histogram(v, bounds) counts v in the first bucket with v <= bound (above the last
  // bound: an overflow bucket). On -x with the bounds -e_19 < ... < -e_1 that is the
  // largest m with x >= e_m: numpy's bin, found by comparing x with the exact edges (no
  // arithmetic on x), and cheaper than a GROUP BY on a computed bin index.
  const aggs: string[] = [];
  const read: ((v: unknown) => void)[] = [];
  const fallback: string[] = [];
  const fallbackRanges = new Map<number, { lo: number; hi: number }>();
  for (const c of high) {
    const { min, max } = acc[c.i]!;
    if (!isNumeric(c.type) || min === null || min === undefined || max === null || max === undefined) continue;
    const { lo, hi } = histogramRange(min, max);
    const edges = edgesOf(lo, hi);
    const x = valueExpr(c);
    const inner = edges.slice(1, BINS);
    if (inner.some((e, k) => k > 0 && e <= inner[k - 1]!)) {
      // Edges that collapse in floating point (a range of a few ulps): histogram() would merge
      // their buckets, so this column takes the GROUP BY.
      fallback.push(histogramQuery(c.i, `${src} WHERE ${x} IS NOT NULL`, x, '1', lo, hi));
      fallbackRanges.set(c.i, { lo, hi });
      continue;
    }
    aggs.push(`histogram(-(${x}), [${[...inner].reverse().map((e) => dbl(-e)).join(', ')}])`);
    const binOf = new Map(inner.map((e, k) => [-e, k + 1]));
    read.push((v) => {
      const counts = new Array<number>(BINS).fill(0);
      for (const { key, value } of mapEntries(v)) {
        // The overflow bucket's key is +Infinity (or NULL): x < e_1, bin 0.
        const bin = key === null || Number(key) === Infinity ? 0 : binOf.get(Number(key));
        if (bin === undefined) throw new Error(`histogram bucket ${String(key)} is not one of the bounds`);
        counts[bin] = Number(value);
      }
      acc[c.i]!.histogram = { edges, counts };
    });
  }
  if (aggs.length > 0) {
    const row = (await con.runAndReadAll(`SELECT ${aggs.join(', ')} FROM ${src}`)).getRows()[0]!;
    read.forEach((f, k) => f(row[k]));
  }
  if (fallback.length > 0) readHistograms((await con.runAndReadAll(fallback.join(' UNION ALL '))).getRows(), fallbackRanges, acc);
}

/** A DuckDB MAP value's entries (null when nothing was counted). */
function mapEntries(v: unknown): readonly { key: unknown; value: unknown }[] {
  return (v as { entries?: { key: unknown; value: unknown }[] } | null)?.entries ?? [];
}

/** `(col, bin, n)` rows into 20-bin histograms. */
function readHistograms(rows: unknown[][], ranges: ReadonlyMap<number, { lo: number; hi: number }>, acc: Found[]): void {
  const counts = new Map([...ranges.keys()].map((i) => [i, new Array<number>(BINS).fill(0)]));
  for (const [col, bin, n] of rows) counts.get(Number(col))![Number(bin)] = Number(n);
  for (const [i, { lo, hi }] of ranges) acc[i]!.histogram = { edges: edgesOf(lo, hi), counts: counts.get(i)! };
}

/** `vnum, vstr` of a value-count row: `x` as vnum (DOUBLE) for numeric columns, as vstr (VARCHAR) for strings, the other NULL. */
const valueColumns = (c: ProfileColumn, x: string): string => (isNumeric(c.type) ? `${x} AS vnum, NULL::VARCHAR AS vstr` : `NULL::DOUBLE AS vnum, ${x} AS vstr`);

/** `(col, vnum, vstr, n)` rows: each value of the column with its count. */
function valueCounts(c: Col, from: string, where: string, limit?: number): string {
  const tail = limit === undefined ? '' : ` ORDER BY n DESC, ${isNumeric(c.type) ? 'vnum' : 'vstr'} LIMIT ${limit}`;
  return `(SELECT ${c.i}::INTEGER AS col, ${valueColumns(c, valueExpr(c))}, count(*) AS n FROM ${from} WHERE ${where} GROUP BY 2, 3${tail})`;
}

/** `(col, vnum, vstr, n)` rows of the given columns: the values and counts by column position. */
function readValueCounts(rows: unknown[][], cols: readonly Col[]): Map<number, { value: number | string; count: number }[]> {
  const typeOf = new Map(cols.map((c) => [c.i, c.type]));
  const out = new Map<number, { value: number | string; count: number }[]>();
  for (const [col, vnum, vstr, n] of rows) {
    const i = Number(col);
    const list = out.get(i) ?? [];
    list.push({ value: isNumeric(typeOf.get(i)!) ? Number(vnum) : String(vstr), count: Number(n) });
    out.set(i, list);
  }
  return out;
}

/**
 * High-cardinality columns, from the sample (Bernoulli: one parallel pass, uniform, so a
 * quantile's rank error is about 1/sqrt(SAMPLE_ROWS)): quantiles, and the top values: the
 * sample's top 20 when it is the whole file, otherwise its top 40 counted exactly over the file.
 */
async function samplePass(con: DuckDBConnection, src: string, high: readonly Col[], rows: number, sampleRows: number, acc: Found[]): Promise<void> {
  if (high.length === 0 || rows === 0) return;
  const sampled = rows > sampleRows;
  const sampling = sampled ? ` USING SAMPLE ${((100 * sampleRows) / rows).toFixed(6)} PERCENT (bernoulli, 42)` : '';
  await con.run(`CREATE OR REPLACE TEMP TABLE keel_sample AS SELECT ${high.map((c) => quoteIdent(c.name)).join(', ')} FROM ${src}${sampling}`);
  const qs = `[${QUANTILES.join(', ')}]`;
  const numeric = high.filter((c) => isNumeric(c.type));
  const exprs = [...high.map((c) => `count(DISTINCT ${quoteIdent(c.name)})`), ...numeric.map((c) => `quantile_cont(${valueExpr(c)}, ${qs})`)];
  const row = (await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM keel_sample`)).getRows()[0]!;
  high.forEach((c, k) => (acc[c.i]!.sampleDistinct = Number(row[k])));
  numeric.forEach((c, k) => {
    const items = (row[high.length + k] as { items?: unknown[] } | null)?.items;
    if (!items || items.some((x) => x === null)) return;
    acc[c.i]!.quantiles = Object.fromEntries(QUANTILE_KEYS.map((key, j) => [key, Number(items[j])])) as Quantiles;
  });
  const parts = high.map((c) => {
    const q = quoteIdent(c.name);
    if (!sampled) return valueCounts(c, 'keel_sample', `${q} IS NOT NULL`, TOP_K);
    // The candidates are chosen inside DuckDB, in the column's own type: no value goes through a
    // SQL literal. (An IN inside an aggregate FILTER is evaluated row by row and is ~7x slower.)
    const candidates = `SELECT ${q} FROM keel_sample WHERE ${q} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${TOP_CANDIDATES}`;
    return valueCounts(c, src, `${q} IN (${candidates})`);
  });
  const counted = readValueCounts((await con.runAndReadAll(parts.join(' UNION ALL '))).getRows(), high);
  for (const c of high) acc[c.i]!.top = rankTop(counted.get(c.i) ?? [], c.type);
}

/**
 * Grouped columns: every value with its count in `keel_vc` (one GROUP BY per column on the
 * column's own type, then the value as DOUBLE or VARCHAR), and every statistic exact from it.
 */
async function groupedPass(con: DuckDBConnection, src: string, low: readonly Col[], acc: Found[]): Promise<void> {
  if (low.length === 0) return;
  const parts = low.map((c) => {
    // Grouped again after the cast: two timestamps in the same millisecond are one value.
    return `(SELECT ${c.i}::INTEGER AS col, ${valueColumns(c, valueExpr(c, 'v'))}, sum(n)::BIGINT AS n FROM (SELECT ${quoteIdent(c.name)} AS v, count(*) AS n FROM ${src} WHERE ${quoteIdent(c.name)} IS NOT NULL GROUP BY 1) GROUP BY 2, 3)`;
  });
  await con.run(`CREATE OR REPLACE TEMP TABLE keel_vc AS ${parts.join(' UNION ALL ')}`);
  for (const c of low) Object.assign(acc[c.i]!, { count: 0, distinct: 0 });
  // Counts, distinct counts and the top 20 (ties by value, as rankTop orders them).
  const top = (
    await con.runAndReadAll(
      `SELECT col, vnum, vstr, n, count(*) OVER (PARTITION BY col) AS nd, sum(n) OVER (PARTITION BY col) AS cnt FROM keel_vc
       QUALIFY row_number() OVER (PARTITION BY col ORDER BY n DESC, vnum, vstr) <= ${TOP_K}`,
    )
  ).getRows();
  for (const r of top) Object.assign(acc[Number(r[0])]!, { distinct: Number(r[4]), count: Number(r[5]) });
  const counted = readValueCounts(top, low);
  for (const c of low) acc[c.i]!.top = rankTop(counted.get(c.i) ?? [], c.type);
  if (!low.some((c) => isNumeric(c.type))) return;
  // Quantiles as numpy's linear method: at virtual rank h = (n - 1) q, the values at ranks
  // floor(h) and ceil(h), interpolated. The value at rank r (0-based) is the smallest one whose
  // cumulative count exceeds r. Mean and std in two steps (the mean first), as numpy.
  const qExprs = QUANTILES.flatMap((q) => {
    const h = `((total - 1)::DOUBLE * ${q}::DOUBLE)`;
    return [`min(vnum) FILTER (WHERE cum > floor(${h}))`, `min(vnum) FILTER (WHERE cum > ceil(${h}))`, `${h} - floor(${h})`];
  });
  const qRows = await con.runAndReadAll(
    `SELECT col, min(vnum), max(vnum), mean, CASE WHEN total > 1 THEN sqrt(fsum(n * (vnum - mean) * (vnum - mean)) / (total - 1)) END, ${qExprs.join(', ')} FROM (
       SELECT col, vnum, n, sum(n) OVER (PARTITION BY col ORDER BY vnum) AS cum, sum(n) OVER (PARTITION BY col) AS total,
         fsum(vnum * n) OVER (PARTITION BY col) / sum(n) OVER (PARTITION BY col) AS mean
       FROM keel_vc WHERE vnum IS NOT NULL
     ) GROUP BY col, total, mean`,
  );
  const ranges = new Map<number, { lo: number; hi: number }>();
  for (const r of qRows.getRows()) {
    const i = Number(r[0]);
    const a = acc[i]!;
    [a.min, a.max, a.mean, a.std] = [num(r[1]), num(r[2]), num(r[3]), num(r[4])];
    ranges.set(i, histogramRange(Number(r[1]), Number(r[2])));
    a.quantiles = Object.fromEntries(QUANTILE_KEYS.map((key, j) => [key, lerp(Number(r[5 + 3 * j]), Number(r[6 + 3 * j]), Number(r[7 + 3 * j]))])) as Quantiles;
  }
  if (ranges.size === 0) return;
  const hParts = [...ranges].map(([i, { lo, hi }]) => histogramQuery(i, `keel_vc WHERE col = ${i}`, 'vnum', 'n', lo, hi));
  readHistograms((await con.runAndReadAll(hParts.join(' UNION ALL '))).getRows(), ranges, acc);
}

/** numpy's _lerp: a + (b - a) t, computed from the nearer end for t >= 0.5. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
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
