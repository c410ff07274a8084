import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const P = '/tmp/y.parquet';
const r = await con.runAndReadAll(`SELECT path_in_schema, sum(stats_distinct_count), bool_and(stats_distinct_count is not null) FROM parquet_metadata('${P}') GROUP BY 1`);
const cols = r.getRows().map(r => String(r[0]));
const h = await con.runAndReadAll(`SELECT ${cols.map(c => `approx_count_distinct("${c}")`).join(',')} FROM (SELECT * FROM '${P}' LIMIT 50000)`);
const hr = h.getRows()[0]!;
r.getRows().forEach((row, i) => console.log(String(row[0]).padEnd(12), String(row[1]).padEnd(8), String(row[2]).padEnd(6), 'head approx', String(hr[i]), Number(hr[i]) <= 5000 ? 'G' : 'H'));
