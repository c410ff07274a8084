import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileModelSource } from './file-model-source.js';
import { InferenceServer } from './inference-server.js';
import { InferencePool } from './worker-pool.js';
import { TORCH_MLP_PATH } from './testing.js';

// A script file, not \`node -e\`: a worker started from an -e script inherits its flags and dies at once, which hid the bug.
const CHILD = fileURLToPath(new URL('./testdata/build-only-server.ts', import.meta.url));

/** Milliseconds from the child's "built" to its exit, or null if it was still running after `limitMs`. */
function exitAfterBuilt(limitMs: number): Promise<{ ms: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let builtAt: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (builtAt === undefined && stdout.includes('built')) {
        builtAt = Date.now();
        timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: code === 0 && builtAt !== undefined ? Date.now() - builtAt : null, stdout, stderr });
    });
  });
}

describe('an InferenceServer that is built and never started', () => {
  it('lets its process exit on its own (construction starts no worker thread)', async () => {
    const r = await exitAfterBuilt(5000);
    expect(r.stdout, r.stderr).toBe('built\n');
    expect(r.ms, 'still running 5 s after construction').not.toBeNull();
  }, 60_000);
});

describe('an InferenceServer whose port is taken', () => {
  it('fails naming the port, having started no worker thread (it listens before it loads its models)', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const server = new InferenceServer({ source: new FileModelSource(), models: [{ ref: TORCH_MLP_PATH }], workers: 2 });
      await expect(server.start({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'EADDRINUSE', message: expect.stringContaining(`127.0.0.1:${port}`) as string });
      expect(server.workersStarted).toBe(false);
    } finally {
      holder.close();
    }
  });
});

describe('InferencePool', () => {
  it('starts its threads with the first load, and a closed pool starts none again', async () => {
    const pool = new InferencePool(2, { intraOpThreads: 1, interOpThreads: 1 });
    expect(pool.started).toBe(false);
    await pool.close();
    expect(pool.started).toBe(false);
    await expect(pool.load('k', { path: TORCH_MLP_PATH })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(pool.started).toBe(false);
  });

  it('loads and closes once started (close waits for the threads to be ready)', async () => {
    const pool = new InferencePool(1, { intraOpThreads: 1, interOpThreads: 1 });
    const signature = await pool.load('k', { path: TORCH_MLP_PATH });
    expect(pool.started).toBe(true);
    expect(signature.inputs.length).toBeGreaterThan(0);
    await pool.close();
  });
});
