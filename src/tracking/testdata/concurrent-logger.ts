/**
 * A child process of concurrent-logging.test.ts: opens the tracking service on a shared SQLite
 * file and logs `batches` batches of `points` metric points to the given run, as fast as it can,
 * with a param and a tag in every other batch.
 * Usage: concurrent-logger.ts <sqlite-path> <artifacts-dir> <run-id> <worker> <batches> <points>
 */
import { silentLogger } from '../../core/index.js';
import { LocalArtifactStore, openMetadataStore } from '../../storage/index.js';
import { TrackingService } from '../index.js';

const [path, artifactsDir, runId, worker, batches, points] = process.argv.slice(2) as [string, string, string, string, string, string];
const store = await openMetadataStore(`sqlite:${path}`, { skipMigrations: true });
const tracking = new TrackingService({ db: store.db, artifacts: new LocalArtifactStore(artifactsDir), logger: silentLogger });
for (let b = 0; b < Number(batches); b++) {
  const metrics = Array.from({ length: Number(points) }, (_, i) => ({ key: `w${worker}`, value: b * 1000 + i, timestamp: Date.now(), step: b * Number(points) + i }));
  // Odd batches carry metrics alone (SQLite's statement fast path), even ones params and tags too.
  if (b % 2 === 1) await tracking.logBatch(runId, { metrics });
  else await tracking.logBatch(runId, { metrics, params: [{ key: `w${worker}.b${b}`, value: String(b) }], tags: [{ key: 'last', value: `${worker}:${b}` }] });
}
await store.close();
