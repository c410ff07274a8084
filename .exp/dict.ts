import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
for (const k of [1000, 6000, 7000, 10000, 12000, 20000, 50000, 100000]) {
  await con.run(`COPY (SELECT (i % ${k})::BIGINT AS a, (i % ${k})::DOUBLE / 7 AS b, 'v' || (i % ${k}) AS c, (TIMESTAMP '2020-01-01' + to_seconds(i % ${k})) AS d, CASE WHEN i % 3 = 0 THEN NULL ELSE i % 5 END AS e FROM range(300000) t(i)) TO '/tmp/d.parquet' (FORMAT parquet, COMPRESSION snappy)`);
  const r = await con.runAndReadAll(`SELECT path_in_schema, list(encodings), list(stats_distinct_count), list(row_group_num_rows) FROM parquet_metadata('/tmp/d.parquet') GROUP BY 1 ORDER BY 1`);
  console.log(k, r.getRows().map(r => r.map(String).join(' ')).join(' || '));
}
