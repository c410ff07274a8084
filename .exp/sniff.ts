import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const f = process.argv[2] ?? '/tmp/keel-bench-wide-30000x300.csv';
const opts = `header = true, skip = 0, delim = ',', quote = '"', escape = '"', strict_mode = true, encoding = 'utf-8'`;
async function t(label: string, sql: string) {
  const t0 = performance.now(); const r = await con.runAndReadAll(sql); console.log(label.padEnd(20), (performance.now() - t0).toFixed(0), 'ms'); return r;
}
await t('sniff', `SELECT Columns FROM sniff_csv('${f}', ${opts})`);
await t('sniff again', `SELECT Columns FROM sniff_csv('${f}', ${opts})`);
await t('sniff 2048', `SELECT Columns FROM sniff_csv('${f}', ${opts}, sample_size = 2048)`);
await t('sniff no opts', `SELECT Columns FROM sniff_csv('${f}')`);
