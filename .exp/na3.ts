import { openDuckDb } from '../src/data/duckdb-sql.js';
import { describeSource } from '../src/data/source-reader.js';
const duck = await openDuckDb('/tmp'); const con = await duck.connect();
let d = await describeSource(con, ['/tmp/na2.csv'], 'csv', {} as any);
for (let i = 0; i < 6; i++) {
  console.log(d.columns.map(c => c.name + ':' + c.duckType).join(' '));
  try { await con.run(`COPY (SELECT ${d.columns.map(c => c.storeExpr).join(', ')} FROM ${d.source}) TO '/tmp/na.parquet' (FORMAT parquet)`); console.log('ok'); break; }
  catch (e) { console.log((e as Error).message.slice(0, 300)); const w = d.widen(e); if (!w) break; console.log(w.widening); d = w.source; }
}
