import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const NA = ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null'];
const nl = `[${NA.map(s => `'${s}'`).join(', ')}]`;
const f = '/tmp/keel-bench-data-1000000x20.csv';
const opts = `header = true, skip = 0, delim = ',', quote = '"', escape = '"', strict_mode = true`;
const sn = await con.runAndReadAll(`SELECT Columns FROM sniff_csv('${f}', ${opts})`);
const cols = (sn.getRows()[0]![0] as any).items.map((e: any) => `'${e.entries.name}': '${e.entries.type}'`).join(', ');
for (let i = 0; i < 3; i++) for (const [label, extra] of [['plain', ''], ['nullstr', `, nullstr = ${nl}`]]) {
  const t0 = performance.now();
  await con.run(`COPY (SELECT * FROM read_csv('${f}', ${opts}, auto_detect = false, columns = {${cols}}${extra})) TO '/tmp/na.parquet' (FORMAT parquet)`);
  console.log(label, (performance.now() - t0).toFixed(0));
}
(await import('fs')).writeFileSync('/tmp/na.csv', 'a,b,c\n1,NA,x\n2,3.5,NA\nNA,n/a,"NA"\n4,,y\n');
console.log((await con.runAndReadAll(`SELECT Columns FROM sniff_csv('/tmp/na.csv', ${opts}, nullstr = ${nl})`)).getRows()[0]![0]);
console.log((await con.runAndReadAll(`SELECT * FROM read_csv('/tmp/na.csv', ${opts}, nullstr = ${nl})`)).getRows());
