import { openDuckDb } from '../src/data/duckdb-sql.js';
import { describeSource } from '../src/data/source-reader.js';
const f = process.argv[2] ?? '/tmp/keel-bench-wide-30000x300.csv';
const duck = await openDuckDb('/tmp'); const con = await duck.connect();
const orig = con.runAndReadAll.bind(con);
(con as any).runAndReadAll = async (sql: string) => { const t0 = performance.now(); try { return await orig(sql); } finally { console.log((performance.now() - t0).toFixed(0).padStart(5), 'ms', sql.slice(0, 90).replace(/\n/g, ' ')); } };
const t0 = performance.now();
await describeSource(con, [f], 'csv', {} as any);
console.log('total', (performance.now() - t0).toFixed(0));
