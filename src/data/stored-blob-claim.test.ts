import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { LocalArtifactStore, testStores, type MetadataStore } from '../storage/index.js';
import { DatasetService, type DatasetServiceHooks } from './dataset-service.js';
import { claimStoredBlob, releaseBlob, releaseDeadClaim, type BlobRelease } from './stored-blob-claim.js';

const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
// A pid that has surely ended: a child that ran and exited.
const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
const [A, B] = ['a'.repeat(64), 'b'.repeat(64)];

/** A fresh tmp folder with the named entries: an add's work folder (a claim when given), or a removal's note (a file). */
function tmpFolder(entries: Record<string, string | undefined>): string {
  const tmp = mkdtempSync(join(tmpdir(), 'keel-claim-'));
  for (const [name, claim] of Object.entries(entries)) {
    if (name.startsWith('release-')) writeFileSync(join(tmp, name), claim ?? '');
    else {
      mkdirSync(join(tmp, name));
      if (claim !== undefined) writeFileSync(join(tmp, name, 'stored-blob'), claim);
    }
  }
  return tmp;
}

/** A BlobRelease that records the blobs it removes; `recorded` are those a version holds. */
function recorder(recorded: readonly string[] = []): BlobRelease & { removed: string[] } {
  const removed: string[] = [];
  return { removed, referenced: async (sha) => recorded.includes(sha), remove: async (sha) => void removed.push(sha) };
}

describe("an add's claim on its stored blob and the removal of a blob no add claims", () => {
  const dead = `ingest-${host}-${deadPid}-dddddd`;
  const liveOther = `ingest-${host}-${process.pid}-oooooo`;
  const liveSame = `ingest-${host}-${process.pid}-ssssss`;

  it('removes the blob unless a live add claims it or a version records it', async () => {
    const tmp = tmpFolder({ [dead]: A, [liveOther]: B, [`ingest-${host}-${process.pid}-eeeeee`]: undefined });
    const how = recorder([B]);
    await releaseDeadClaim(join(tmp, dead), how);
    expect(how.removed).toEqual([A]);
    // A version records B: it stays.
    await releaseBlob(tmp, B, how, undefined);
    expect(how.removed).toEqual([A]);
    // A live add of the same content keeps the blob it is about to record; the add doing the removal does not count.
    mkdirSync(join(tmp, liveSame));
    writeFileSync(join(tmp, liveSame, 'stored-blob'), A);
    await releaseDeadClaim(join(tmp, dead), how);
    await releaseBlob(tmp, A, how, join(tmp, liveSame));
    expect(how.removed).toEqual([A, A]);
    // An add killed before it stored anything claims nothing; the removals leave no note behind.
    await releaseDeadClaim(join(tmp, `ingest-${host}-${process.pid}-eeeeee`), how);
    expect(how.removed).toEqual([A, A]);
    expect(readdirSync(tmp).filter((n) => n.startsWith('release-'))).toEqual([]);
  });

  it("makes an add's claim wait while a live removal of the same blob is noted, not one of another blob, of an ended process or long stale", async () => {
    const mine = `release-${host}-${process.pid}-0123456789abcdef`;
    const tmp = tmpFolder({
      [liveSame]: undefined,
      [`release-${host}-${process.pid}-1111111111111111`]: B,
      [`release-${host}-${deadPid}-2222222222222222`]: A,
      [`release-${host}-${process.pid}-3333333333333333`]: A,
      [mine]: A,
    });
    const old = new Date(Date.now() - 61_000);
    utimesSync(join(tmp, `release-${host}-${process.pid}-3333333333333333`), old, old);
    let waited = 0;
    const claimed = claimStoredBlob(join(tmp, liveSame), A, { claimWaits: () => waited++ });
    let done = false;
    void claimed.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 200));
    expect([done, waited]).toEqual([false, 1]);
    rmSync(join(tmp, mine));
    await claimed;
    expect(waited).toBe(1);
    // A removal sweeps the notes of removals that ended; it leaves none of its own.
    await releaseBlob(tmp, B, recorder(), undefined);
    expect(readdirSync(tmp).filter((n) => n.startsWith('release-')).sort()).toEqual([`release-${host}-${process.pid}-1111111111111111`, `release-${host}-${process.pid}-3333333333333333`]);
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
    const service = (hooks?: DatasetServiceHooks) =>
      new DatasetService({ db: store.db, artifacts: new LocalArtifactStore(join(dir, 'artifacts')), logger: silentLogger, tmpDir: join(dir, 'tmp'), ...(hooks ? { hooks } : {}) });
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
      const blob = (await service().add('gone', same)).artifactSha256;
      await store.db.deleteFrom('dataset_versions').where('dataset_name', '=', 'gone').execute();
      await store.db.deleteFrom('datasets').where('name', '=', 'gone').execute();
      mkdirSync(join(dir, 'tmp', `ingest-${host}-${deadPid}-kkkkkk`));
      writeFileSync(join(dir, 'tmp', `ingest-${host}-${deadPid}-kkkkkk`, 'stored-blob'), blob);
      // The sweeping add reads the live adds' claims (there are none yet), then is held.
      const [sweepHeld, sweepGoes, addHeld, addGoes] = [gate(), gate(), gate(), gate()];
      const sweeping = service({ releaseChecked: async () => (sweepHeld.open(), await sweepGoes.opened) }).add('other', other);
      await sweepHeld.opened;
      // The add of the same content stores its blob; it is held before its version commits, or
      // (as it should) waits for the sweep's removal to end first.
      const adding = service({ afterArtifactStored: async () => (addHeld.open(), await addGoes.opened), claimWaits: () => addHeld.open() }).add('same', same);
      await addHeld.opened;
      sweepGoes.open();
      await sweeping;
      addGoes.open();
      const added = await adding;
      expect(added.artifactSha256).toBe(blob);
      expect(existsSync(join(dir, 'artifacts', blob.slice(0, 2), blob.slice(2)))).toBe(true);
      expect((await service().rows('same')).rows).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
      // The dead add's folder and every note are gone.
      expect(readdirSync(join(dir, 'tmp')).filter((n) => n.includes(`-${deadPid}-`) || n.startsWith('release-'))).toEqual([]);
    });
  });
}
