/**
 * A real crash of `keel gc` between its two renames: a child process sets a blob aside (renames
 * it into tmp/ to look at its time) and is killed with SIGKILL there. The blob must not be lost:
 * the next store open (or a read of it) puts it back at its path, and the next gc decides about
 * it by the usual rules, keeping a blob put again meanwhile and removing an old unreferenced one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalArtifactStore, openMetadataStore, type MetadataStore } from '../storage/index.js';
import { collectArtifactGarbage } from './artifact-gc.js';

const CHILD = fileURLToPath(new URL('./testdata/gc-killed.ts', import.meta.url));
const DAY = 86_400_000;

/** Runs gc-killed.ts; `onLine` answers each line it prints. Resolves with the signal that ended it. */
function runGc(args: readonly string[], onLine: (line: string, child: ReturnType<typeof spawn>) => void): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let out = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      onLine(out.slice(0, nl), child);
      out = out.slice(nl + 1);
    }
  });
  return new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ signal, stderr })));
}

describe('keel gc killed while a blob is set aside', { timeout: 120_000 }, () => {
  let dir: string;
  let store: MetadataStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-gc-crash-'));
    store = await openMetadataStore(`sqlite:${join(dir, 'keel.db')}`);
  });
  afterAll(async () => store.close());

  /** A fresh store with one unreferenced blob last stored two days ago. */
  async function storeWithOldBlob(name: string, text: string) {
    const root = join(dir, name);
    const { sha256 } = await new LocalArtifactStore(root).put(text);
    const path = join(root, sha256.slice(0, 2), sha256.slice(2));
    const t = new Date(Date.now() - 2 * DAY);
    utimesSync(path, t, t);
    return { root, sha: sha256, path };
  }

  it('puts an old blob back when the store next opens, and the next gc removes it by the usual rules', async () => {
    const { root, sha, path } = await storeWithOldBlob('old', 'an old blob nothing records');
    const ended = await runGc([join(dir, 'keel.db'), root, String(DAY)], (line, child) => {
      if (line === `aside ${sha}`) child.kill('SIGKILL');
    });
    expect(ended.signal, ended.stderr).toBe('SIGKILL');
    // Killed between the renames: the blob is away from its path, in tmp/ under a name that says which it is.
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(join(root, 'tmp')).filter((n) => n.endsWith(sha))).toHaveLength(1);
    // The sweep that opening the store starts puts it back, without a read asking for it.
    const reopened = new LocalArtifactStore(root);
    await vi.waitFor(() => expect(existsSync(path)).toBe(true));
    expect((await reopened.get(sha)).toString()).toBe('an old blob nothing records');
    // The killed gc's own note stays until the next removal sweeps it; no blob is left aside.
    expect(readdirSync(join(root, 'tmp')).filter((n) => !n.startsWith('release-'))).toEqual([]);
    const r = await collectArtifactGarbage({ db: store.db, artifacts: reopened }, { olderThanMs: DAY });
    expect({ removed: r.removed.map((b) => b.sha256), failed: r.failed }).toEqual({ removed: [sha], failed: [] });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });

  it('keeps a blob a writer put again after the walk looked at it: put back, then kept as young', async () => {
    const { root, sha, path } = await storeWithOldBlob('young', 'put again by a writer');
    // A long-lived process (a server) whose store opened before the gc started.
    const opened = new LocalArtifactStore(root);
    const ended = await runGc([join(dir, 'keel.db'), root, String(DAY), 'hold'], (line, child) => {
      // Held after it read the claims: a writer puts the same bytes again (marking the blob stored now), then the gc goes on.
      if (line === `checked ${sha}`) void new LocalArtifactStore(root).put('put again by a writer').then(() => child.stdin!.write('go\n'));
      if (line === `aside ${sha}`) child.kill('SIGKILL');
    });
    expect(ended.signal, ended.stderr).toBe('SIGKILL');
    expect(existsSync(path)).toBe(false);
    // Its read of the missing blob puts it back (the gc that set it aside has ended), young as the writer left it.
    expect(await opened.has(sha)).toBe(true);
    const r = await collectArtifactGarbage({ db: store.db, artifacts: opened }, { olderThanMs: DAY });
    expect({ removed: r.removed, kept: r.kept.recent, failed: r.failed }).toEqual({ removed: [], kept: 1, failed: [] });
    expect((await opened.get(sha)).toString()).toBe('put again by a writer');
  });
});
