import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileModelSource } from './file-model-source.js';
import { InferenceServer } from './inference-server.js';
import { TestModels } from './test-models.js';

const models = new TestModels();
let server: InferenceServer;
let url: string;
const WIDTH = 256;
beforeAll(async () => {
  server = new InferenceServer({ source: new FileModelSource(), models: [{ ref: models.heavy(WIDTH, 4) }], batching: { enabled: false, maxQueueSize: 1 }, pollIntervalMs: 0 });
  url = await server.start();
});
afterAll(async () => {
  await server?.close();
  models.remove();
});

/** Over real HTTP (app.inject chains promises without yielding to the event loop's later phases). */
async function heavyRequest(rows: number): Promise<{ status: number; retryAfter: string | null; body: Buffer }> {
  const data = new Float32Array(rows * WIDTH).fill(0.5);
  const head = Buffer.from(JSON.stringify({
    inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, WIDTH], parameters: { binary_data_size: data.byteLength } }],
    outputs: [{ name: 'y', parameters: { binary_data: true } }],
  }));
  const res = await fetch(`${url}/v2/models/heavy-256-4/infer`, {
    method: 'POST', headers: { 'inference-header-content-length': String(head.length) }, body: Buffer.concat([head, Buffer.from(data.buffer)]),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: Buffer.from(await res.arrayBuffer()) };
}

const runsStarted = async (): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/keel_serving_execution_count_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
};

/**
 * One try: a long inference (`rows` rows), a second request queued behind it, then probes and a
 * request past the queue bound, all while the first runs. `ranThrough` when the first inference
 * ended before the probes did (a machine loaded by other work): the try proves nothing, and the
 * caller tries again with more rows.
 */
async function tryWhileBusy(rows: number): Promise<{ ranThrough: boolean; probes: number[]; refused: Awaited<ReturnType<typeof heavyRequest>>; results: Awaited<ReturnType<typeof heavyRequest>>[] }> {
  let done = 0;
  const track = <T>(p: Promise<T>) => p.then((r) => { done++; return r; });
  const before = await runsStarted();
  const busy = [track(heavyRequest(rows))];
  const probes: number[] = [];
  while ((await runsStarted()) === before && done === 0) probes.push((await fetch(`${url}/v2/health/live`)).status);
  // The first run is in the worker now; the second request waits in the queue (bound 1).
  busy.push(track(heavyRequest(1)));
  for (let i = 0; i < 20; i++) probes.push((await fetch(`${url}/v2/health/live`)).status);
  const refused = await heavyRequest(1);
  const ranThrough = done > 0;
  return { ranThrough, probes, refused, results: await Promise.all(busy) };
}

describe('the inference path leaves the event loop free', () => {
  it('answers /v2/health/live and /metrics while a long inference runs, and refuses past the queue bound', async () => {
    // Enough work to keep the worker busy for a good while (4 x 256x256 MatMuls per row); on a
    // loaded 2-core machine even 30,000 rows sometimes ended before the probes did: twice the rows then.
    let attempt = await tryWhileBusy(30000);
    for (let rows = 60000; attempt.ranThrough && rows <= 240000; rows *= 2) attempt = await tryWhileBusy(rows);
    const { ranThrough, probes, refused, results } = attempt;
    // Every probe and the refusal were answered while the first inference was still running.
    expect(ranThrough).toBe(false);
    expect(probes.every((s) => s === 200)).toBe(true);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('1');
    expect(JSON.parse(refused.body.toString()).error).toContain('queue is full');
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect((await heavyRequest(1)).status).toBe(200);
  }, 120_000);
});
