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
await t('q7', `SELECT ${cols.map(c => `quantile_cont(${q(c)}, [0.01,0.05,0.25,0.5,0.75,0.95,0.99])`).join(',')} FROM ${P}`);
await t('q1', `SELECT ${cols.map(c => `quantile_cont(${q(c)}, 0.5)`).join(',')} FROM ${P}`);
await t('median', `SELECT ${cols.map(c => `median(${q(c)})`).join(',')} FROM ${P}`);
await t('q7 x2', `SELECT ${cols.slice(0,10).map(c => `quantile_cont(${q(c)}, [0.01,0.05,0.25,0.5,0.75,0.95,0.99])`).join(',')} FROM ${P}`);
await t('count', `SELECT ${cols.map(c => `count(${q(c)})`).join(',')} FROM ${P}`);
await con.run('SET threads = 1');
await t('q7 1thr', `SELECT ${cols.map(c => `quantile_cont(${q(c)}, [0.01,0.05,0.25,0.5,0.75,0.95,0.99])`).join(',')} FROM ${P}`);
await t('q1 1thr', `SELECT ${cols.map(c => `quantile_cont(${q(c)}, 0.5)`).join(',')} FROM ${P}`);
await con.run(`CREATE TABLE m AS SELECT ${cols.map(q).join(',')} FROM ${P}`);
await t('q7 1thr table', `SELECT ${cols.map(c => `quantile_cont(${q(c)}, [0.01,0.05,0.25,0.5,0.75,0.95,0.99])`).join(',')} FROM m`);
await t('list 1thr', `SELECT ${cols.map(c => `len(list(${q(c)}))`).join(',')} FROM m`);
