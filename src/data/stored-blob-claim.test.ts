import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { claimStoredBlob, LocalArtifactStore, releaseBlob, releaseDeadClaims, testStores, type BlobRelease, type MetadataStore } from '../storage/index.js';
import { DatasetService, type DatasetServiceHooks } from './dataset-service.js';

const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
// A pid that has surely ended: a child that ran and exited.
const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
const [A, B] = ['a'.repeat(64), 'b'.repeat(64)];

/** A fresh notes folder with the named notes (claims, removals' notes), each holding its sha. */
function notesFolder(notes: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'keel-claim-'));
  for (const [name, sha] of Object.entries(notes)) writeFileSync(join(dir, name), sha);
  return dir;
}

/** A BlobRelease that records the blobs it removes; `recorded` are those a version holds. */
function recorder(recorded: readonly string[] = []): BlobRelease & { removed: string[] } {
  const removed: string[] = [];
  return { removed, referenced: async (sha) => recorded.includes(sha), remove: async (sha) => void removed.push(sha) };
}

const notesOf = (dir: string): string[] => readdirSync(dir).sort();

describe("an add's claim on its stored blob and the removal of a blob no add claims", () => {
  const dead = `claim-${host}-${deadPid}-1111111111111111`;
  const deadEmpty = `claim-${host}-${deadPid}-2222222222222222`;
  const liveOther = `claim-${host}-${process.pid}-3333333333333333`;
  const liveSame = `claim-${host}-${process.pid}-4444444444444444`;

  it("removes a dead add's blob unless a live add claims it or a version records it", async () => {
    const notes = notesFolder({ [dead]: A, [deadEmpty]: '', [liveOther]: B });
    const how = recorder([B]);
    // An add killed while it wrote its claim claims nothing; both dead claims go.
    expect(await releaseDeadClaims(notes, how)).toBe(2);
    expect(how.removed).toEqual([A]);
    expect(notesOf(notes)).toEqual([liveOther]);
    // A version records B: it stays.
    await releaseBlob(notes, B, how);
    expect(how.removed).toEqual([A]);
    // A live add of the same content keeps the blob it is about to record; the claim of the add doing the removal does not count.
    writeFileSync(join(notes, liveSame), A);
    await releaseBlob(notes, A, how);
    expect(how.removed).toEqual([A]);
    await releaseBlob(notes, A, how, join(notes, liveSame));
    expect(how.removed).toEqual([A, A]);
    // A removal that cannot ask the metadata store leaves the claim for a later sweep, and no note of its own.
    writeFileSync(join(notes, dead), 'c'.repeat(64));
    expect(await releaseDeadClaims(notes, { referenced: () => Promise.reject(new Error('the store is down')), remove: async () => undefined })).toBe(0);
    expect(notesOf(notes)).toEqual([dead, liveOther, liveSame].sort());
  });

  it("makes an add's claim wait while a live removal of the same blob is noted, not one of another blob, of an ended process or long stale", async () => {
    const mine = `release-${host}-${process.pid}-0123456789abcdef`;
    const [other, ended, stale] = [`release-${host}-${process.pid}-1111111111111111`, `release-${host}-${deadPid}-2222222222222222`, `release-${host}-${process.pid}-3333333333333333`];
    const notes = notesFolder({ [other]: B, [ended]: A, [stale]: A, [mine]: A });
    const old = new Date(Date.now() - 61_000);
    utimesSync(join(notes, stale), old, old);
    let waited = 0;
    const claimed = claimStoredBlob(notes, A, { claimWaits: () => waited++ });
    let done = false;
    void claimed.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 200));
    expect([done, waited]).toEqual([false, 1]);
    rmSync(join(notes, mine));
    const claim = await claimed;
    expect(waited).toBe(1);
    expect(basename(claim)).toMatch(new RegExp(`^claim-[A-Za-z0-9._]+-${process.pid}-[0-9a-f]{16}$`));
    expect(readFileSync(claim, 'utf8')).toBe(A);
    // A removal sweeps the notes of removals that ended; it leaves none of its own.
    await releaseBlob(notes, B, recorder());
    expect(notesOf(notes)).toEqual([basename(claim), other, stale].sort());
  });
});

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

for (const backend of testStores()) {
  describe(`the sweep of a dead add's blob and a new add of the same content, on ${backend.name}`, () => {
    let store: MetadataStore;
    let dir: string;
    // Each add has a home of its own (its tmp folder) and one artifact store, as scaled-out servers have.
    const service = (home: string, hooks?: DatasetServiceHooks) =>
      new DatasetService({ db: store.db, artifacts: new LocalArtifactStore(join(dir, 'artifacts')), logger: silentLogger, tmpDir: join(dir, home, 'tmp'), ...(hooks ? { hooks } : {}) });
    beforeAll(async () => {
      store = await backend.open();
      dir = mkdtempSync(join(tmpdir(), 'keel-claim-race-'));
    });
    afterAll(async () => store.close());

    it('never removes the blob that add is about to record, whichever runs first', async () => {
      const [same, other] = [join(dir, 'same.csv'), join(dir, 'other.csv')];
      writeFileSync(same, 'x,y\n1,a\n2,b\n3,c\n');
      writeFileSync(other, 'x\n7\n8\n');
      // The state a kill -9 of an add during its statistics leaves: a blob no version records, claimed by a dead add's folder.
      const blob = (await service('c').add('gone', same)).artifactSha256;
      await store.db.deleteFrom('dataset_versions').where('dataset_name', '=', 'gone').execute();
      await store.db.deleteFrom('datasets').where('name', '=', 'gone').execute();
      writeFileSync(join(dir, 'artifacts', 'tmp', `claim-${host}-${deadPid}-0123456789abcdef`), blob);
      // The sweeping add reads the live adds' claims (there are none yet), then is held.
      const [sweepHeld, sweepGoes, addHeld, addGoes] = [gate(), gate(), gate(), gate()];
      const sweeping = service('a', { releaseChecked: async () => (sweepHeld.open(), await sweepGoes.opened) }).add('other', other);
      await sweepHeld.opened;
      // The add of the same content stores its blob; it is held before its version commits, or
      // (as it should) waits for the sweep's removal to end first.
      const adding = service('b', { afterArtifactStored: async () => (addHeld.open(), await addGoes.opened), claimWaits: () => addHeld.open() }).add('same', same);
      await addHeld.opened;
      sweepGoes.open();
      await sweeping;
      addGoes.open();
      const added = await adding;
      expect(added.artifactSha256).toBe(blob);
      expect(existsSync(join(dir, 'artifacts', blob.slice(0, 2), blob.slice(2)))).toBe(true);
      expect((await service('c').rows('same')).rows).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
      // The dead add's claim and every other note are gone.
      expect(readdirSync(join(dir, 'artifacts', 'tmp'))).toEqual([]);
    });

    it("keeps a dead add's blob that a run's artifact names, as it keeps one a version records", async () => {
      const file = join(dir, 'logged.csv');
      writeFileSync(file, 'k\n1\n');
      const blob = (await service('c').add('logged', file)).artifactSha256;
      await store.db.deleteFrom('dataset_versions').where('dataset_name', '=', 'logged').execute();
      // The same Parquet bytes, logged by a run.
      const t = Date.now();
      await store.db.insertInto('runs').values({ run_id: 'r1', experiment_id: 0, run_name: 'r', user_id: 'u', status: 'FINISHED', start_time: t, end_time: t, lifecycle_stage: 'active', artifact_uri: 'a', deleted_time: null }).execute();
      await store.db.insertInto('run_artifacts').values({ run_id: 'r1', path: 'logged.parquet', sha256: blob, size: 1, created_at: t }).execute();
      writeFileSync(join(dir, 'artifacts', 'tmp', `claim-${host}-${deadPid}-fedcba9876543210`), blob);
      writeFileSync(join(dir, 'next.csv'), 'n\n2\n');
      await service('a').add('next', join(dir, 'next.csv'));
      expect(readdirSync(join(dir, 'artifacts', 'tmp'))).toEqual([]);
      expect(existsSync(join(dir, 'artifacts', blob.slice(0, 2), blob.slice(2)))).toBe(true);
    });
  });
}
