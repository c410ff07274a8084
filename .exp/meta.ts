import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const r = await con.runAndReadAll(`SELECT path_in_schema, encodings, stats_distinct_count, dictionary_page_offset, total_compressed_size, stats_min_value FROM parquet_metadata('/tmp/w.parquet') LIMIT 8`);
console.log(r.getRows().map(r => r.map(String).join(' | ')).join('\n'));
const r2 = await con.runAndReadAll(`SELECT path_in_schema, encodings, stats_distinct_count, row_group_num_rows FROM parquet_metadata('/tmp/y.parquet') WHERE row_group_id = 0`);
console.log(r2.getRows().map(r => r.map(String).join(' | ')).join('\n'));
