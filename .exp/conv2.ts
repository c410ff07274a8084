import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const r = await con.runAndReadAll(`SELECT i FROM read_csv('/tmp/late2.csv', header = true, auto_detect = false, columns = {'i': 'BIGINT', 'd': 'VARCHAR', 't': 'VARCHAR', 'ts': 'VARCHAR', 'b': 'VARCHAR', 'q': 'VARCHAR'}) WHERE i = 2 OR i = 1`);
console.log(r.getRows());
for (const v of ['1.5', '2.5', '1e3', '1.0', ' 7 ', '0x10', '1_000']) {
  const x = await con.runAndReadAll(`SELECT TRY_CAST('${v}' AS BIGINT)`); console.log(v, x.getRows()[0]);
}
