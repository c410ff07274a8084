import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const files = `['/tmp/mix/p1.csv', '/tmp/mix/p2.csv', '/tmp/mix/p3.csv']`;
for (const sql of [
  `SELECT * FROM read_csv(${files}, header = true, auto_detect = false, columns = {'x': 'BIGINT', 'y': 'VARCHAR'}, union_by_name = true)`,
  `SELECT * FROM read_csv(${files}, header = true, union_by_name = true)`,
  `SELECT * FROM read_csv(${files}, header = true, union_by_name = true, types = {'x': 'DOUBLE'})`,
  `DESCRIBE SELECT * FROM read_csv(${files}, header = true, union_by_name = true)`,
]) {
  try { console.log((await con.runAndReadAll(sql)).getRows()); } catch (e) { console.log('ERR', (e as Error).message.slice(0, 200)); }
}
