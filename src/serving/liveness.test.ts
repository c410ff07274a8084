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

describe('the inference path leaves the event loop free', () => {
  it('answers /v2/health/live and /metrics while a long inference runs, and refuses past the queue bound', async () => {
    let done = 0;
    const track = <T>(p: Promise<T>) => p.then((r) => { done++; return r; });
    // Enough work to keep the worker busy for a good while (4 x 256x256 MatMuls per row): with
    // 10,000 rows the run sometimes ended before 20 probes did on a loaded 2-core machine.
    const busy = [track(heavyRequest(30000))];
    const probes: number[] = [];
    while ((await runsStarted()) === 0 && done === 0) probes.push((await fetch(`${url}/v2/health/live`)).status);
    // The first run is in the worker now; the second request waits in the queue (bound 1).
    busy.push(track(heavyRequest(1)));
    for (let i = 0; i < 20; i++) probes.push((await fetch(`${url}/v2/health/live`)).status);
    const refused = await heavyRequest(1);
    // Every probe and the refusal were answered while the first inference was still running.
    expect(done).toBe(0);
    expect(probes.every((s) => s === 200)).toBe(true);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('1');
    expect(JSON.parse(refused.body.toString()).error).toContain('queue is full');
    const results = await Promise.all(busy);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect((await heavyRequest(1)).status).toBe(200);
  });
});
