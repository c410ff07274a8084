/**
 * The machine's HTTP limit for bench/serving.ts: a bare Fastify endpoint that parses the same
 * inference request JSON and answers a same-size response, without running a model.
 *   npx tsx bench/serving-bare-fastify.ts PORT PROCESSES
 */
import cluster from 'node:cluster';
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const procs = Number(process.argv[3] ?? '1');

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
  const app = Fastify();
  app.post('/v2/models/:name/infer', async (request, reply) => {
    const body = request.body as { inputs: { data: number[] }[] };
    let sum = 0;
    for (const v of body.inputs[0]!.data) sum += v;
    return reply.type('application/json').send(`{"model_name":"bench-mlp","model_version":"1","outputs":[{"name":"output","datatype":"FP32","shape":[1,1],"data":[${sum / 1000}]}]}`);
  });
  await app.listen({ port, host: '127.0.0.1' });
  if (process.send) process.send('ready');
  else console.log('ready');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
