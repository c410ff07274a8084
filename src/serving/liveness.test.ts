import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceServer } from './inference-server.js';
import { TestModels } from './test-models.js';
import { fileServer } from './testing.js';

const models = new TestModels();
let server: InferenceServer;
const WIDTH = 256;
beforeAll(async () => {
  server = await fileServer([models.heavy(WIDTH, 4)], { batching: { enabled: false } });
});
afterAll(async () => {
  await server?.close();
  models.remove();
});

function heavyRequest(rows: number) {
  const data = new Float32Array(rows * WIDTH).fill(0.5);
  const head = Buffer.from(JSON.stringify({
    inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, WIDTH], parameters: { binary_data_size: data.byteLength } }],
    outputs: [{ name: 'y', parameters: { binary_data: true } }],
  }));
  return server.app.inject({
    method: 'POST', url: '/v2/models/heavy-256-4/infer',
    headers: { 'inference-header-content-length': String(head.length) }, payload: Buffer.concat([head, Buffer.from(data.buffer)]),
  });
}

describe('the inference path leaves the event loop free', () => {
  it('answers /v2/health/live and /metrics while inference runs are in flight', async () => {
    let done = 0;
    // Enough work to keep the worker busy for a good while (4 x 256x256 MatMuls per row).
    const busy = [heavyRequest(2000), heavyRequest(2000)].map((p) => p.then((r) => { done++; return r; }));
    const probes = [];
    for (let i = 0; i < 20; i++) {
      const live = await server.app.inject('/v2/health/live');
      probes.push(live.statusCode);
      if (i === 10) probes.push((await server.app.inject('/metrics')).statusCode);
    }
    // Every probe was answered before either inference finished: the worker thread runs the model.
    expect(done).toBe(0);
    expect(probes.every((s) => s === 200)).toBe(true);
    const results = await Promise.all(busy);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
  });
});
