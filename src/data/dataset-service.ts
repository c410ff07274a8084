import type { Kysely } from 'kysely';
import type { Logger } from '../core/index.js';
import type { ArtifactStore, Database } from '../storage/index.js';

export interface DatasetServiceDeps {
  readonly db: Kysely<Database>;
  readonly artifacts: ArtifactStore;
  readonly logger: Logger;
  readonly tmpDir: string;
}

// Filled by the datasets work.
export class DatasetService {
  constructor(readonly deps: DatasetServiceDeps) {}
}
