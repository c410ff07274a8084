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

/** Runs `keel ARGS...` in a child process; rejects (with stdout/stderr/code) on a non-zero exit. */
export function runKeel(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, [KEEL_BIN, ...args], { env: { ...process.env, ...env } });
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
