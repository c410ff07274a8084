import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalArtifactStore, testStores, type MetadataStore } from '../storage/index.js';
import { collectArtifactGarbage } from './artifact-gc.js';
import { claimStoredBlob } from '../storage/index.js';

const DAY = 86_400_000;
const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
// A pid that has surely ended: a child that ran and exited.
const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;

/** Marks a blob (or temp file) as last written `ms` ago. */
function age(path: string, ms: number): void {
  const t = new Date(Date.now() - ms);
  utimesSync(path, t, t);
}

for (const backend of testStores()) {
  describe(`keel gc of the artifact store, on ${backend.name}`, () => {
    let store: MetadataStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => store.close());

    /** A fresh artifact store whose blobs `names` are each named by one kind of record. */
    async function fixture() {
      const root = mkdtempSync(join(tmpdir(), 'keel-gc-'));
      const artifacts = new LocalArtifactStore(root);
      const put = async (text: string, ms = 2 * DAY) => {
        const { sha256 } = await artifacts.put(text);
        age(join(root, sha256.slice(0, 2), sha256.slice(2)), ms);
        return sha256;
      };
      const has = (sha: string) => existsSync(join(root, sha.slice(0, 2), sha.slice(2)));
      return { root, artifacts, put, has };
    }

    /** Records that name `shas` (a dataset version, a run's artifact, a deleted model version, a validation reference), under names of their own. */
    async function record(tag: string, [data, run, model, reference]: readonly string[]): Promise<void> {
      const t = Date.now();
      await store.db.insertInto('datasets').values({ name: tag, description: null, created_at: t, updated_at: t }).execute();
      await store.db.insertInto('dataset_versions').values({ dataset_name: tag, version: 'v', content_sha256: '0'.repeat(64), artifact_sha256: data!, source: 's', num_rows: 1, profile_json: '[]', created_at: t }).execute();
      await store.db.insertInto('runs').values({ run_id: tag, experiment_id: 0, run_name: tag, user_id: 'u', status: 'FINISHED', start_time: t, end_time: t, lifecycle_stage: 'active', artifact_uri: 'a', deleted_time: null }).execute();
      await store.db.insertInto('run_artifacts').values({ run_id: tag, path: 'a.bin', sha256: run!, size: 1, created_at: t }).execute();
      await store.db
        .insertInto('model_versions')
        .values({ model_name: tag, version: 1, source: `artifact:${model}`, run_id: null, artifact_sha256: model!, artifact_size: 1, signature_json: '{}', metrics_json: '{}', lineage_json: '{}', description: null, stage: 'None', status: 'READY', created_by: 'u', created_at: t, updated_at: t, deleted: 1 })
        .execute();
      await store.db.insertInto('validation_references').values({ dataset_name: tag, dataset_version: 'v', artifact_sha256: reference!, columns: 1, created_at: t }).execute();
    }

    it('removes only old blobs no record names and no running add claims; a dry run lists them and removes nothing', async () => {
      const { artifacts, put, has } = await fixture();
      const referenced = await Promise.all(['dataset', 'run', 'model', 'reference'].map((k) => put(`referenced by a ${k}`)));
      await record('kept', referenced);
      const old = await put('left by a killed add');
      const fresh = await put('stored an hour ago', 3_600_000);
      const claimed = await put('claimed by a running add');
      await claimStoredBlob(artifacts.notesDir, claimed);
      const deps = { db: store.db, artifacts };

      const dry = await collectArtifactGarbage(deps, { olderThanMs: DAY, dryRun: true });
      expect(dry.removed.map((b) => b.sha256)).toEqual([old]);
      expect(dry.removedBytes).toBe('left by a killed add'.length);
      expect(dry.kept).toMatchObject({ referenced: 4, recent: 1, claimed: 1 });
      for (const sha of [...referenced, old, fresh, claimed]) expect(has(sha), sha).toBe(true);

      const real = await collectArtifactGarbage(deps, { olderThanMs: DAY });
      expect({ removed: real.removed.map((b) => b.sha256), bytes: real.removedBytes, kept: real.kept }).toEqual({
        removed: [old], bytes: 'left by a killed add'.length, kept: { ...dry.kept, bytes: dry.kept.bytes },
      });
      expect([...referenced, old, fresh, claimed].map(has)).toEqual([true, true, true, true, false, true, true]);
      // A shorter age takes the fresh blob too, never a referenced or a claimed one.
      const short = await collectArtifactGarbage(deps, { olderThanMs: 60_000 });
      expect(short.removed.map((b) => b.sha256)).toEqual([fresh]);
      expect([...referenced, claimed].every(has)).toBe(true);
    });

    it('keeps a blob recorded, or put again, after the walk looked at it', async () => {
      const { artifacts, put, has } = await fixture();
      const [recorded, putAgain] = [await put('recorded meanwhile'), await put('put again meanwhile')];
      // Held where releaseBlob has read the claims: a record commits, or a writer that claims
      // nothing (a run's artifact) puts the same bytes again before it records them.
      const hooks = {
        releaseChecked: async (sha: string) => {
          if (sha === recorded) await record('late', [recorded, recorded, recorded, recorded]);
          if (sha === putAgain) await artifacts.put('put again meanwhile');
        },
      };
      const r = await collectArtifactGarbage({ db: store.db, artifacts }, { olderThanMs: DAY, hooks });
      expect(r.removed).toEqual([]);
      expect(r.kept).toMatchObject({ referenced: 1, recent: 1 });
      expect([has(recorded), has(putAgain)]).toEqual([true, true]);
    });

    it("removes the temp files and claims of ended processes, another host's once older than the age, and no live one's", async () => {
      const { root, artifacts, put, has } = await fixture();
      const tmp = join(root, 'tmp');
      const youngOfDead = await put('a young blob of a killed add', 60_000);
      const files = {
        dead: `blob-${host}-${deadPid}-0123456789abcdef`,
        live: `blob-${host}-${process.pid}-fedcba9876543210`,
        otherOld: `blob-other.host-1-0123456789abcdef`,
        otherNew: `blob-other.host-2-0123456789abcdef`,
        deadClaim: `claim-${host}-${deadPid}-1111111111111111`,
      };
      for (const n of Object.values(files)) writeFileSync(join(tmp, n), n === files.deadClaim ? youngOfDead : 'partial');
      age(join(tmp, files.otherOld), 2 * 3_600_000);
      const dry = await collectArtifactGarbage({ db: store.db, artifacts }, { olderThanMs: 3_600_000, dryRun: true });
      expect([dry.tempFilesRemoved, readdirSync(tmp).length]).toEqual([0, 5]);
      const r = await collectArtifactGarbage({ db: store.db, artifacts }, { olderThanMs: 3_600_000 });
      expect(r.tempFilesRemoved).toBe(3);
      expect(readdirSync(tmp).sort()).toEqual([files.live, files.otherNew].sort());
      // The dead add's blob is younger than the age: it stays for a later gc.
      expect(has(youngOfDead)).toBe(true);
    });

    it('goes on past a blob it cannot remove, reports it, and leaves it where it was', async () => {
      const { root, artifacts, put, has } = await fixture();
      const shas = [await put('first'), await put('second'), await put('third')];
      // The first blob the walk reaches turns into a folder once the removal has read the claims:
      // the rename that sets it aside works, the removal of a folder fails (EISDIR), as root too.
      let broken: string | undefined;
      const hooks = {
        releaseChecked: async (sha: string) => {
          if (broken) return;
          broken = sha;
          const path = join(root, sha.slice(0, 2), sha.slice(2));
          rmSync(path);
          mkdirSync(join(path, 'inside'), { recursive: true });
          age(path, 2 * DAY);
        },
      };
      const r = await collectArtifactGarbage({ db: store.db, artifacts }, { olderThanMs: DAY, hooks });
      expect(r.failed).toEqual([{ sha256: broken, code: 'ERR_FS_EISDIR', error: expect.stringContaining('is a directory') }]);
      expect(r.removed.map((b) => b.sha256).sort()).toEqual(shas.filter((s) => s !== broken).sort());
      expect(shas.map(has)).toEqual(shas.map((s) => s === broken));
      expect(statSync(join(root, broken!.slice(0, 2), broken!.slice(2), 'inside')).isDirectory()).toBe(true);
      expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    });

    it('refuses a negative age, naming it', async () => {
      const { artifacts } = await fixture();
      await expect(collectArtifactGarbage({ db: store.db, artifacts }, { olderThanMs: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'olderThan' });
    });
  });
}
