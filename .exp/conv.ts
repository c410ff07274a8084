import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const types: Record<string, string> = { i: 'BIGINT', d: 'DOUBLE', t: 'DATE', ts: 'TIMESTAMP', b: 'BOOLEAN', q: 'BIGINT' };
for (const col of Object.keys(types)) {
  const cols = Object.entries(types).map(([k, v]) => `'${k}': '${k === col ? v : 'VARCHAR'}'`).join(', ');
  try { await con.run(`COPY (SELECT * FROM read_csv('/tmp/late2.csv', header = true, delim = ',', quote = '"', escape = '"', strict_mode = true, auto_detect = false, columns = {${cols}}, dateformat = '%Y-%m-%d', timestampformat = '%Y-%m-%d %H:%M:%S')) TO '/tmp/c.parquet' (FORMAT parquet)`); console.log(col, 'ok'); }
  catch (e) { console.log(col, '=>', (e as Error).message.replace(/\n/g, '\\n')); }
}
