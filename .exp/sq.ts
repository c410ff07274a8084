import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
async function t(label: string, sql: string) {
  let best = 1e9, bc = 0;
  for (let i = 0; i < 5; i++) { const c0 = cpu(); const t0 = performance.now(); await con.runAndReadAll(sql); const w = performance.now() - t0; if (w < best) { best = w; bc = (cpu() - c0) * 1000; } }
  console.log(label.padEnd(24), best.toFixed(0), 'ms wall', bc.toFixed(0), 'ms cpu');
}
const P = `read_parquet('/tmp/w.parquet')`;
const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${P}`)).getRows().filter(r => String(r[1]) === 'DOUBLE').map(r => String(r[0])).slice(0, 20);
const q = (s: string) => `"${s}"`;
const qs = '[0.01,0.05,0.25,0.5,0.75,0.95,0.99]';
const cur = (src: string, mat: string) => `WITH keel_s AS ${mat} (SELECT ${cols.map(q).join(',')} FROM ${src}), ${cols.map((c, k) => `keel_s${k} AS MATERIALIZED (SELECT ${q(c)} AS v, count(*) AS n FROM keel_s WHERE ${q(c)} IS NOT NULL GROUP BY 1)`).join(',')}
 SELECT ${cols.map((c, k) => `(SELECT count(*) FROM keel_s${k}), (SELECT map(list(x), list(n)) FROM (SELECT v AS x, sum(n)::BIGINT AS n FROM (SELECT v, n FROM keel_s${k} ORDER BY n DESC, v LIMIT 40) GROUP BY 1)), (SELECT quantile_cont(${q(c)}, ${qs}) FROM keel_s)`).join(',')}`;
await t('current', cur(P, 'MATERIALIZED'));
await t('no materialize src', cur(P, 'NOT MATERIALIZED'));
await t('only groupby', `WITH ${cols.map((c, k) => `keel_s${k} AS MATERIALIZED (SELECT ${q(c)} AS v, count(*) AS n FROM ${P} WHERE ${q(c)} IS NOT NULL GROUP BY 1)`).join(',')} SELECT ${cols.map((c, k) => `(SELECT count(*) FROM keel_s${k})`).join(',')}`);
await t('only quantiles', `SELECT ${cols.map(c => `quantile_cont(${q(c)}, ${qs})`).join(',')} FROM ${P}`);
await t('quantile_disc', `SELECT ${cols.map(c => `quantile_disc(${q(c)}, ${qs})`).join(',')} FROM ${P}`);
await t('approx_quantile', `SELECT ${cols.map(c => `approx_quantile(${q(c)}, ${qs})`).join(',')} FROM ${P}`);
await t('count distinct', `SELECT ${cols.map(c => `count(DISTINCT ${q(c)})`).join(',')} FROM ${P}`);
await t('unpivot vc', `SELECT col, count(*) FROM (SELECT col, v, count(*) FROM (UNPIVOT (SELECT ${cols.map(q).join(',')} FROM ${P}) ON COLUMNS(*) INTO NAME col VALUE v) GROUP BY ALL) GROUP BY col`);
await t('high pass', `SELECT ${cols.map(c => `count(${q(c)}), avg(${q(c)}), stddev_samp(${q(c)})`).join(',')} FROM ${P}`);
const h = (q: number) => `((total - 1)::DOUBLE * ${q})`;
const qexprs = [0.01,0.05,0.25,0.5,0.75,0.95,0.99].flatMap(q => [`min(v) FILTER (WHERE cum > floor(${h(q)}))`, `min(v) FILTER (WHERE cum > ceil(${h(q)}))`]);
await t('window on vc', `WITH ${cols.map((c, k) => `keel_s${k} AS MATERIALIZED (SELECT ${q(c)} AS v, count(*) AS n FROM ${P} WHERE ${q(c)} IS NOT NULL GROUP BY 1)`).join(',')} SELECT ${cols.map((c, k) => `(SELECT list_value(${qexprs.join(',')}) FROM (SELECT v, sum(n) OVER (ORDER BY v) AS cum, sum(n) OVER () AS total FROM keel_s${k}) GROUP BY total)`).join(',')}`);
await t('rownumber', `SELECT ${cols.map((c) => `(SELECT list(v) FROM (SELECT ${q(c)} AS v, row_number() OVER (ORDER BY ${q(c)}) - 1 AS r, count(*) OVER () AS total FROM ${P} WHERE ${q(c)} IS NOT NULL) WHERE r IN (floor(${h(0.01)}), ceil(${h(0.01)}), floor(${h(0.5)})))`).join(',')}`);
await t('list sort', `SELECT ${cols.map((c) => `list_sort(list(${q(c)}))[1:3]`).join(',')} FROM ${P}`);
await t('order by limit', `SELECT ${cols.map((c) => `(SELECT list(v) FROM (SELECT ${q(c)} v FROM ${P} ORDER BY 1 LIMIT 3 OFFSET 15000))`).join(',')}`);
