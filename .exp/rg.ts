import { openDuckDb } from '../src/data/duckdb-sql.js';
import { describeSource } from '../src/data/source-reader.js';
const f = process.argv[2] ?? '/tmp/keel-bench-wide-30000x300.csv';
const duck = await openDuckDb('/tmp'); const con = await duck.connect();
const d = await describeSource(con, [f], 'csv', {} as any);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
for (let i = 0; i < 3; i++) for (const rg of [0, 16384, 8192, 4096]) {
  const c0 = cpu(), t0 = performance.now();
  await con.run(`COPY (SELECT ${d.columns.map(c => c.storeExpr).join(', ')} FROM ${d.source}) TO '/tmp/rg${rg}.parquet' (FORMAT parquet, COMPRESSION snappy${rg ? `, ROW_GROUP_SIZE ${rg}` : ''})`);
  console.log(String(rg).padEnd(6), (performance.now() - t0).toFixed(0), 'ms', ((cpu() - c0) * 1000).toFixed(0), 'cpu');
}
