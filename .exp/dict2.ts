import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
for (const n of [0, 10]) {
  await con.run(`COPY (SELECT NULL::DOUBLE AS a, NULL::VARCHAR AS c, i::BIGINT AS b, i % 2 = 0 AS t FROM range(${n}) t(i)) TO '/tmp/d.parquet' (FORMAT parquet, COMPRESSION snappy)`);
  const r = await con.runAndReadAll(`SELECT path_in_schema, encodings, stats_distinct_count, stats_null_count, num_values, row_group_num_rows FROM parquet_metadata('/tmp/d.parquet')`);
  console.log(n, r.getRows().map(r => r.map(String).join(' ')).join(' || '));
}
