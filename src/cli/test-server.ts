import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createApiServer, openPlatform, type Platform } from '../api/index.js';
import { loadConfig, silentLogger } from '../core/index.js';

/** The package bin, as a user's `npx keel` runs it. */
export const KEEL_BIN = fileURLToPath(new URL('../../bin/keel.js', import.meta.url));

const execFileAsync = promisify(execFile);

/** Runs `keel ARGS...` in a child process (in `cwd`, default this one's); rejects (with stdout/stderr/code) on a non-zero exit. */
export function runKeel(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, [KEEL_BIN, ...args], { env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}) });
}

/**
 * Runs `keel ARGS...` in this process (a child process loads the whole CLI, slow on a busy
 * machine): what it wrote to stdout and stderr, and the exit code it set.
 */
export async function runKeelInProcess(args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const { buildProgram } = await import('./main.js');
  const out = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (into: 'stdout' | 'stderr') => ((chunk: string | Uint8Array) => {
    out[into] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  try {
    await (await buildProgram()).parseAsync(['node', 'keel', ...args]);
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { ...out, exitCode };
}

export interface TestServer {
  /** The local store the server runs on; CLI calls with `--home home` share it. */
  readonly home: string;
  readonly platform: Platform;
  readonly url: string;
  close(): Promise<void>;
}

/** A platform in a fresh temp home with its API server on a free loopback port, for CLI end-to-end tests. */
export async function startTestServer(prefix: string): Promise<TestServer> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const platform = await openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);
  const app = await createApiServer(platform, { accessLog: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    home, platform, url,
    async close() {
      await app.close();
      await platform.close();
    },
  };
}
