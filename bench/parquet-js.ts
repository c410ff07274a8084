/**
 * The JS Parquet writer (src/data/parquet-js-*.ts) against DuckDB's COPY ... TO (FORMAT parquet),
 * on 1,000,000 rows × 20 columns shaped like bench/data-ingest-csv.ts's (8 high-cardinality
 * numbers, 6 low-cardinality ones, a bool, 5 texts of 3 to 5,000 values, some missing), held in
 * memory as the plain CSV read path holds them. Single-threaded JS: encode every column, write the
 * file; all PLAIN (the default) and with few-valued numbers dictionary-encoded (numberDictionary).
 * DuckDB: COPY of an in-memory table of the same rows (loaded from the JS file), uncompressed and
 * snappy (what `keel data add` writes), on all its threads. Prints seconds and file sizes; then
 * checks that both files hold the same rows and times a DuckDB scan of each.
 *
 *   npx tsx bench/parquet-js.ts [ROWS]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { mulberry32 } from '../src/core/index.js';
import { DEFAULT_ROW_GROUP_ROWS, encodeColumn } from '../src/data/parquet-js-encode.js';
import { writeParquetFile } from '../src/data/parquet-js-file.js';
import type { PlainColumn } from '../src/data/plain-column.js';

const rows = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 1_000_000);
const r = mulberry32(42);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const numbers = (type: 'int' | 'float' | 'bool', missing: number, make: (i: number) => number): PlainColumn => {
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) values[i] = r() < missing ? NaN : make(i);
  return { type, values };
};
const texts = (dictionary: string[], missing: number, pick: () => number): PlainColumn => {
  const codes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) codes[i] = r() < missing ? -1 : pick();
  return { type: 'string', codes, dictionary };
};
const table: [string, PlainColumn][] = [
  ['id', numbers('int', 0, (i) => i)],
  ['age', numbers('int', 0.02, () => 18 + Math.floor(r() * 70))],
  ['income', numbers('float', 0.05, () => round(Math.exp(10 + normal() * 0.8), 2))],
  ['score', numbers('float', 0, () => round(normal() * 15 + 50, 3))],
  ['balance', numbers('float', 0.1, () => round(normal() * 1000, 2))],
  ['clicks', numbers('int', 0, () => Math.floor(-Math.log(1 - r()) * 20))],
  ['ratio', numbers('float', 0, () => round(r(), 5))],
  ['temp', numbers('float', 0.01, () => round(20 + normal() * 8, 1))],
  ['latency_ms', numbers('float', 0, () => round(Math.exp(3 + normal() * 0.5), 2))],
  ['weight', numbers('float', 0.03, () => round(70 + normal() * 12, 1))],
  ['height', numbers('float', 0, () => round(170 + normal() * 10, 1))],
  ['rate', numbers('float', 0.2, () => round(r() * 0.3, 4))],
  ['noise', numbers('float', 0, () => round(normal(), 6))],
  ['visits', numbers('int', 0.05, () => Math.floor(r() * r() * 500))],
  ['is_active', numbers('bool', 0.02, () => (r() < 0.6 ? 1 : 0))],
  ['country', texts(['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CN', 'CA', 'AU', 'ES', 'IT'], 0, () => Math.floor(r() * r() * 12))],
  ['device', texts(['mobile', 'desktop', 'tablet'], 0.04, () => Math.floor(r() * 3))],
  ['plan', texts(['free', 'basic', 'pro', 'enterprise'], 0, () => Math.floor(r() * r() * 4))],
  ['city', texts(Array.from({ length: 5000 }, (_, k) => `city_${k}`), 0.08, () => Math.floor(Math.pow(r(), 2) * 5000))],
  ['segment', texts(Array.from({ length: 50 }, (_, k) => `seg_${k}`), 0, () => Math.floor(r() * 50))],
];
const names = table.map(([name]) => name);
const columns = table.map(([, column]) => column);

// Wall and CPU seconds (user + system, this process): on a shared machine the CPU time is the
// steadier figure.
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
type Variant = 'plain' | 'dictionary';
type Run = { encode: number; write: number; encodeCpu: number; writeCpu: number; byType: Record<string, number>; size: number };

/** One encode of every column and one write of the file. */
async function timeOnce(variant: Variant, path: string): Promise<Run> {
  const byType: Record<string, number> = {};
  const t0 = performance.now(), c0 = cpu();
  const encoded = columns.map((c) => {
    const t = cpu();
    const e = encodeColumn(c, DEFAULT_ROW_GROUP_ROWS, { numberDictionary: variant === 'dictionary' });
    byType[c.type] = (byType[c.type] ?? 0) + cpu() - t;
    return e;
  });
  const t1 = performance.now(), c1 = cpu();
  await writeParquetFile(path, names, columns.map((c) => c.type), encoded, rows, DEFAULT_ROW_GROUP_ROWS);
  return { encode: (t1 - t0) / 1000, write: (performance.now() - t1) / 1000, encodeCpu: c1 - c0, writeCpu: cpu() - c1, byType, size: statSync(path).size };
}

const cold = process.argv.indexOf('--cold');
if (cold >= 0) {
  // A child's one run, in a process whose memory no earlier run has touched (as `keel data add`'s).
  console.log(JSON.stringify(await timeOnce(process.argv[cold + 1] as Variant, process.argv[cold + 2]!)));
  process.exit(0);
}

const s = (x: number): string => `${x.toFixed(3)} s`;
function report(title: string, list: Run[]): void {
  const best = list.reduce((a, b) => (a.encode + a.write <= b.encode + b.write ? a : b));
  const leastCpu = list.reduce((a, b) => (a.encodeCpu + a.writeCpu <= b.encodeCpu + b.writeCpu ? a : b));
  const count = (type: string): number => columns.filter((c) => c.type === type).length;
  console.log(`${title}, ${(best.size / 1e6).toFixed(1)} MB`);
  console.log(`  wall: encode ${s(best.encode)} + write ${s(best.write)} = ${s(best.encode + best.write)} (best of ${list.length}; all: ${list.map((x) => (x.encode + x.write).toFixed(3)).join(' ')})`);
  console.log(`  CPU:  encode ${s(leastCpu.encodeCpu)} + write ${s(leastCpu.writeCpu)} = ${s(leastCpu.encodeCpu + leastCpu.writeCpu)} (least of ${list.length}; all: ${list.map((x) => (x.encodeCpu + x.writeCpu).toFixed(3)).join(' ')})`);
  console.log(`  encode CPU by type (that run): ${Object.entries(leastCpu.byType).map(([type, t]) => `${count(type)} ${type} ${s(t)}`).join(', ')}`);
}

const dir = mkdtempSync(join(tmpdir(), 'keel-bench-parquet-js-'));
try {
  const ours = join(dir, 'js.parquet');
  const path = (variant: Variant): string => (variant === 'plain' ? ours : join(dir, 'js-dictionary.parquet'));
  console.log(`${rows} rows × ${names.length} columns; JS: PLAIN (the default), or few-valued numbers dictionary-encoded`);
  // Alternating, so that both see the same load. Cold: each run in a fresh child process, whose
  // fresh memory costs page faults (~3 ms a MB here); warm: repeated in this one, reusing freed memory.
  const coldRuns: Record<Variant, Run[]> = { plain: [], dictionary: [] };
  for (let run = 0; run < 6; run++) {
    const variant: Variant = run % 2 === 0 ? 'plain' : 'dictionary';
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(rows), '--cold', variant, path(variant)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`the cold run failed: ${child.stderr}`);
    coldRuns[variant].push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Run);
  }
  const warmRuns: Record<Variant, Run[]> = { plain: [], dictionary: [] };
  for (let run = 0; run < 10; run++) {
    const variant: Variant = run % 2 === 0 ? 'plain' : 'dictionary';
    warmRuns[variant].push(await timeOnce(variant, path(variant)));
  }
  for (const variant of ['plain', 'dictionary'] as const) {
    report(`JS ${variant}, cold`, coldRuns[variant]);
    report(`JS ${variant}, warm`, warmRuns[variant]);
  }
  const mb = (file: string): string => `${(statSync(file).size / 1e6).toFixed(1)} MB`;

  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${ours}')`);
  for (const codec of ['uncompressed', 'snappy']) {
    const theirs = join(dir, `duckdb-${codec}.parquet`);
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      await con.run(`COPY (SELECT * FROM t) TO '${theirs}' (FORMAT parquet, COMPRESSION ${codec})`);
      times.push((performance.now() - t0) / 1000);
    }
    console.log(`DuckDB COPY ${codec.padEnd(12)} ${Math.min(...times).toFixed(3)} s (best of 3, all threads)  ${mb(theirs)}`);
  }
  // The same rows in each file: none of a JS file's is missing from DuckDB's, nor the other way.
  const theirs = join(dir, 'duckdb-snappy.parquet');
  const files: [string, string][] = [['JS, plain', ours], ['JS, dictionary', join(dir, 'js-dictionary.parquet')], ['DuckDB, snappy', theirs]];
  for (const [name, file] of files.slice(0, 2)) {
    const diff = await con.runAndReadAll(`SELECT (SELECT count(*) FROM (FROM '${file}' EXCEPT ALL FROM '${theirs}')) + (SELECT count(*) FROM (FROM '${theirs}' EXCEPT ALL FROM '${file}'))`);
    console.log(`rows of the ${name} file and DuckDB's that differ: ${String(diff.getRows()[0]![0])}`);
  }
  for (const [name, file] of files) {
    const t0 = performance.now();
    await con.run(`SELECT ${names.map((n) => `count(${n})`).join(', ')}, sum(id), max(city) FROM read_parquet('${file}')`);
    console.log(`DuckDB scan of the ${name.padEnd(15)} file ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  }
  con.closeSync();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
