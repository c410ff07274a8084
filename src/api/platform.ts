import { join } from 'node:path';
import { LocalAuthorizer, type Authorizer } from '../auth/index.js';
import { createLogger, type KeelConfig, type Logger } from '../core/index.js';
import { DatasetService } from '../data/index.js';
import { MonitoringService, validationAnalyzers, type TrainFunction } from '../monitoring/index.js';
import { train, trainingDeps, type TrainOptions, type TrainRequest, type TrainResult } from '../training/index.js';
import { RegistryService } from '../registry/index.js';
import { TrackingService } from '../tracking/index.js';
import { ValidationService } from '../validation/index.js';
import { LocalArtifactStore, makeFolderSync, openMetadataStore, type ArtifactStore, type MetadataStore } from '../storage/index.js';

/**
 * The composition root: opens the stores once and builds each subsystem's service on them.
 * The API server and the CLI's local mode both run on one Platform.
 */
export interface Platform {
  readonly config: KeelConfig;
  readonly logger: Logger;
  readonly store: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly authorizer: Authorizer;
  readonly datasets: DatasetService;
  readonly tracking: TrackingService;
  readonly registry: RegistryService;
  readonly monitoring: MonitoringService;
  readonly validation: ValidationService;
  /** training's `train()` on this platform's services (the quickstart and retraining rules use it). */
  train(request: TrainRequest, options?: TrainOptions): Promise<TrainResult>;
  close(): Promise<void>;
}

export async function openPlatform(config: KeelConfig, logger: Logger = createLogger({ level: config.logLevel })): Promise<Platform> {
  // The home first: its folder is where --home (or KEEL_HOME) points, the one setting a user gave.
  makeFolderSync(config.home, 'home', "the local store's folder", '; choose another with --home or KEEL_HOME');
  const store = await openMetadataStore(config.databaseUrl, { logger });
  const artifacts = new LocalArtifactStore(config.artifactsDir);
  const deps = { db: store.db, artifacts, logger, tmpDir: join(config.home, 'tmp') };
  const datasets = new DatasetService(deps);
  const validation = new ValidationService({ db: store.db, artifacts, datasets, logger });
  const tracking = new TrackingService({ db: store.db, artifacts, logger });
  // Pass `tracking` (anything with getArtifact(runId, path)) so versions can come from run artifacts,
  // and `datasets` so a version's lineage names only dataset versions that exist.
  const registry = new RegistryService({ db: store.db, artifacts, logger, tracking, datasets });
  // Monitors compare live inputs with validation's reference statistics of the model's training data.
  // A rule's in-process retraining runs training's train() on the request it names (`dataset: 'fraud'` is the newest version).
  const runTraining = (request: TrainRequest, options?: TrainOptions) => train(request, trainingDeps({ datasets, tracking, registry, logger }, config.home), options);
  const retrain: TrainFunction = async (request) => {
    const r = await runTraining(request as unknown as TrainRequest);
    return { runId: r.runId, ...(r.modelVersion ? { modelName: r.modelVersion.name, modelVersion: r.modelVersion.version } : {}) };
  };
  const monitoring = new MonitoringService({ db: store.db, logger, analyzers: validationAnalyzers({ db: store.db, datasets, registry, validation }), datasets, train: retrain });
  return {
    config,
    logger,
    store,
    artifacts,
    authorizer: new LocalAuthorizer(),
    datasets,
    tracking,
    registry,
    monitoring,
    validation,
    train: runTraining,
    async close() {
      // What serving's prediction loggers still hold is written before the database closes.
      await monitoring.close();
      await store.close();
    },
  };
}
