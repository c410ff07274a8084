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
await t('copy', `COPY (SELECT * FROM read_csv('/tmp/keel-bench-wide-30000x300.csv')) TO '/tmp/w.parquet' (FORMAT parquet, COMPRESSION snappy)`);
const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM '/tmp/w.parquet'`)).getRows().map(r => [String(r[0]), String(r[1])]);
const num = cols.filter(c => c[1] === 'DOUBLE' || c[1] === 'BIGINT').map(c => c[0]);
const str = cols.filter(c => c[1] === 'VARCHAR').map(c => c[0]);
console.log(num.length, 'numeric', str.length, 'string');
const q = (s: string) => `"${s}"`;
await t('long count', `SELECT count(*) FROM (UNPIVOT (SELECT ${num.map(q).join(',')} FROM '/tmp/w.parquet') ON COLUMNS(*) INTO NAME col VALUE v)`);
await t('long moments', `SELECT col, count(v), avg(v), stddev_samp(v), min(v), max(v) FROM (UNPIVOT (SELECT ${num.map(q).join(',')} FROM '/tmp/w.parquet') ON COLUMNS(*) INTO NAME col VALUE v) GROUP BY col`);
await t('long quantiles', `SELECT col, quantile_cont(v, [0.01,0.05,0.25,0.5,0.75,0.95,0.99]) FROM (UNPIVOT (SELECT ${num.map(q).join(',')} FROM '/tmp/w.parquet') ON COLUMNS(*) INTO NAME col VALUE v) GROUP BY col`);
await t('long vc', `CREATE OR REPLACE TEMP TABLE vc AS SELECT col, v, count(*) n FROM (UNPIVOT (SELECT ${num.map(q).join(',')} FROM '/tmp/w.parquet') ON COLUMNS(*) INTO NAME col VALUE v) GROUP BY ALL`);
await t('vc distinct', `SELECT col, count(*) FROM vc GROUP BY col`);
await t('vc top', `SELECT col, v, n FROM vc QUALIFY row_number() OVER (PARTITION BY col ORDER BY n DESC, v) <= 20`);
await t('wide moments', `SELECT ${num.slice(0, 240).map(c => `count(${q(c)}), avg(${q(c)}), stddev_samp(${q(c)}), min(${q(c)}), max(${q(c)})`).join(',')} FROM '/tmp/w.parquet'`);
