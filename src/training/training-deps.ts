import { join } from 'node:path';
import type { Logger } from '../core/index.js';
import { MODEL_KINDS, type ModelKind } from '../models/index.js';
import type { DatasetsPort, RegistryPort, TrackingPort, TrainingDeps } from './types.js';

/** The trainer's deps on the platform's services: every model kind, checkpoints under `<home>/checkpoints`. */
export function trainingDeps(
  services: { readonly datasets: DatasetsPort; readonly tracking: TrackingPort; readonly registry?: RegistryPort; readonly logger?: Logger },
  home: string,
  cwd: string = process.cwd(),
): TrainingDeps {
  return {
    datasets: services.datasets,
    tracking: services.tracking,
    ...(services.registry ? { registry: services.registry } : {}),
    ...(services.logger ? { logger: services.logger } : {}),
    modelKinds: MODEL_KINDS as Readonly<Record<string, ModelKind<unknown>>>,
    checkpointDir: join(home, 'checkpoints'),
    cwd,
  };
}
