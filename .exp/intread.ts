import { openDuckDb } from '../src/data/duckdb-sql.js';
import { describeSource } from '../src/data/source-reader.js';
const f = '/tmp/keel-bench-data-1000000x20.csv';
const duck = await openDuckDb('/tmp'); const con = await duck.connect();
const d = await describeSource(con, [f], 'csv', {} as any);
const ints = d.columns.filter(c => c.duckType === 'BIGINT').map(c => c.name);
console.log('ints', ints);
const a = d.source;
const b = a.replace(/'(\w+)': 'BIGINT'/g, (m, n) => ints.includes(n) ? `'${n}': 'DOUBLE'` : m);
const check = (n: string) => `CASE WHEN "${n}" IS NULL THEN NULL WHEN "${n}" = trunc("${n}") AND abs("${n}") < 9007199254740992 THEN "${n}"::BIGINT ELSE error('x') END AS "${n}"`;
const sel = (bigAsDouble: boolean) => d.columns.map(c => bigAsDouble && ints.includes(c.name) ? check(c.name) : c.storeExpr).join(', ');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
for (let i = 0; i < 3; i++) for (const [label, sql] of [['bigint', `COPY (SELECT ${sel(false)} FROM ${a}) TO '/tmp/i.parquet' (FORMAT parquet, COMPRESSION snappy)`], ['double+check', `COPY (SELECT ${sel(true)} FROM ${b}) TO '/tmp/i.parquet' (FORMAT parquet, COMPRESSION snappy)`]] as const) {
  const c0 = cpu(), t0 = performance.now(); await con.run(sql); console.log(label.padEnd(14), (performance.now() - t0).toFixed(0), 'ms', ((cpu() - c0) * 1000).toFixed(0), 'cpu');
}
