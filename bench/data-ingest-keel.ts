/**
 * Keel's side of bench/data-ingest.ts, in its own process so its peak RSS is its own: opens a
 * fresh store and runs DatasetService.add (ingest, schema, full statistics, Parquet artifact).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPlatform } from '../src/api/index.js';
import { loadConfig, silentLogger } from '../src/core/index.js';

const file = process.argv[2];
if (!file) throw new Error('usage: data-ingest-keel.ts FILE.csv [--fill-short-rows]');
// The one read option measured here: short rows padded with missing values.
const read = process.argv.includes('--fill-short-rows') ? { fillShortRows: true } : {};
const home = mkdtempSync(join(tmpdir(), 'keel-bench-ingest-'));
const platform = await openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);
// Seconds spent in each step the progress events name (reading = parse + Parquet write), wall
// and CPU (all threads: DuckDB's workers are threads of this process).
const steps: Record<string, number> = {};
const stepsCpu: Record<string, number> = {};
let current: string | undefined;
let last = performance.now();
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
let lastCpu = cpuSeconds();
const t0 = last;
const cpu0 = process.cpuUsage();
const v = await platform.datasets.add('bench', file, read, {
  onProgress: (e) => {
    if (e.message === current) return;
    const now = performance.now();
    const nowCpu = cpuSeconds();
    if (current !== undefined) {
      steps[current] = (steps[current] ?? 0) + (now - last) / 1000;
      stepsCpu[current] = (stepsCpu[current] ?? 0) + (nowCpu - lastCpu);
    }
    current = e.message;
    last = now;
    lastCpu = nowCpu;
  },
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await platform.close();
rmSync(home, { recursive: true, force: true });
console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, steps, stepsCpu, maxRssMb: process.resourceUsage().maxRSS / 1024, rows: v.rows, columns: v.columns.length }));
