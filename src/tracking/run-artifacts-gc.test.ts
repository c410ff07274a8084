import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { collectArtifactGarbage } from '../data/index.js';
import { LocalArtifactStore, testStores, type ArtifactStore, type MetadataStore } from '../storage/index.js';
import { TrackingService } from './index.js';

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/** `inner`, whose put opens `stored` once the blob is stored and returns only once `go` opens: a writer held between its put and its record. */
function heldAfterPut(inner: LocalArtifactStore, stored: ReturnType<typeof gate>, go: ReturnType<typeof gate>): ArtifactStore {
  const put: ArtifactStore['put'] = async (data, options) => {
    const ref = await inner.put(data, options);
    stored.open();
    await go.opened;
    return ref;
  };
  return new Proxy(inner, { get: (t, k) => (k === 'put' ? put : (Reflect.get(t, k) as unknown)) });
}

for (const backend of testStores()) {
  describe(`a run's artifact and keel gc --older-than 0, on ${backend.name}`, () => {
    let store: MetadataStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => store.close());

    it('keeps the blob a run is logging, found between its put and its record, and the claim goes once it is recorded', async () => {
      const root = mkdtempSync(join(tmpdir(), 'keel-run-gc-'));
      const artifacts = new LocalArtifactStore(root);
      const [stored, go] = [gate(), gate()];
      const tracking = new TrackingService({ db: store.db, artifacts: heldAfterPut(artifacts, stored, go), logger: silentLogger });
      const { info } = await tracking.createRun({ experimentId: '0', runName: 'logging' });
      const logging = tracking.logArtifact(info.run_id, 'model.bin', Buffer.from('weights of a run'));
      await stored.opened;
      // Stored a moment before the gc starts, so that an age of 0 takes it unless something holds it.
      await new Promise((r) => setTimeout(r, 5));
      const during = await collectArtifactGarbage({ db: store.db, artifacts }, { olderThanMs: 0 });
      expect({ removed: during.removed, kept: during.kept, failed: during.failed }).toEqual({ removed: [], kept: { referenced: 0, recent: 0, claimed: 1, bytes: 16 }, failed: [] });
      go.open();
      await logging;
      expect((await tracking.readArtifact(info.run_id, 'model.bin')).toString()).toBe('weights of a run');
      const after = await collectArtifactGarbage({ db: store.db, artifacts }, { olderThanMs: 0 });
      expect({ removed: after.removed, referenced: after.kept.referenced }).toEqual({ removed: [], referenced: 1 });
      expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    });
  });
}
