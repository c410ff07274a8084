import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
async function t(label: string, sql: string) {
  const c0 = cpu(); const t0 = performance.now();
  const r = await con.runAndReadAll(sql);
  console.log(label.padEnd(20), ((performance.now() - t0) / 1000).toFixed(3), 's wall', (cpu() - c0).toFixed(3), 's cpu', r.currentRowCount, 'rows');
  return r;
}
const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM '/tmp/w.parquet'`)).getRows().map(r => [String(r[0]), String(r[1])]);
const num = cols.filter(c => c[1] === 'DOUBLE').map(c => c[0]).slice(0, 20);
const q = (s: string) => `"${s}"`;
const P = '/tmp/w.parquet';
const qs = '[0.01,0.05,0.25,0.5,0.75,0.95,0.99]';
for (let i = 0; i < 2; i++) {
await t('scan20', `SELECT ${num.map(c => `count(${q(c)})`).join(',')} FROM '${P}'`);
await t('moments20', `SELECT ${num.map(c => `count(${q(c)}), avg(${q(c)}), stddev_samp(${q(c)}), min(${q(c)}), max(${q(c)})`).join(',')} FROM '${P}'`);
await t('quantile20', `SELECT ${num.map(c => `quantile_cont(${q(c)}, ${qs})`).join(',')} FROM '${P}'`);
await t('distinct20', `SELECT ${num.map(c => `count(DISTINCT ${q(c)})`).join(',')} FROM '${P}'`);
await t('histmap20', `SELECT ${num.map(c => `cardinality(histogram(${q(c)}))`).join(',')} FROM '${P}'`);
await t('histtop20', `SELECT ${num.map(c => `list_slice(list_sort(list_transform(map_entries(histogram(${q(c)})), e -> {'n': -e.value, 'v': e.key})), 1, 20)`).join(',')} FROM '${P}'`);
await t('listsort20', `SELECT ${num.map(c => `list_sort(list(${q(c)}))[1:2]`).join(',')} FROM '${P}'`);
}
