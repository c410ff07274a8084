/**
 * Tracking benchmark, on SQLite and PostgreSQL (issue 4):
 *   1. log-batch ingestion over HTTP: 1000 points per call, 8 concurrent clients -> points/s
 *   2. runs/search at 10,000 runs x 20 metrics x 10 params, a filter on one metric and one param,
 *      ordered by a metric -> p50 / p99
 *   3. metrics/get-history of a 100,000-point metric -> ms
 * Run: npx tsx bench/tracking.ts [--db sqlite|postgres|both] [--calls 40] [--searches 60]
 *        [--root /tmp/keel-bench-tracking] [--pg-db keel_bench_tracking] [--reset]
 * Beside each wall-clock figure it prints the server process's CPU time (Linux /proc), which
 * varies far less than wall time on a shared machine.
 * The server is `node bin/keel.js server` in its own process on a free port (so the clients, which
 * use fetch with keep-alive, do not share its event loop); the stores are seeded through the
 * TrackingService in this process and cached under /tmp/keel-bench-tracking.
 * MLflow's own figures are quoted (no MLflow server can be installed here: PyPI is not reachable).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPlatform, type Platform } from '../src/api/index.js';
import { loadConfig, silentLogger } from '../src/core/index.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const which = args.get('db') ?? 'both';
const CALLS_PER_CLIENT = Number(args.get('calls') ?? 40);
const SEARCHES = Number(args.get('searches') ?? 60);
const CLIENTS = 8;
const POINTS_PER_CALL = 1000;
const RUNS = 10_000;
const HISTORY_POINTS = 100_000;
const ROOT = args.get('root') ?? '/tmp/keel-bench-tracking';
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/test';
const PG_DB = args.get('pg-db') ?? 'keel_bench_tracking';
const SEED_VERSION = 'v2';

// MLflow's figures (shared/REFERENCES.md).
const MLFLOW = {
  localIngest: 9_700, // points/s, MLflow 3.5 on SQLite, 8 clients x 1000-point log-batch, this kind of machine
  localSearchP50: 601,
  localSearchP99: 821,
  localHistory: 6_400,
  publishedLogBatchMs: 58.4, // per 10-metric log-batch, PostgreSQL, 20 clients (k6)
  publishedSearchMs: 1_004, // 23,525 runs, max_results=1000
};

interface Target {
  readonly name: 'sqlite' | 'postgres';
  readonly databaseUrl: string;
  readonly home: string;
}

async function targets(): Promise<Target[]> {
  const out: Target[] = [];
  if (which === 'sqlite' || which === 'both') out.push({ name: 'sqlite', databaseUrl: `sqlite:${join(ROOT, 'sqlite', 'keel.db')}`, home: join(ROOT, 'sqlite') });
  if (which === 'postgres' || which === 'both') {
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    try {
      await admin.connect();
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DB]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${PG_DB}`);
      out.push({ name: 'postgres', databaseUrl: `postgres://postgres@127.0.0.1:5432/${PG_DB}`, home: join(ROOT, 'postgres') });
    } catch (e) {
      console.log(`PostgreSQL not reachable at ${PG_ADMIN}: ${(e as Error).message} -- skipped`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
  return out;
}

/**
 * PostgreSQL's planner needs table statistics, which autovacuum keeps fresh by default. The test
 * server on these machines runs with autovacuum off, so a freshly seeded store would be planned
 * blind (runs/search p50 53 ms instead of 30 ms here). Do once what autovacuum would have done.
 */
async function analyzeIfNoAutovacuum(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
    if (rows[0]?.autovacuum === 'off') {
      await client.query('ANALYZE');
      console.log('  autovacuum is off on this server: ran ANALYZE once, as autovacuum would have');
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined off Linux. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

const rnd = (seed: number): (() => number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

/** 10,000 runs x 20 metrics x 10 params and one 100,000-point metric, through the service (not HTTP). */
async function seed(p: Platform): Promise<{ experimentId: string; historyRun: string }> {
  const t = p.tracking;
  const name = `bench-search-${SEED_VERSION}`;
  const existing = await t.getExperimentByName(name).catch(() => undefined);
  if (existing) {
    const hist = await t.searchRuns({ experimentIds: [existing.experiment_id], filter: "attributes.run_name = 'history'", maxResults: 1 });
    if (hist.runs.length === 1) {
      const count = (await t.searchRuns({ experimentIds: [existing.experiment_id], maxResults: 1, pageToken: Buffer.from(JSON.stringify({ offset: RUNS })).toString('base64') })).runs.length;
      if (count === 1) return { experimentId: existing.experiment_id, historyRun: hist.runs[0]!.info.run_id };
    }
    await t.deleteExperiment(existing.experiment_id);
    await t.updateExperiment(existing.experiment_id, `${name}-stale-${Date.now()}`);
  }
  const experimentId = await t.createExperiment(name);
  const r = rnd(42);
  const started = Date.now();
  for (let i = 0; i < RUNS; i++) {
    const run = await t.createRun({ experimentId, runName: `run-${i}`, startTime: 1_700_000_000_000 + i });
    await t.logBatch(run.info.run_id, {
      params: Array.from({ length: 10 }, (_, k) => ({ key: `p${k}`, value: `v${Math.floor(r() * 10)}` })),
      metrics: Array.from({ length: 20 }, (_, k) => ({ key: `m${k}`, value: r(), timestamp: 1_700_000_000_000 + i, step: 0 })),
    });
    if (i % 1000 === 999) process.stdout.write(`  seeded ${i + 1} runs (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const hist = await t.createRun({ experimentId, runName: 'history' });
  for (let b = 0; b < HISTORY_POINTS / 1000; b++) {
    await t.logBatch(hist.info.run_id, { metrics: Array.from({ length: 1000 }, (_, k) => ({ key: 'loss', value: 1 / (b * 1000 + k + 1), timestamp: 1_700_000_000_000 + b * 1000 + k, step: b * 1000 + k })) });
  }
  return { experimentId, historyRun: hist.info.run_id };
}

async function post(url: string, body: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function ingest(base: string, experimentId: string, pid?: number): Promise<{ pointsPerSecond: number; cpuMsPerCall?: number }> {
  const runIds: string[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const res = (await post(`${base}/api/2.0/mlflow/runs/create`, JSON.stringify({ experiment_id: experimentId, run_name: `ingest-${c}` }))) as { run: { info: { run_id: string } } };
    runIds.push(res.run.info.run_id);
  }
  // Bodies are built before the clock starts, so the figure is the server's, not the JSON encoder's.
  const bodies = runIds.map((runId) =>
    Array.from({ length: CALLS_PER_CLIENT }, (_, call) =>
      JSON.stringify({
        run_id: runId,
        metrics: Array.from({ length: POINTS_PER_CALL }, (_, k) => ({ key: `m${k % 10}`, value: Math.random(), timestamp: Date.now(), step: call * 100 + Math.floor(k / 10) })),
      }),
    ),
  );
  await post(`${base}/api/2.0/mlflow/runs/log-batch`, bodies[0]![0]!); // warm-up
  const cpu0 = cpuSeconds(pid);
  const start = performance.now();
  await Promise.all(bodies.map(async (list) => {
    for (const body of list.slice(1)) await post(`${base}/api/2.0/mlflow/runs/log-batch`, body);
  }));
  const seconds = (performance.now() - start) / 1000;
  const cpu1 = cpuSeconds(pid);
  const calls = CLIENTS * (CALLS_PER_CLIENT - 1);
  return { pointsPerSecond: (calls * POINTS_PER_CALL) / seconds, ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuMsPerCall: ((cpu1 - cpu0) * 1000) / calls } : {}) };
}

const percentile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function searchLatency(base: string, experimentId: string, maxResults: number, count = SEARCHES): Promise<{ p50: number; p99: number; runs: number }> {
  const times: number[] = [];
  let runs = 0;
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ experiment_ids: [experimentId], filter: `metrics.m0 < 0.5 and params.p0 = 'v${i % 10}'`, order_by: ['metrics.m1 DESC'], max_results: maxResults });
    const t0 = performance.now();
    const res = (await post(`${base}/api/2.0/mlflow/runs/search`, body)) as { runs: unknown[] };
    times.push(performance.now() - t0);
    runs = res.runs.length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), runs };
}

async function historyLatency(base: string, runId: string, pid?: number): Promise<{ median: number; points: number; cpuMsPerCall?: number }> {
  const times: number[] = [];
  let points = 0;
  const cpu0 = cpuSeconds(pid);
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
    const json = (await res.json()) as { metrics: unknown[] };
    times.push(performance.now() - t0);
    points = json.metrics.length;
  }
  const cpu1 = cpuSeconds(pid);
  times.sort((a, b) => a - b);
  return { median: percentile(times, 0.5), points, ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuMsPerCall: ((cpu1 - cpu0) * 1000) / 7 } : {}) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(target: Target): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const bin = fileURLToPath(new URL('../bin/keel.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'server', '--port', String(port)], {
    env: { ...process.env, KEEL_HOME: target.home, KEEL_DATABASE_URL: target.databaseUrl, KEEL_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`keel server exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { base, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error('keel server did not start within 60 s');
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function benchOne(target: Target): Promise<void> {
  mkdirSync(target.home, { recursive: true });
  const config = loadConfig({ env: {}, overrides: { home: target.home, databaseUrl: target.databaseUrl, logLevel: 'silent' } });
  const platform = await openPlatform(config, silentLogger);
  let server: { base: string; child: ChildProcess } | undefined;
  try {
    console.log(`\n== ${target.name} (${target.databaseUrl})`);
    const seedStart = Date.now();
    const { experimentId, historyRun } = await seed(platform);
    console.log(`  store ready (${((Date.now() - seedStart) / 1000).toFixed(1)} s; cached for the next run)`);
    if (target.name === 'postgres') await analyzeIfNoAutovacuum(target.databaseUrl);
    server = await startServer(target);
    const base = server.base;
    // One untimed search first: on SQLite it refreshes the planner's statistics (once per 10 min).
    await searchLatency(base, experimentId, 100, 1);
    const ingestExp = await platform.tracking.getOrCreateExperiment('bench-ingest');
    const pid = server.child.pid;
    const { pointsPerSecond, cpuMsPerCall } = await ingest(base, ingestExp, pid);
    const s100 = await searchLatency(base, experimentId, 100);
    const s1000 = await searchLatency(base, experimentId, 1000);
    const h = await historyLatency(base, historyRun, pid);
    const rows: [string, string, string, string][] = [
      ['log-batch ingestion, 8 clients x 1000 points', `${fmt(pointsPerSecond)} points/s`, `${fmt(MLFLOW.localIngest)} points/s`, `${fmt(pointsPerSecond / MLFLOW.localIngest, 1)}x`],
      ['  per 1000-point call (8 in flight)', `${fmt((CLIENTS * 1e6) / pointsPerSecond, 1)} ms`, `${MLFLOW.publishedLogBatchMs} ms per 10-metric call (published, PG)`, ''],
      [`runs/search p50, max_results=100 (${s100.runs} runs)`, `${fmt(s100.p50, 1)} ms`, `${MLFLOW.localSearchP50} ms`, `${fmt(MLFLOW.localSearchP50 / s100.p50, 1)}x faster`],
      ['runs/search p99, max_results=100', `${fmt(s100.p99, 1)} ms`, `${MLFLOW.localSearchP99} ms`, `${fmt(MLFLOW.localSearchP99 / s100.p99, 1)}x faster`],
      [`runs/search p50 / p99, max_results=1000 (${s1000.runs} runs)`, `${fmt(s1000.p50, 1)} / ${fmt(s1000.p99, 1)} ms`, `${fmt(MLFLOW.publishedSearchMs)} ms (published, 23,525 runs)`, `${fmt(MLFLOW.publishedSearchMs / s1000.p50, 1)}x faster`],
      [`metrics/get-history, ${fmt(h.points)} points (median of 7)`, `${fmt(h.median, 1)} ms`, `${fmt(MLFLOW.localHistory)} ms`, `${fmt(MLFLOW.localHistory / h.median, 1)}x faster`],
    ];
    const w = [58, 22, 44];
    console.log(`  ${'measure'.padEnd(w[0]!)}${'Keel'.padEnd(w[1]!)}${'MLflow'.padEnd(w[2]!)}ratio`);
    for (const r of rows) console.log(`  ${r[0].padEnd(w[0]!)}${r[1].padEnd(w[1]!)}${r[2].padEnd(w[2]!)}${r[3]}`);
    if (cpuMsPerCall !== undefined && h.cpuMsPerCall !== undefined) {
      console.log(`  server CPU: ${fmt(cpuMsPerCall, 2)} ms per 1000-point log-batch call (${fmt(1e6 / cpuMsPerCall)} points per CPU-second); ${fmt(h.cpuMsPerCall, 0)} ms per get-history call`);
    }
    const ingestTarget = target.name === 'sqlite' ? (pointsPerSecond >= 200_000 ? 'met' : 'NOT met') : 'applies to SQLite only';
    console.log(`  targets: >= 200,000 points/s (SQLite) ${ingestTarget}; search p50 < 50 ms ${s100.p50 < 50 ? 'met' : 'NOT met'}; get-history < 300 ms ${h.median < 300 ? 'met' : 'NOT met'}`);
  } finally {
    server?.child.kill('SIGTERM');
    await platform.close();
  }
}

if (args.has('reset')) rmSync(ROOT, { recursive: true, force: true });
if (!existsSync(ROOT)) mkdirSync(ROOT, { recursive: true });
console.log('Keel tracking benchmark. MLflow figures: MLflow 3.5 measured on this kind of machine (shared/REFERENCES.md) and');
console.log("MLflow's published k6 figures. Two shared cores: numbers are noisy while other work runs.");
for (const t of await targets()) await benchOne(t);
