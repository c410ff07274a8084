import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
console.log(JSON.stringify((await con.runAndReadAll(`SELECT Columns FROM sniff_csv('/tmp/eu.csv', delim = ';', decimal_separator = ',')`)).getRows()[0]![0], (_, v) => typeof v === 'bigint' ? String(v) : v));
console.log((await con.runAndReadAll(`SELECT * FROM read_csv('/tmp/eu.csv', delim = ';', decimal_separator = ',', auto_detect = false, header = true, columns = {'x': 'DOUBLE', 'y': 'VARCHAR', 'z': 'DOUBLE'})`)).getRows());
