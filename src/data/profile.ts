/**
 * Per-column statistics over the stored Parquet, computed inside DuckDB (vectorized, on all
 * cores); JS only reads the final, small results. Not DuckDB's SUMMARIZE: too slow (REFERENCES.md).
 *
 * First the columns are classified by the Parquet footer, which DuckDB's writer fills with each
 * row group's exact distinct count when it dictionary-encodes the column chunk (it does up to
 * about a fifth of the rows distinct):
 *  - a column with at most GROUPED_SHARE of the rows distinct (summed over the row groups whose
 *    count is known), or a bool, is *grouped*: one GROUP BY over the whole file (cheap, the hash table is small) gives
 *    every value with its count, and all its statistics are exact and computed from those value
 *    counts;
 *  - the other, high-cardinality columns get counts, moments, distinct counts (estimated above
 *    EXACT_ROWS, see HASH_SHARE), min, max and 20-bin histograms from one aggregate pass (the
 *    bins from the Parquet footer's min and max, which the same pass checks), and quantiles and
 *    top-value candidates from a uniform sample (the whole file up to SAMPLE_ROWS rows), the
 *    candidates counted exactly over the whole file.
 * The classification only decides cost and exactness, never correctness: either path is valid
 * for any column. The passes run in batches of columns on two connections, each taking the next
 * batch when it is free.
 * Where the statistics are exact and where approximate: docs/datasets.md.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogicalType } from '../core/index.js';
import { mapEntries, numericExpr, numericOf, quoteIdent, quoteString, STORED_TYPE } from './duckdb-sql.js';
import { histogramAggregate, histogramQuery, histogramRange, readHistograms, type Histogram, type Range } from './histogram-sql.js';
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
/**
 * A column is grouped when the distinct counts of its row groups that have one (a dictionary, or
 * only nulls) sum to at most this share of those row groups' rows.
 */
export const GROUPED_SHARE = 0.1;
export const TOP_K = 20;
/** Candidates taken from the sample before the exact count picks the top 20. */
const TOP_CANDIDATES = 40;
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
  /** See GROUPED_SHARE; 0 groups no column (unless it is empty or bool), 1 every column. */
  readonly groupedShare?: number;
  /** false: ignore the Parquet footer's min and max (then high-cardinality histograms take a pass of their own). */
  readonly footerStatistics?: boolean;
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
  const numbered = rowNumbered(parquetPath, columns);
  const acc: Found[] = columns.map(() => ({}));
  const { rows, rowGroups, hints, grouped } = await readFooter(cons[0], parquetPath, columns, limits.groupedShare ?? GROUPED_SHARE);
  const cols = columns.map((c, i): Col => ({ ...c, i }));
  const high = cols.filter((c) => !grouped[c.i]);
  const low = cols.filter((c) => grouped[c.i]);
  // A sample that is the whole file counts every distinct value itself (samplePass).
  const distinctBy: DistinctCount = rows <= sampleRows ? 'sample' : rows <= (limits.exactRows ?? EXACT_ROWS) ? 'exact' : 'estimate';
  const footerHints = limits.footerStatistics === false ? new Map<number, MinMax>() : hints;
  // The batches go to whichever connection is free, the sample batches first (on a file of one
  // row group they are the longest). One row group is scanned by one thread: DuckDB's second
  // thread then only spins, taking CPU from the other connection's query (a 20-column quantile
  // query: 127 ms on one thread; the same wall time and 217 ms of CPU on two). So such a file gets
  // one thread per query, and the two connections run in parallel.
  if (rowGroups <= 1) await cons[0].run('SET threads = 1');
  try {
    await drain(cons, [
      ...batches(high).map((batch) => (con: DuckDBConnection) => samplePass(con, src, numbered, batch, rows, sampleRows, acc)),
      ...batches(high).map((batch) => (con: DuckDBConnection) => highPasses(con, src, batch, distinctBy, footerHints, acc)),
      ...batches(low).map((batch) => (con: DuckDBConnection) => groupedPass(con, src, batch, acc)),
    ]);
  } finally {
    if (rowGroups <= 1) await cons[0].run('RESET threads').catch(() => undefined);
    for (const con of cons) await con.run('DROP TABLE IF EXISTS keel_vc').catch(() => undefined);
  }
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

/**
 * Columns per query. DuckDB's cost for one query grows faster than its number of columns (on 30,000
 * rows × 240 high-cardinality columns the sample pass took 9.1 s as one query, 1.6 s in batches
 * of 20), so the passes run on batches.
 */
export const BATCH_COLUMNS = 20;

/** Consecutive batches of at most BATCH_COLUMNS items. */
function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_COLUMNS) out.push(items.slice(i, i + BATCH_COLUMNS));
  return out;
}

type Task = (con: DuckDBConnection) => Promise<void>;

/**
 * Runs the tasks in order, each connection taking the next one when it is free. After a failure
 * no task starts, and the first error is thrown once every connection has stopped (the caller
 * then closes the database).
 */
async function drain(cons: readonly DuckDBConnection[], tasks: readonly Task[]): Promise<void> {
  let next = 0;
  const worker = async (con: DuckDBConnection) => {
    try {
      while (next < tasks.length) await tasks[next++]!(con);
    } catch (e) {
      next = tasks.length;
      throw e;
    }
  };
  const settled = await Promise.allSettled(cons.map(worker));
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
}

/** The value as the statistics see it: DOUBLE for numeric columns (timestamps in epoch ms, bool as 0/1), VARCHAR for strings. */
const valueExpr = (c: ProfileColumn, col = c.name): string => (isNumeric(c.type) ? numericExpr(col, c.type) : quoteIdent(col));

/** The file with its row numbers (`file_row_number`), unless the data has a column of that name. */
function rowNumbered(parquetPath: string, columns: readonly ProfileColumn[]): string | undefined {
  return columns.some((c) => c.name.toLowerCase() === 'file_row_number') ? undefined : `read_parquet(${quoteString(parquetPath)}, file_row_number = true)`;
}

/** A column's min and max as the Parquet footer's row group statistics tell them (checked by the histogram before use). */
type MinMax = { readonly min: number; readonly max: number };

/**
 * What the footer tells: the row and row group counts; the numeric columns' min and max (by position) as
 * valueExpr would make them, from each row group's statistics cast from their text to the
 * column's stored type (none where they are missing or do not cast); and which columns are
 * grouped. (One GROUP BY over the metadata rows: an aggregate per column made the query take a
 * second at 300 columns.)
 */
async function readFooter(
  con: DuckDBConnection,
  parquetPath: string,
  columns: readonly ProfileColumn[],
  share: number,
): Promise<{ rows: number; rowGroups: number; hints: Map<number, MinMax>; grouped: boolean[] }> {
  const path = quoteString(parquetPath);
  const file = (await con.runAndReadAll(`SELECT coalesce(sum(num_rows), 0), coalesce(sum(num_row_groups), 0) FROM parquet_file_metadata(${path})`)).getRows()[0]!;
  const [rows, rowGroups] = [Number(file[0]), Number(file[1])];
  const types = [...new Set(columns.filter((c) => isNumeric(c.type)).map((c) => c.type))];
  const stat = (t: LogicalType, f: 'min' | 'max') => numericOf(`${f}(TRY_CAST(stats_${f}_value AS ${STORED_TYPE[t]}))`, t);
  // A row group's distinct count is known where DuckDB wrote a dictionary, or where it holds only
  // nulls. (DuckDB writes some row groups of a column with a dictionary and others without.)
  const known = 'stats_distinct_count IS NOT NULL OR stats_null_count = row_group_num_rows';
  const found = (
    await con.runAndReadAll(
      `SELECT path_in_schema, sum(row_group_num_rows) FILTER (WHERE ${known}), sum(coalesce(stats_distinct_count, 0)) FILTER (WHERE ${known})${types.flatMap((t) => [', ' + stat(t, 'min'), ', ' + stat(t, 'max')]).join('')}
       FROM parquet_metadata(${path}) GROUP BY 1`,
    )
  ).getRows();
  const byName = new Map(found.map((r) => [String(r[0]), r]));
  const hints = new Map<number, MinMax>();
  const grouped = columns.map((c, i) => {
    const r = byName.get(c.name);
    const k = types.indexOf(c.type);
    if (r && k >= 0) {
      const [min, max] = [num(r[3 + 2 * k]), num(r[4 + 2 * k])];
      if (min !== null && max !== null) hints.set(i, { min, max });
    }
    // Grouped when the row groups whose distinct counts are known have few (or the column is bool).
    const [knownRows, distinct] = [num(r?.[1]), num(r?.[2])];
    return share >= 1 || rows === 0 || c.type === 'bool' || (knownRows !== null && knownRows > 0 && distinct! <= share * knownRows);
  });
  return { rows, rowGroups, hints, grouped };
}

/** How the high pass counts distinct values: exactly, by the hash share, or not at all (the whole-file sample does). */
type DistinctCount = 'exact' | 'estimate' | 'sample';

/**
 * High-cardinality columns, one aggregate pass over the file: counts, moments, distinct counts
 * and, for numeric columns whose footer min and max the same pass confirms, the histograms.
 * Columns without (confirmed) footer statistics get their min and max from the pass (or one
 * after it) and their histograms from one more.
 */
async function highPasses(con: DuckDBConnection, src: string, high: readonly Col[], distinctBy: DistinctCount, hints: ReadonlyMap<number, MinMax>, acc: Found[]): Promise<void> {
  if (high.length === 0) return;
  const exprs: string[] = [];
  const reads: ((v: unknown) => void)[] = [];
  const add = (sql: string, read: (v: unknown) => void) => {
    exprs.push(sql);
    reads.push(read);
  };
  // Numeric columns whose histogram needs a pass of its own: with min and max from this pass
  // (no footer statistics), or without them (the footer's were not the values' own).
  const later: Col[] = [];
  const unconfirmed: Col[] = [];
  for (const c of high) {
    const a = acc[c.i]!;
    const q = quoteIdent(c.name);
    add(`count(${q})`, (v) => (a.count = Number(v)));
    if (distinctBy === 'exact') add(`count(DISTINCT ${q})`, (v) => (a.distinct = Number(v)));
    else if (distinctBy === 'estimate') add(`count(DISTINCT ${q}) FILTER (WHERE hash(${q}) < ${(2n ** 64n / BigInt(HASH_SHARE)).toString()}::UBIGINT)`, (v) => (a.distinct = Number(v) * HASH_SHARE));
    if (!isNumeric(c.type)) continue;
    const x = valueExpr(c);
    add(`avg(${x})`, (v) => (a.mean = num(v)));
    add(`stddev_samp(${x})`, (v) => (a.std = num(v)));
    const hint = hints.get(c.i);
    const hist = hint && histogramAggregate(x, hint.min, hint.max);
    if (hist) {
      add(hist.sql, (v) => {
        const histogram = hist.read(v);
        if (histogram) Object.assign(a, { min: hint.min, max: hint.max, histogram });
        else unconfirmed.push(c);
      });
      continue;
    }
    add(`min(${x})`, (v) => (a.min = num(v)));
    add(`max(${x})`, (v) => (a.max = num(v)));
    later.push(c);
  }
  const row = (await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM ${src}`)).getRows()[0]!;
  reads.forEach((f, k) => f(row[k]));
  if (unconfirmed.length > 0) {
    const mm = (await con.runAndReadAll(`SELECT ${unconfirmed.map((c) => `min(${valueExpr(c)}), max(${valueExpr(c)})`).join(', ')} FROM ${src}`)).getRows()[0]!;
    unconfirmed.forEach((c, k) => Object.assign(acc[c.i]!, { min: num(mm[2 * k]), max: num(mm[2 * k + 1]) }));
  }
  await histogramPass(con, src, [...later, ...unconfirmed], acc);
}

/** Histograms of columns whose min and max are known. */
async function histogramPass(con: DuckDBConnection, src: string, cols: readonly Col[], acc: Found[]): Promise<void> {
  const aggs: string[] = [];
  const reads: ((v: unknown) => void)[] = [];
  const ranges = new Map<number, Range>();
  const grouped: string[] = [];
  for (const c of cols) {
    const { min, max } = acc[c.i]!;
    if (min === null || min === undefined || max === null || max === undefined) continue;
    const x = valueExpr(c);
    const hist = histogramAggregate(x, min, max);
    if (hist) {
      aggs.push(hist.sql);
      reads.push((v) => {
        const h = hist.read(v);
        if (!h) throw new Error(`the histogram of column '${c.name}' does not find its min ${min} and max ${max}`);
        acc[c.i]!.histogram = h;
      });
      continue;
    }
    const range = histogramRange(min, max);
    ranges.set(c.i, range);
    grouped.push(histogramQuery(c.i, `${src} WHERE ${x} IS NOT NULL`, x, '1', range));
  }
  if (aggs.length > 0) {
    const row = (await con.runAndReadAll(`SELECT ${aggs.join(', ')} FROM ${src}`)).getRows()[0]!;
    reads.forEach((f, k) => f(row[k]));
  }
  if (grouped.length > 0) setHistograms(readHistograms((await con.runAndReadAll(grouped.join(' UNION ALL '))).getRows(), ranges), acc);
}

const setHistograms = (hs: ReadonlyMap<number, Histogram>, acc: Found[]): void => hs.forEach((h, i) => (acc[i]!.histogram = h));

/** `vnum, vstr` of a value-count row: `x` as vnum (DOUBLE) for numeric columns, as vstr (VARCHAR) for strings, the other NULL. */
const valueColumns = (c: ProfileColumn, x: string): string => (isNumeric(c.type) ? `${x} AS vnum, NULL::VARCHAR AS vstr` : `NULL::DOUBLE AS vnum, ${x} AS vstr`);

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
 * High-cardinality columns, from a uniform sample (Bernoulli, so a quantile's rank error is about
 * 1/sqrt(SAMPLE_ROWS); the whole file up to SAMPLE_ROWS rows), in one query: each column's value
 * counts in the sample give its distinct values there (a lower bound for the file's) and its 40
 * most frequent values, which are counted exactly over the whole file; the quantiles are the
 * sample's. In one query DuckDB runs the parts that take one thread (a quantile, a GROUP BY over
 * the sample) beside the parallel scans of the file.
 */
async function samplePass(con: DuckDBConnection, src: string, numbered: string | undefined, high: readonly Col[], rows: number, sampleRows: number, acc: Found[]): Promise<void> {
  if (high.length === 0 || rows === 0) return;
  // A row is in the sample when the hash of its row number is below the share: independent of
  // the values, the same on every run, and a filter every thread applies to its own rows (USING
  // SAMPLE runs on one thread).
  const whole = rows <= sampleRows;
  const sample =
    whole
      ? src
      : numbered
        ? `${numbered} WHERE hash(file_row_number) < ${((2n ** 64n * BigInt(sampleRows)) / BigInt(rows)).toString()}::UBIGINT`
        : `${src} USING SAMPLE ${((100 * sampleRows) / rows).toFixed(6)} PERCENT (bernoulli, 42)`;
  const ctes = [
    `keel_s AS MATERIALIZED (SELECT ${high.map((c) => quoteIdent(c.name)).join(', ')} FROM ${sample})`,
    ...high.map((c, k) => `keel_s${k} AS MATERIALIZED (SELECT ${quoteIdent(c.name)} AS v, count(*) AS n FROM keel_s WHERE ${quoteIdent(c.name)} IS NOT NULL GROUP BY 1)`),
  ];
  const qs = `[${QUANTILES.join(', ')}]`;
  const parts = high.flatMap((c, k) => {
    // The candidates are chosen inside DuckDB, in the column's own type: no value goes through a
    // SQL literal. (An IN inside an aggregate FILTER is evaluated row by row and is ~7x slower.)
    // When the sample is the whole file, its counts are already the file's: no second scan.
    const candidates = `SELECT v, n FROM keel_s${k} ORDER BY n DESC, v LIMIT ${TOP_CANDIDATES}`;
    const counted = whole
      ? `(SELECT map(list(x), list(n)) FROM (SELECT ${valueExpr(c, 'v')} AS x, sum(n)::BIGINT AS n FROM (${candidates}) GROUP BY 1))`
      : `(SELECT histogram(${valueExpr(c)}) FROM ${src} WHERE ${quoteIdent(c.name)} IN (SELECT v FROM (${candidates})))`;
    return [`(SELECT count(*) FROM keel_s${k})`, counted, ...(isNumeric(c.type) ? [`(SELECT quantile_cont(${valueExpr(c)}, ${qs}) FROM keel_s)`] : [])];
  });
  const row = (await con.runAndReadAll(`WITH ${ctes.join(', ')} SELECT ${parts.join(', ')}`)).getRows()[0]!;
  let k = 0;
  for (const c of high) {
    const a = acc[c.i]!;
    a.sampleDistinct = Number(row[k++]);
    const counts = mapEntries(row[k++]).map((e) => ({ value: isNumeric(c.type) ? Number(e.key) : String(e.key), count: Number(e.value) }));
    a.top = rankTop(counts, c.type);
    if (!isNumeric(c.type)) continue;
    const items = (row[k++] as { items?: unknown[] } | null)?.items;
    if (items && !items.some((x) => x === null)) a.quantiles = Object.fromEntries(QUANTILE_KEYS.map((key, j) => [key, Number(items[j])])) as Quantiles;
  }
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
  const ranges = new Map<number, Range>();
  for (const r of qRows.getRows()) {
    const i = Number(r[0]);
    const a = acc[i]!;
    [a.min, a.max, a.mean, a.std] = [num(r[1]), num(r[2]), num(r[3]), num(r[4])];
    ranges.set(i, histogramRange(Number(r[1]), Number(r[2])));
    a.quantiles = Object.fromEntries(QUANTILE_KEYS.map((key, j) => [key, lerp(Number(r[5 + 3 * j]), Number(r[6 + 3 * j]), Number(r[7 + 3 * j]))])) as Quantiles;
  }
  if (ranges.size === 0) return;
  const hParts = [...ranges].map(([i, range]) => histogramQuery(i, `keel_vc WHERE col = ${i}`, 'vnum', 'n', range));
  setHistograms(readHistograms((await con.runAndReadAll(hParts.join(' UNION ALL '))).getRows(), ranges), acc);
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
