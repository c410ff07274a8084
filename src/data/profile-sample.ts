/** The sample pass over high-cardinality columns: quantiles and top-value candidates, the candidates counted over the whole file. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { mapEntries, quoteIdent } from './duckdb-sql.js';
import { isNumeric, QUANTILE_KEYS, QUANTILES, rankTop, valueExpr, type Col, type Found, type Quantiles } from './profile-found.js';

/** Candidates taken from the sample before the exact count picks the top 20. */
const TOP_CANDIDATES = 40;

/**
 * High-cardinality columns, from a uniform sample (Bernoulli, so a quantile's rank error is about
 * 1/sqrt(SAMPLE_ROWS); the whole file up to SAMPLE_ROWS rows), in one query: each column's value
 * counts in the sample give its distinct values there (a lower bound for the file's) and its 40
 * most frequent values, which are counted exactly over the whole file; the quantiles are the
 * sample's. In one query DuckDB runs the parts that take one thread (a quantile, a GROUP BY over
 * the sample) beside the parallel scans of the file.
 */
export async function samplePass(con: DuckDBConnection, src: string, numbered: string | undefined, high: readonly Col[], rows: number, sampleRows: number, acc: Found[]): Promise<void> {
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
    a.top = rankTop(counts, c);
    if (!isNumeric(c.type)) continue;
    const items = (row[k++] as { items?: unknown[] } | null)?.items;
    if (items && !items.some((x) => x === null)) a.quantiles = Object.fromEntries(QUANTILE_KEYS.map((key, j) => [key, Number(items[j])])) as Quantiles;
  }
}
