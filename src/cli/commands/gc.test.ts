import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeelInProcess, startTestServer, type TestServer } from '../test-server.js';

/** The cutoff time differs by the moments the two commands ran: the rest must not. */
const sameBut = (text: string) => text.replace(/"before": \d+/, '"before": T').replace(/before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, 'before T');

describe('keel gc on the local store and through --server', { timeout: 60_000 }, () => {
  let server: TestServer;
  let blob: string;
  const blobPath = (sha: string) => join(server.home, 'artifacts', sha.slice(0, 2), sha.slice(2));
  beforeAll(async () => {
    server = await startTestServer('keel-cli-gc-');
    // A blob no record names, stored two days ago (what an interrupted run log leaves).
    blob = (await server.platform.artifacts.put('left behind')).sha256;
    const t = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(blobPath(blob), t, t);
  });
  afterAll(async () => server.close());

  it('lists the same blobs and bytes in a dry run both ways, removes nothing, then removes them through the server', async () => {
    for (const json of [[], ['--json']]) {
      const local = await runKeelInProcess(['--home', server.home, ...json, 'gc', '--dry-run']);
      const remote = await runKeelInProcess(['--server', server.url, ...json, 'gc', '--dry-run']);
      expect(local.exitCode, local.stderr).toBe(0);
      expect({ ...remote, stdout: sameBut(remote.stdout) }).toEqual({ ...local, stdout: sameBut(local.stdout) });
    }
    const dry = await runKeelInProcess(['--home', server.home, 'gc', '--dry-run']);
    expect(dry.stdout).toContain(`${blob}  11 B`);
    expect(dry.stdout).toMatch(/would remove 1 unreferenced blob\(s\) last stored before .*, 11 B \(dry run: nothing removed\)\nkept 0 blob\(s\), 0 B/);
    expect(existsSync(blobPath(blob))).toBe(true);
    const removed = await runKeelInProcess(['--server', server.url, '--json', 'gc']);
    expect(JSON.parse(removed.stdout)).toMatchObject({ dryRun: false, removed: [{ sha256: blob, size: 11 }], removedBytes: 11 });
    expect(existsSync(blobPath(blob))).toBe(false);
  });

  it('refuses a bad --older-than with the same error both ways', async () => {
    const local = await runKeelInProcess(['--home', server.home, 'gc', '--older-than', 'soon']);
    const remote = await runKeelInProcess(['--server', server.url, 'gc', '--older-than', 'soon']);
    expect(remote).toEqual(local);
    expect(local).toMatchObject({ exitCode: 2, stderr: `error: --older-than: expected a duration such as 30000, '30s', '15m', '1h' or '1d', got "soon"\n` });
  });
});
