import { DuckDBInstance } from '@duckdb/node-api';
import { cpuUsage } from 'node:process';
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const f = '/tmp/keel-bench-data-1000000x20.csv';
async function t(label: string, sql: string) {
  const c0 = cpuUsage(); const t0 = performance.now();
  await con.run(sql);
  const c = cpuUsage(c0);
  console.log(label, ((performance.now() - t0) / 1000).toFixed(2), 's wall', ((c.user + c.system) / 1e6).toFixed(2), 's cpu', (c.system/1e6).toFixed(2), 'sys');
}
for (let i = 0; i < 3; i++) await t('copy snappy', `COPY (SELECT * FROM read_csv('${f}')) TO '/tmp/x.parquet' (FORMAT parquet, COMPRESSION snappy)`);
