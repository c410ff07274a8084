/**
 * Keel's own per-request cost on the serving path, without sockets: waves of 64 concurrent
 * `app.inject` requests (so the batcher forms batches of about that size) against the benchmark
 * MLP, reporting main-thread CPU per request. The HTTP parsing and socket writes that a real
 * request adds are the same for every version of the serving code, so this isolates what a change
 * to it saves, and it is steadier than wrk figures on a shared machine. Compare two checkouts by
 * running it from each (`--root DIR`), alternating.
 *   npx tsx bench/serving-inject.ts [--seconds 6] [--root DIR]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Serving from '../src/serving/index.js';
import { BENCH_BODY as BODY, BENCH_MODEL as model, meanBatchSize } from './serving-common.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const root = opt('--root', fileURLToPath(new URL('..', import.meta.url)));
const seconds = Number(opt('--seconds', '6'));

const { FileModelSource, InferenceServer } = (await import(pathToFileURL(`${root}/src/serving/index.ts`).href)) as typeof Serving;

/** CPU seconds of this process's main thread (its thread id is the pid). */
function mainThreadCpu(): number {
  const text = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const server = new InferenceServer({ source: new FileModelSource(), models: [{ ref: model }], workers: 1, batching: { enabled: true, maxBatchSize: 256 }, cache: false, pollIntervalMs: 0 });
await server.loadModels();
const wave = () => Promise.all(Array.from({ length: 64 }, () => server.app.inject({ method: 'POST', url: '/v2/models/bench-mlp/infer', headers: { 'content-type': 'application/json' }, payload: BODY })));
const first = await wave();
if (first[0]!.statusCode !== 200) throw new Error(first[0]!.body);
for (let i = 0; i < 200; i++) await wave();

const cpu0 = mainThreadCpu();
const usage0 = process.cpuUsage();
const t0 = performance.now();
let n = 0;
while (performance.now() - t0 < seconds * 1000) {
  await wave();
  n += 64;
}
const main = mainThreadCpu() - cpu0;
const u = process.cpuUsage(usage0);
const batch = meanBatchSize((await server.app.inject('/metrics')).body);
console.log(`${root}: ${n} requests, avg batch ${batch.toFixed(1)}, main thread ${((main / n) * 1e6).toFixed(1)} µs/req, process ${(((u.user + u.system) / n)).toFixed(1)} µs/req`);
await server.close();
