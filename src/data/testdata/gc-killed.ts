/**
 * A child process of artifact-gc-crash.test.ts: runs `keel gc`'s walk (collectArtifactGarbage) on
 * a SQLite file and an artifact store with the given age, and stops where it has set a blob aside
 * (between its two renames), printing `aside SHA`, to be killed there. With `hold`, it first stops
 * where the removal has read the claims, printing `checked SHA`, until a line comes on stdin.
 * Usage: gc-killed.ts <sqlite-path> <artifacts-dir> <older-than-ms> [hold]
 */
import { createInterface } from 'node:readline';
import { LocalArtifactStore, openMetadataStore } from '../../storage/index.js';
import { collectArtifactGarbage } from '../artifact-gc.js';

const [path, artifactsDir, olderThan, hold] = process.argv.slice(2) as [string, string, string, string | undefined];
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const store = await openMetadataStore(`sqlite:${path}`, { skipMigrations: true });
await collectArtifactGarbage({ db: store.db, artifacts: new LocalArtifactStore(artifactsDir) }, {
  olderThanMs: Number(olderThan),
  hooks: {
    releaseChecked: async (sha) => {
      if (hold !== 'hold') return;
      process.stdout.write(`checked ${sha}\n`);
      await lines.next();
    },
    blobSetAside: async (sha) => {
      process.stdout.write(`aside ${sha}\n`);
      // Held here (a timer keeps the process alive) until the test kills it.
      await new Promise(() => setInterval(() => undefined, 1000));
    },
  },
});
process.stdout.write('ended without a blob set aside\n');
await store.close();
