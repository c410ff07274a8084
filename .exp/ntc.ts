import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const f = '/tmp/keel-bench-wide-30000x300.csv';
const opts = `header = true, skip = 0, delim = ',', quote = '"', escape = '"', strict_mode = true, encoding = 'utf-8'`;
const sn = await con.runAndReadAll(`SELECT Columns FROM sniff_csv('${f}', ${opts}, sample_size = 2048)`);
const cols = (sn.getRows()[0]![0] as any).items.map((e: any) => e.entries);
const colSpec = `{${cols.map((e: any) => `'${e.name}': '${e.type}'`).join(', ')}}`;
const text = cols.filter((e: any) => e.type === 'VARCHAR').map((e: any) => `"${e.name}"`);
for (const par of ['', ', parallel = false', ', buffer_size = 1048576']) for (let i = 0; i < 2; i++) {
  const t0 = performance.now();
  await con.runAndReadAll(`SELECT ${text.map((c: string) => `bool_and(TRY_CAST(${c} AS DOUBLE) IS NOT NULL)`).join(', ')} FROM (SELECT ${text.join(', ')} FROM read_csv('${f}', ${opts}, auto_detect = false, columns = ${colSpec}${par}) LIMIT 2048)`);
  console.log(JSON.stringify(par), (performance.now() - t0).toFixed(0), 'ms');
}
