/**
 * GBDT training: Keel vs XGBoost hist, side by side on the same data and thread count.
 *
 *   npx tsx bench/gbdt.ts [--rows 1000000] [--rounds 100] [--depth 6] [--eta 0.1] [--bins 255] [--threads 2]
 *
 * Data: a generated Higgs-like set (bench/gbdt-data.ts, cached under /tmp/keel-bench), 80/20
 * train/test. Each learner runs in its own process, so wall time covers binning plus boosting
 * and peak memory (VmHWM / ru_maxrss) is its own. Also measures ONNX inference rows/s of Keel's
 * exported model through onnxruntime-node. Figures are noisy while other work shares the cores.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { NumericColumn } from '../src/core/index.js';
import { gbdtKind } from '../src/models/index.js';
import { dataPath, FEATURES, higgsTable, loadOrMakeHiggs } from './gbdt-data.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '100' },
    depth: { type: 'string', default: '6' },
    eta: { type: 'string', default: '0.1' },
    bins: { type: 'string', default: '255' },
    threads: { type: 'string', default: '2' },
    child: { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
const cfg = { rounds: Number(args.rounds), depth: Number(args.depth), eta: Number(args.eta), bins: Number(args.bins), threads: Number(args.threads) };

interface Result {
  train_seconds: number;
  /** User + system CPU of all threads while training: fairer than wall time on busy cores. */
  train_cpu_seconds: number;
  peak_rss_mb: number;
  auc: number;
  onnx_rows_per_second?: number;
}

function auc(y: Float64Array, p: Float64Array): number {
  const idx = Uint32Array.from(p.keys()).sort((a, b) => p[a]! - p[b]!);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && p[idx[j + 1]!] === p[idx[i]!]) j++;
    for (let k = i; k <= j; k++) if (y[idx[k]!] === 1) {
      rankSum += (i + j) / 2 + 1;
      pos++;
    }
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * (y.length - pos));
}

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function runKeel(): Promise<Result> {
  const data = loadOrMakeHiggs(rows);
  const nTrain = Math.floor((rows * 4) / 5);
  const train = higgsTable(data, 0, nTrain);
  const test = higgsTable(data, nTrain, rows);
  const params = gbdtKind.parseParams({ n_estimators: cfg.rounds, max_depth: cfg.depth, learning_rate: cfg.eta, max_bin: cfg.bins, nthread: cfg.threads });
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const model = await gbdtKind.fit({ train: train.table, trainTarget: train.y, task: 'binary' }, params, { seed: 0 });
  const trainSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const result: Result = { train_seconds: trainSeconds, train_cpu_seconds: (cpu.user + cpu.system) / 1e6, peak_rss_mb: peakRssMb(), auc: auc(test.y, model.predict(test.table)) };

  const onnx = model.toOnnx();
  writeFileSync('/tmp/keel-bench/gbdt-model.onnx', onnx);
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: cfg.threads });
  const batch = 10_000;
  const feeds: Record<string, ort.Tensor> = {};
  for (const c of test.table.columns as NumericColumn[]) feeds[c.name] = new ort.Tensor('float32', Float32Array.from(c.values.subarray(0, batch)), [batch, 1]);
  await session.run(feeds);
  const t0 = performance.now();
  let scored = 0;
  while (performance.now() - t0 < 3000) {
    await session.run(feeds);
    scored += batch;
  }
  result.onnx_rows_per_second = scored / ((performance.now() - t0) / 1000);
  await session.release();
  return result;
}

function ensureXgboost(): void {
  const ok = spawnSync('/usr/bin/python3', ['-c', 'import xgboost, sklearn'], { stdio: 'ignore' }).status === 0;
  if (ok) return;
  console.log('installing python3-xgboost and python3-sklearn with apt-get ...');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'python3-xgboost', 'python3-sklearn'], { stdio: 'inherit' });
}

function lastJson(out: string): Result {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no result in output:\n${out}`);
  return JSON.parse(line) as Result;
}

async function main(): Promise<void> {
  if (args.child) {
    console.log(JSON.stringify(await runKeel()));
    return;
  }
  ensureXgboost();
  console.log(`data: ${rows.toLocaleString()} × ${FEATURES} Higgs-like (80/20), ${cfg.rounds} rounds, depth ${cfg.depth}, eta ${cfg.eta}, ${cfg.bins} bins, ${cfg.threads} threads`);
  loadOrMakeHiggs(rows);
  const self = fileURLToPath(import.meta.url);
  const flags = ['--rows', String(rows), '--rounds', String(cfg.rounds), '--depth', String(cfg.depth), '--eta', String(cfg.eta), '--bins', String(cfg.bins), '--threads', String(cfg.threads)];
  const keel = lastJson(execFileSync(process.execPath, [...process.execArgv, self, ...flags, '--child'], { encoding: 'utf8', maxBuffer: 1 << 24 }));
  const xgb = lastJson(execFileSync('/usr/bin/python3', [fileURLToPath(new URL('./gbdt-xgboost.py', import.meta.url)), dataPath(rows), String(rows), String(cfg.rounds), String(cfg.depth), String(cfg.eta), String(cfg.bins), String(cfg.threads)], { encoding: 'utf8' }));
  const fmt = (r: Result): string => `${r.train_seconds.toFixed(2)} s wall  ${r.train_cpu_seconds.toFixed(2)} s CPU  peak ${r.peak_rss_mb.toFixed(0)} MB  AUC ${r.auc.toFixed(4)}`;
  console.log(`keel gbdt   ${fmt(keel)}`);
  console.log(`xgboost     ${fmt(xgb)}`);
  console.log(`time ratio keel/xgboost: ${(keel.train_seconds / xgb.train_seconds).toFixed(2)}× wall, ${(keel.train_cpu_seconds / xgb.train_cpu_seconds).toFixed(2)}× CPU (target <= 3×)`);
  console.log(`AUC difference keel − xgboost: ${(keel.auc - xgb.auc).toFixed(4)} (target within 0.005)`);
  console.log(`ONNX inference (onnxruntime-node, ${cfg.threads} threads, batches of 10k): ${Math.round(keel.onnx_rows_per_second ?? 0).toLocaleString()} rows/s`);
}

await main();
