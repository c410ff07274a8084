import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
async function t(label: string, sql: string) {
  let best = 1e9;
  for (let i = 0; i < 5; i++) { const t0 = performance.now(); await con.runAndReadAll(sql); best = Math.min(best, performance.now() - t0); }
  console.log(label.padEnd(24), best.toFixed(0), 'ms');
}
const P = `read_parquet('/tmp/w.parquet')`;
const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${P}`)).getRows().filter(r => String(r[1]) === 'DOUBLE').map(r => String(r[0])).slice(0, 20);
const q = (s: string) => `"${s}"`;
const qs = '[0.01,0.05,0.25,0.5,0.75,0.95,0.99]';
const cur = (withQ: boolean, withTop: boolean) => `WITH keel_s AS MATERIALIZED (SELECT ${cols.map(q).join(',')} FROM ${P}), ${cols.map((c, k) => `keel_s${k} AS MATERIALIZED (SELECT ${q(c)} AS v, count(*) AS n FROM keel_s WHERE ${q(c)} IS NOT NULL GROUP BY 1)`).join(',')}
 SELECT ${cols.map((c, k) => [`(SELECT count(*) FROM keel_s${k})`, ...(withTop ? [`(SELECT map(list(x), list(n)) FROM (SELECT v AS x, sum(n)::BIGINT AS n FROM (SELECT v, n FROM keel_s${k} ORDER BY n DESC, v LIMIT 40) GROUP BY 1))`] : []), ...(withQ ? [`(SELECT quantile_cont(${q(c)}, ${qs}) FROM keel_s)`] : [])].join(',')).join(',')}`;
await t('current', cur(true, true));
await t('no quantiles', cur(false, true));
await t('no top', cur(true, false));
await t('only vc count', cur(false, false));
await t('only quantiles', `SELECT ${cols.map(c => `quantile_cont(${q(c)}, ${qs})`).join(',')} FROM ${P}`);
await t('high pass', `SELECT ${cols.map(c => `count(${q(c)}), avg(${q(c)}), stddev_samp(${q(c)})`).join(',')} FROM ${P}`);
await t('sorted list', `SELECT ${cols.map(c => `list_sort(list(${q(c)}))`).join(',')} FROM ${P}`);
