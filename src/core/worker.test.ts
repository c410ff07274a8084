import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startWorker } from './worker.js';

describe('startWorker', () => {
  it('runs a TypeScript worker module and passes workerData through', async () => {
    const worker = startWorker(new URL('./testdata/echo-worker.ts', import.meta.url), { workerData: { n: 21 } });
    const [message] = (await once(worker, 'message')) as [{ doubled: number; typed: boolean }];
    expect(message).toEqual({ doubled: 42, typed: true });
    await worker.terminate();
  });
});
