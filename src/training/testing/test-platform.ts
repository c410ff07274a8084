/** Real tracking and registry services on a fresh SQLite store, for trainer tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../core/index.js';
import { RegistryService } from '../../registry/index.js';
import { LocalArtifactStore, testStores, type MetadataStore } from '../../storage/index.js';
import { TrackingService } from '../../tracking/index.js';
import type { TrainingDeps } from '../types.js';
import { linearKind } from './linear-kind.js';
import { MemoryDatasets } from './memory-datasets.js';

export interface TestPlatform {
  readonly deps: TrainingDeps;
  readonly datasets: MemoryDatasets;
  readonly tracking: TrackingService;
  readonly registry: RegistryService;
  readonly dir: string;
  close(): Promise<void>;
}

export async function openTestPlatform(): Promise<TestPlatform> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-train-'));
  const store: MetadataStore = await testStores()[0]!.open();
  const artifacts = new LocalArtifactStore(join(dir, 'artifacts'));
  const tracking = new TrackingService({ db: store.db, artifacts, logger: silentLogger });
  const registry = new RegistryService({ db: store.db, artifacts, logger: silentLogger, tracking });
  const datasets = new MemoryDatasets();
  return {
    datasets, tracking, registry, dir,
    deps: { datasets, tracking, registry, modelKinds: { 'linear-test': linearKind }, checkpointDir: join(dir, 'checkpoints'), cwd: dir },
    close: () => store.close(),
  };
}
