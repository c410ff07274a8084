/**
 * Drift report on a 1,000,000 × 50 reference (40 numeric, 10 categorical) against a 1,000,000 × 50
 * current set with 10 shifted numeric and 3 shifted categorical columns, side by side with a
 * Python loop of scipy.stats.ks_2samp / chi2_contingency over pandas frames (bench/drift-scipy.py).
 *
 *   npx tsx bench/drift.ts [--rows 1000000] [--workers 2]
 *
 * Data is generated once with DuckDB as CSV under /tmp/keel-bench-drift and ingested once into a
 * Keel home there; loading is timed apart from the statistics on both sides.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { silentLogger, type Table } from '../src/core/index.js';
import { DatasetService } from '../src/data/index.js';
import { LocalArtifactStore, openMetadataStore } from '../src/storage/index.js';
import { computeReference, detectDrift, detectDriftParallel, type DriftReport } from '../src/validation/index.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const ROWS = Number(arg('rows', '1000000'));
const WORKERS = Number(arg('workers', '2'));
const DIR = `/tmp/keel-bench-drift/${ROWS}`;
const NUMERIC = 40, CATEGORICAL = 10;

function ensurePython(): void {
  if (spawnSync('/usr/bin/python3', ['-c', 'import scipy, pandas'], { stdio: 'ignore' }).status === 0) return;
  console.log('installing python3-scipy and python3-pandas with apt-get ...');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'python3-scipy', 'python3-pandas'], { stdio: 'inherit' });
}

/** Column k's SQL: four families (normal, lognormal, uniform, integer) with a shift for drifted columns. */
function numericExpr(k: number, current: boolean): string {
  const z = '(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))';
  const shift = current && k < 8 ? 0.3 : 0; // in units of the column's std
  const scale = current && (k === 8 || k === 9) ? 1.5 : 1;
  const sd = 1 + (k % 3);
  switch (k % 4) {
    case 0: return `round(${k} + ${sd * scale} * (${z} + ${shift}), 6)`;
    case 1: return `round(exp(0.5 * ${scale} * (${z} + ${shift})), 6)`;
    case 2: return `round(${10 * scale} * random() + ${shift * 2.8868}, 6)`;
    default: return `floor(${100 * scale} * random() + ${shift * 28.868})`;
  }
}

function categoricalExpr(k: number, current: boolean): string {
  const m = 3 + 2 * k;
  const power = current && k < 3 ? 1.0 : 1.6;
  return `'v' || floor(${m} * pow(random(), ${power}))::INTEGER`;
}

async function generate(path: string, current: boolean): Promise<void> {
  const cols = [
    ...Array.from({ length: NUMERIC }, (_, k) => `${numericExpr(k, current)} AS n${k}`),
    ...Array.from({ length: CATEGORICAL }, (_, k) => `${categoricalExpr(k, current)} AS c${k}`),
  ];
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`SELECT setseed(${current ? 0.2 : 0.1})`);
  await con.run(`COPY (SELECT ${cols.join(', ')} FROM range(${ROWS})) TO '${path}' (HEADER, DELIMITER ',')`);
  con.closeSync();
  db.closeSync();
}

async function loadTables(): Promise<{ reference: Table; current: Table; loadSeconds: number }> {
  const home = join(DIR, 'home');
  mkdirSync(home, { recursive: true });
  const store = await openMetadataStore(`sqlite:${join(home, 'keel.db')}`);
  const datasets = new DatasetService({ db: store.db, artifacts: new LocalArtifactStore(join(home, 'artifacts')), logger: silentLogger, tmpDir: join(home, 'tmp') });
  try {
    for (const name of ['reference', 'current']) {
      const have = await datasets.get(name).then(() => true, () => false);
      if (!have) {
        console.log(`ingesting ${name}.csv into a Keel home (once) ...`);
        await datasets.add(name, join(DIR, `${name}.csv`));
      }
    }
    const t0 = performance.now();
    const reference = await datasets.loadTable('reference'), current = await datasets.loadTable('current');
    return { reference, current, loadSeconds: (performance.now() - t0) / 1000 };
  } finally {
    await store.close();
  }
}

const driftedSet = (r: DriftReport): string[] => r.columns.filter((c) => c.drifted).map((c) => c.column);

async function main(): Promise<void> {
  ensurePython();
  mkdirSync(DIR, { recursive: true });
  for (const name of ['reference', 'current']) {
    const path = join(DIR, `${name}.csv`);
    if (!existsSync(path)) {
      console.log(`generating ${path} (${ROWS} × ${NUMERIC + CATEGORICAL}) ...`);
      await generate(path, name === 'current');
    }
  }

  console.log('SciPy loop (ks_2samp + chi2_contingency per column over pandas frames) ...');
  const peerOut = execFileSync('/usr/bin/python3', [fileURLToPath(new URL('./drift-scipy.py', import.meta.url)), join(DIR, 'reference.csv'), join(DIR, 'current.csv')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const peer = JSON.parse(peerOut.trim().split('\n').pop()!) as { seconds: number; loadSeconds: number; columns: Record<string, { test: string; statistic: number; pValue: number; drifted: boolean }> };

  const { reference, current, loadSeconds } = await loadTables();

  let t0 = performance.now();
  const exact = detectDrift(reference, current);
  const exactSeconds = (performance.now() - t0) / 1000;

  t0 = performance.now();
  const parallel = await detectDriftParallel(reference, current, { workers: WORKERS });
  const parallelSeconds = (performance.now() - t0) / 1000;

  t0 = performance.now();
  const stats = computeReference(reference);
  const referenceSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const fromStats = detectDrift(stats, current);
  const windowSeconds = (performance.now() - t0) / 1000;

  t0 = performance.now();
  const ks = await detectDriftParallel(reference, current, { workers: WORKERS, method: Object.fromEntries(Array.from({ length: NUMERIC }, (_, k) => [`n${k}`, 'ks' as const])) });
  const ksSeconds = (performance.now() - t0) / 1000;

  const peerDrifted = Object.entries(peer.columns).filter(([, c]) => c.drifted).map(([k]) => k);
  const keelDrifted = driftedSet(parallel);
  let maxKsDiff = 0;
  for (const c of ks.columns) if (c.test === 'ks') maxKsDiff = Math.max(maxKsDiff, Math.abs(c.pValue! - peer.columns[c.column]!.pValue));
  const ksDrifted = ks.columns.filter((c) => c.test === 'ks' && c.drifted).map((c) => c.column);
  const peerKsDrifted = peerDrifted.filter((c) => c.startsWith('n'));

  console.log('');
  console.log(`rows: ${ROWS} reference, ${ROWS} current; ${NUMERIC} numeric + ${CATEGORICAL} categorical columns; ${WORKERS} workers`);
  console.log(`load (not in the timings): pandas (read_csv, then a cached pickle) ${peer.loadSeconds.toFixed(2)} s; Keel loadTable (Parquet via DuckDB) ${loadSeconds.toFixed(2)} s`);
  console.log(`SciPy loop:                                   ${peer.seconds.toFixed(2)} s`);
  console.log(`Keel detectDrift, exact, 1 thread:            ${exactSeconds.toFixed(2)} s  (${(peer.seconds / exactSeconds).toFixed(1)}x)`);
  console.log(`Keel detectDriftParallel, exact, ${WORKERS} workers:    ${parallelSeconds.toFixed(2)} s  (${(peer.seconds / parallelSeconds).toFixed(1)}x faster than SciPy)`);
  console.log(`Keel stored-reference path: computeReference ${referenceSeconds.toFixed(2)} s once, then detectDrift per current set ${windowSeconds.toFixed(2)} s`);
  console.log(`Keel with KS on numeric columns, ${WORKERS} workers: ${ksSeconds.toFixed(2)} s; max |p_keel - p_scipy| over 40 KS columns = ${maxKsDiff.toExponential(2)}`);
  console.log('');
  console.log(`drifted (Keel, Evidently defaults: Wasserstein/JS): ${keelDrifted.join(' ')}`);
  console.log(`drifted (SciPy loop, p < 0.05):                     ${peerDrifted.join(' ')}`);
  console.log(`drifted numeric (Keel KS):                          ${ksDrifted.join(' ')}`);
  console.log(`drifted numeric (SciPy KS):                         ${peerKsDrifted.join(' ')}`);
  const agree = keelDrifted.filter((c) => peerDrifted.includes(c));
  const onlyPeer = peerDrifted.filter((c) => !keelDrifted.includes(c));
  const onlyKeel = keelDrifted.filter((c) => !peerDrifted.includes(c));
  console.log(`both: ${agree.length}; only SciPy: ${onlyPeer.join(' ') || '-'}; only Keel: ${onlyKeel.join(' ') || '-'}`);
  console.log(`KS verdicts identical: ${JSON.stringify(ksDrifted) === JSON.stringify(peerKsDrifted)}; default report equals stored-reference report verdicts: ${JSON.stringify(keelDrifted) === JSON.stringify(driftedSet(fromStats))}; exact 1-thread equals parallel: ${JSON.stringify(exact.columns) === JSON.stringify(parallel.columns)}`);
}

await main();
