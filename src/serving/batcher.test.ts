import { describe, expect, it } from 'vitest';
import { type KeelError } from '../core/index.js';
import { DEFAULT_BATCHING, DynamicBatcher, type BatchingOptions } from './batcher.js';
import type { Tensor } from './tensor.js';

/** A fake model: y = 2x, recording the rows of every run. */
function fakeModel() {
  const runs: number[] = [];
  const run = async (inputs: readonly Tensor[]): Promise<Tensor[]> => {
    const x = inputs[0]!;
    runs.push(x.shape[0]!);
    await new Promise((r) => setTimeout(r, 2));
    return [{ name: 'y', datatype: 'FP32', shape: x.shape, data: (x.data as Float32Array).map((v) => v * 2) }];
  };
  return { runs, run };
}

const row = (...v: number[]): Tensor[] => [{ name: 'x', datatype: 'FP32', shape: [1, v.length], data: new Float32Array(v) }];
const options = (o: Partial<BatchingOptions>): BatchingOptions => ({ ...DEFAULT_BATCHING, ...o });

describe('DynamicBatcher', () => {
  it('merges waiting requests up to maxBatchSize and slices the outputs back per request', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m.run, options({ maxBatchSize: 4 }));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit(row(i, -i), 1)));
    expect(m.runs).toEqual([4, 4, 2]);
    results.forEach((r, i) => expect([...(r.outputs[0]!.data as Float32Array)]).toEqual([2 * i, -2 * i]));
  });

  it('forms the largest preferred batch size the waiting rows can fill', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m.run, options({ maxBatchSize: 8, preferredBatchSizes: [3] }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit(row(i), 1)));
    expect(m.runs).toEqual([3, 3, 3, 1]);
  });

  it('keeps a multi-row request whole', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m.run, options({ maxBatchSize: 4 }));
    const big: Tensor[] = [{ name: 'x', datatype: 'FP32', shape: [3, 1], data: new Float32Array([1, 2, 3]) }];
    const [a, c] = await Promise.all([b.submit(row(9), 1), b.submit(big, 3), b.submit(row(7), 1)]);
    expect(m.runs).toEqual([4, 1]);
    expect([...(a!.outputs[0]!.data as Float32Array)]).toEqual([18]);
    expect([...(c!.outputs[0]!.data as Float32Array)]).toEqual([2, 4, 6]);
  });

  it('waits up to maxQueueDelayMicros for more requests to join', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m.run, options({ maxBatchSize: 8, maxQueueDelayMicros: 50_000 }));
    const first = b.submit(row(1), 1);
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([first, b.submit(row(2), 1)]);
    expect(m.runs).toEqual([2]);
  });

  it('runs each request alone when batching is off', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m.run, options({ enabled: false }));
    await Promise.all(Array.from({ length: 3 }, (_, i) => b.submit(row(i), 1)));
    expect(m.runs).toEqual([1, 1, 1]);
  });

  it('refuses requests beyond the queue bound with UNAVAILABLE, and serves the rest', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m.run, options({ maxQueueSize: 2 }));
    const settled = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => b.submit(row(i), 1)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(((settled[2] as PromiseRejectedResult).reason as KeelError).code).toBe('UNAVAILABLE');
    await b.idle();
    expect(b.pending).toBe(0);
  });
});
