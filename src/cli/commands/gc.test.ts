import { cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeelInProcess, startTestServer, type TestServer } from '../test-server.js';

/** The cutoff time differs by the moments the two commands ran: the rest must not. */
const sameBut = (text: string) => text.replace(/"before": \d+/, '"before": T').replace(/before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, 'before T');

const SHM = '/dev/shm';

/** Whether /dev/shm is a filesystem other than the temp folder's, so that a rename between them fails. */
function crossDevice(): boolean {
  try {
    return statSync(SHM).dev !== statSync(tmpdir()).dev;
  } catch {
    return false;
  }
}

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
  const moved: string[] = [];
  afterAll(async () => {
    await server.close();
    for (const dir of moved) rmSync(dir, { recursive: true, force: true });
  });

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

  // A blob folder on another filesystem (tmpfs /dev/shm) than tmp/: setting its blob aside fails
  // with EXDEV, a failure the system makes as root too.
  it.skipIf(!crossDevice())('goes on past a blob it cannot remove, reports it both ways and exits 5', async () => {
    const stuck = (await server.platform.artifacts.put('on another filesystem')).sha256;
    let other = '';
    for (let i = 0; other === '' || other.slice(0, 2) === stuck.slice(0, 2); i++) other = (await server.platform.artifacts.put(`removable ${i}`)).sha256;
    const away = mkdtempSync(join(SHM, 'keel-gc-'));
    moved.push(away);
    cpSync(join(server.home, 'artifacts', stuck.slice(0, 2)), join(away, 'blobs'), { recursive: true });
    rmSync(join(server.home, 'artifacts', stuck.slice(0, 2)), { recursive: true });
    symlinkSync(join(away, 'blobs'), join(server.home, 'artifacts', stuck.slice(0, 2)));
    for (const sha of [stuck, other]) utimesSync(blobPath(sha), new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() - 2 * 86_400_000));

    const local = await runKeelInProcess(['--home', server.home, '--json', 'gc']);
    expect(local.exitCode).toBe(5);
    const r = JSON.parse(local.stdout) as { removed: { sha256: string }[]; failed: unknown[] };
    expect(r.removed.map((b) => b.sha256)).toContain(other);
    expect(r.failed).toEqual([{ sha256: stuck, code: 'EXDEV', error: expect.stringContaining('cross-device') }]);
    expect(JSON.parse(local.stderr)).toMatchObject({ error: { code: 'FAILED_PRECONDITION', message: `gc could not remove 1 blob(s), which stay for a later gc: ${stuck} (EXDEV)` } });
    expect([existsSync(blobPath(stuck)), existsSync(blobPath(other))]).toEqual([true, false]);

    const remote = await runKeelInProcess(['--server', server.url, 'gc']);
    expect(remote.exitCode).toBe(5);
    expect(remote.stdout).toContain('removed 0 unreferenced blob(s)');
    expect(remote.stderr).toMatch(new RegExp(`^warning: could not remove ${stuck} \\(EXDEV\\): EXDEV: cross-device .*\nerror: gc could not remove 1 blob\\(s\\), which stay for a later gc: ${stuck} \\(EXDEV\\)\n$`));
    expect(existsSync(blobPath(stuck))).toBe(true);
  });

  it('refuses a bad --older-than with the same error both ways', async () => {
    const local = await runKeelInProcess(['--home', server.home, 'gc', '--older-than', 'soon']);
    const remote = await runKeelInProcess(['--server', server.url, 'gc', '--older-than', 'soon']);
    expect(remote).toEqual(local);
    expect(local).toMatchObject({ exitCode: 2, stderr: `error: --older-than: expected a duration such as 30000, '30s', '15m', '1h' or '1d', got "soon"\n` });
  });
});
