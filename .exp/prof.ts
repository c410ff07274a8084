import { openDuckDb } from '../src/data/duckdb-sql.js';
import { profileParquet } from '../src/data/profile.js';
const P = process.argv[2] ?? '/tmp/w.parquet';
const duck = await openDuckDb('/tmp');
const cons = [await duck.connect(), await duck.connect()] as const;
const cols = (await cons[0].runAndReadAll(`DESCRIBE SELECT * FROM '${P}'`)).getRows().map(r => ({ name: String(r[0]), type: String(r[1]) === 'VARCHAR' ? 'string' : String(r[1]) === 'BIGINT' ? 'int' : String(r[1]) === 'BOOLEAN' ? 'bool' : 'float' } as const));
const totals = new Map<string, number>();
cons.forEach((con, k) => {
  for (const m of ['run', 'runAndReadAll'] as const) {
    const orig = (con as any)[m].bind(con);
    (con as any)[m] = async (sql: string) => {
      const t0 = performance.now();
      try { return await orig(sql); } finally {
        const key = `con${k} ` + (sql.includes('approx_count_distinct') ? 'classify' : sql.includes('parquet_metadata') || sql.includes('parquet_file_metadata') ? 'footer' : sql.startsWith('WITH keel_s') ? 'sample' : sql.includes('keel_vc') ? 'grouped' : sql.startsWith('SELECT count(') ? 'high' : sql.slice(0, 30));
        totals.set(key, (totals.get(key) ?? 0) + performance.now() - t0);
      }
    };
  }
});
const c0 = process.cpuUsage(); const t0 = performance.now();
await profileParquet(cons, P, cols);
const c = process.cpuUsage(c0);
console.log('total', (performance.now() - t0).toFixed(0), 'ms wall', ((c.user + c.system) / 1000).toFixed(0), 'ms cpu');
for (const [k, v] of [...totals].sort()) console.log(k.padEnd(40), v.toFixed(0));
