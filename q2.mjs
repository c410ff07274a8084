import { DuckDBInstance } from '@duckdb/node-api';
const i = await DuckDBInstance.create(':memory:'); const c = await i.connect();
const [dest, opt] = process.argv.slice(2);
await c.run(`COPY (SELECT range AS a, 'x' || range AS b FROM range(300000)) TO '${dest}' (FORMAT csv, HEADER true${opt ?? ''})`);
console.error('done');
