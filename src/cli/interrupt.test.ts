import { describe, expect, it } from 'vitest';
import { interruptible } from './interrupt.js';

describe('interruptible', () => {
  it('aborts the work on the first SIGINT or SIGTERM and leaves no listener behind', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const stopped = interruptible((signal) => new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(signal.aborted))));
      process.emit(sig);
      expect(await stopped).toBe(true);
      // After the first signal its listener is gone: a second Ctrl-C gets Node's default (exit at once).
      expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
    }
    await expect(interruptible(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});
