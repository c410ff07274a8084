import { openDuckDb } from '../src/data/duckdb-sql.js';
import { loadParquetTable } from '../src/data/table-loader.js';
const duck = await openDuckDb('/tmp'); const con = await duck.connect();
const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM '/tmp/w.parquet'`)).getRows().map(r => ({ name: String(r[0]), type: String(r[1]) === 'VARCHAR' ? 'string' : 'float' } as const));
let t0 = performance.now();
const num = cols.filter(c => c.type === 'float');
const table = await loadParquetTable(con, '/tmp/w.parquet', num);
console.log('load numeric', (performance.now() - t0).toFixed(0), 'ms');
t0 = performance.now();
let s = 0;
for (const c of table.columns) {
  const v = (c as any).values as Float64Array;
  const a = v.slice().sort();
  let d = 1; for (let i = 1; i < a.length; i++) if (a[i] !== a[i - 1]) d++;
  s += d;
}
console.log('sort+distinct 240', (performance.now() - t0).toFixed(0), 'ms', s);
t0 = performance.now();
const str = cols.filter(c => c.type === 'string');
const t2 = await loadParquetTable(con, '/tmp/w.parquet', str);
console.log('load strings', (performance.now() - t2 ? 0 : 0, performance.now() - t0).toFixed(0), 'ms');
