import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { collectArtifactGarbage } from '../data/index.js';
import { LocalArtifactStore, testStores, type ArtifactStore, type MetadataStore } from '../storage/index.js';
import { RegistryService } from './registry-service.js';

const TINY = new Uint8Array(readFileSync(new URL('./testdata/tiny.onnx', import.meta.url)));

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

for (const backend of testStores()) {
  describe(`a model version's ONNX blob and keel gc --older-than 0, on ${backend.name}`, () => {
    let store: MetadataStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => store.close());

    it('keeps the blob of a version being registered, found between its put and its record', async () => {
      const root = mkdtempSync(join(tmpdir(), 'keel-version-gc-'));
      const artifacts = new LocalArtifactStore(root);
      const [stored, go] = [gate(), gate()];
      // The registration is held between the put of its ONNX bytes and the version's record.
      const put: ArtifactStore['put'] = async (data, options) => {
        const ref = await artifacts.put(data, options);
        stored.open();
        await go.opened;
        return ref;
      };
      const held = new Proxy(artifacts, { get: (t, k) => (k === 'put' ? put : (Reflect.get(t, k) as unknown)) });
      const registry = new RegistryService({ db: store.db, artifacts: held, logger: silentLogger });
      const registering = registry.createModelVersion({ name: 'held', source: { onnx: TINY } });
      await stored.opened;
      await new Promise((r) => setTimeout(r, 5));
      const during = await collectArtifactGarbage({ db: store.db, artifacts }, { olderThanMs: 0 });
      expect({ removed: during.removed, claimed: during.kept.claimed, failed: during.failed }).toEqual({ removed: [], claimed: 1, failed: [] });
      go.open();
      const version = await registering;
      expect(Buffer.from(await registry.onnxBytes(version)).equals(Buffer.from(TINY))).toBe(true);
      expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    });
  });
}
