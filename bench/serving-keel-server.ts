/**
 * The Keel side of bench/serving.ts: serves the benchmark MLP on a port, in 1 or more HTTP
 * processes (node:cluster, sharing the port), each with its own inference worker.
 *   npx tsx bench/serving-keel-server.ts MODEL.onnx PORT on|off PROCESSES
 */
import cluster from 'node:cluster';
import { FileModelSource, InferenceServer } from '../src/serving/index.js';

const [model, portText, batching, procsText] = process.argv.slice(2);
const procs = Number(procsText ?? '1');

if (cluster.isPrimary && procs > 1) {
  for (let i = 0; i < procs; i++) cluster.fork();
  let ready = 0;
  cluster.on('message', (_w, msg) => {
    if (msg === 'ready' && ++ready === procs) console.log('ready');
  });
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 500);
  });
} else {
  const server = new InferenceServer({
    source: new FileModelSource(),
    models: [{ ref: model! }],
    workers: 1,
    batching: { enabled: batching === 'on', maxBatchSize: 256 },
    cache: false,
    pollIntervalMs: 0,
  });
  await server.start({ port: Number(portText) });
  if (process.send) process.send('ready');
  else console.log('ready');
  process.on('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
  // bench/serving.ts reads the achieved batch sizes from here before stopping the server.
  process.on('SIGUSR2', () => undefined);
}
