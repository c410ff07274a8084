/** Grouped columns: every value with its count, and every statistic exact from those counts. */
import type { DuckDBConnection, DuckDBMapValue } from '@duckdb/node-api';
import { quoteIdent } from './duckdb-sql.js';
import { histogramQuery, histogramRange, readHistograms, type Range } from './histogram-sql.js';
import { isNumeric, lerp, momentScaleSql, num, QUANTILE_KEYS, QUANTILES, rankTop, setHistograms, storedUnit, TOP_K, valueExpr, type Col, type Found, type ProfileColumn, type Quantiles } from './profile-found.js';

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
 * String columns of a short file (grouped ones: at most a tenth of the rows distinct): each one's
 * values with their counts from one histogram() aggregate, the batch in one query, and the count,
 * distinct count and top values from those in JS, exact as groupedPass's. On a 2,000 × 2,000 file
 * (400 such columns) this took 0.44 s of CPU against groupedPass's 1.4 s (its temporary table
 * and second query per batch), 0.25 s in batches of STRING_BATCH_COLUMNS.
 */
export async function countedStrings(con: DuckDBConnection, src: string, cols: readonly Col[], acc: Found[]): Promise<void> {
  if (cols.length === 0) return;
  const row = (await con.runAndReadAll(`SELECT ${cols.map((c) => `histogram(${quoteIdent(c.name)})`).join(', ')} FROM ${src}`)).getRows()[0]!;
  cols.forEach((c, k) => {
    // NULL: no value at all; the map's values are BIGINT counts.
    const entries = (row[k] as DuckDBMapValue | null)?.entries ?? [];
    let count = 0;
    const counted = entries.map(({ key, value }) => {
      count += Number(value);
      return { value: String(key), count: Number(value) };
    });
    Object.assign(acc[c.i]!, { count, distinct: counted.length, top: rankTop(counted, c) });
  });
}

/** String columns per countedStrings query: a histogram() aggregate over a short file costs little per column. */
export const STRING_BATCH_COLUMNS = 100;

/**
 * Grouped columns: every value with its count in `keel_vc` (one GROUP BY per column on the
 * column's own type, then the value as DOUBLE or VARCHAR), and every statistic exact from it.
 * `inMemory`: the GROUP BYs read the batch's columns from memory, read once (profile.ts says when).
 */
export async function groupedPass(con: DuckDBConnection, src: string, low: readonly Col[], acc: Found[], inMemory: boolean): Promise<void> {
  if (low.length === 0) return;
  const from = inMemory ? 'keel_b' : src;
  const parts = low.map((c) => {
    // Grouped again after the cast, which only an int column spanning more than 2^53 can make
    // coarser (valueExpr).
    return `(SELECT ${c.i}::INTEGER AS col, ${valueColumns(c, valueExpr(c, 'v'))}, sum(n)::BIGINT AS n FROM (SELECT ${quoteIdent(c.name)} AS v, count(*) AS n FROM ${from} WHERE ${quoteIdent(c.name)} IS NOT NULL GROUP BY 1) GROUP BY 2, 3)`;
  });
  const batch = inMemory ? `WITH keel_b AS MATERIALIZED (SELECT ${low.map((c) => quoteIdent(c.name)).join(', ')} FROM ${src}) ` : '';
  await con.run(`CREATE OR REPLACE TEMP TABLE keel_vc AS ${batch}${parts.join(' UNION ALL ')}`);
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
  for (const c of low) acc[c.i]!.top = rankTop(counted.get(c.i) ?? [], c);
  if (!low.some((c) => isNumeric(c.type))) return;
  // Quantiles as numpy's linear method: at virtual rank h = (n - 1) q, the values at ranks
  // floor(h) and ceil(h), interpolated. The value at rank r (0-based) is the smallest one whose
  // cumulative count exceeds r. Mean and std in two steps (the mean first), as numpy, in
  // momentScale's units (sc): smean is the mean of the scaled values.
  const qExprs = QUANTILES.flatMap((q) => {
    const h = `((total - 1)::DOUBLE * ${q}::DOUBLE)`;
    return [`min(vnum) FILTER (WHERE cum > floor(${h}))`, `min(vnum) FILTER (WHERE cum > ceil(${h}))`, `${h} - floor(${h})`];
  });
  const qRows = await con.runAndReadAll(
    `SELECT col, min(vnum), max(vnum), smean / sc, CASE WHEN total > 1 THEN sqrt(fsum(n * (vnum * sc - smean) * (vnum * sc - smean)) / (total - 1)) / sc END, ${qExprs.join(', ')} FROM (
       SELECT *, fsum(vnum * sc * n) OVER (PARTITION BY col) / total AS smean FROM (
         SELECT col, vnum, n, sum(n) OVER (PARTITION BY col ORDER BY vnum) AS cum, sum(n) OVER (PARTITION BY col) AS total,
           ${momentScaleSql('max(abs(vnum)) OVER (PARTITION BY col)')} AS sc
         FROM keel_vc WHERE vnum IS NOT NULL)
     ) GROUP BY col, total, smean, sc`,
  );
  const ranges = new Map<number, Range>();
  const byPosition = new Map(low.map((c) => [c.i, c]));
  for (const r of qRows.getRows()) {
    const i = Number(r[0]);
    const a = acc[i]!;
    Object.assign(a, { min: num(r[1]), max: num(r[2]), mean: num(r[3]), std: num(r[4]) });
    ranges.set(i, histogramRange(Number(r[1]), Number(r[2]), storedUnit(byPosition.get(i)!)));
    a.quantiles = Object.fromEntries(QUANTILE_KEYS.map((key, j) => [key, lerp(Number(r[5 + 3 * j]), Number(r[6 + 3 * j]), Number(r[7 + 3 * j]))])) as Quantiles;
  }
  if (ranges.size === 0) return;
  const hParts = [...ranges].map(([i, range]) => histogramQuery(i, `keel_vc WHERE col = ${i}`, 'vnum', 'n', range));
  setHistograms(readHistograms((await con.runAndReadAll(hParts.join(' UNION ALL '))).getRows(), ranges), acc);
}
