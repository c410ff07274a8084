/** What a DatasetService is built from, and the points where tests step into an add. */
import type { Kysely } from 'kysely';
import type { Logger } from '../core/index.js';
import type { ArtifactStore, Database } from '../storage/index.js';
import type { BlobClaimHooks } from '../storage/index.js';

export interface DatasetServiceHooks extends BlobClaimHooks {
  /** Called after the Parquet is in the artifact store and before the version row commits: tests throw here (a crash mid-add). */
  readonly afterArtifactStored?: (artifactSha256: string) => void | Promise<void>;
  /**
   * Called when the statistics start, while the Parquet is being copied into the artifact store.
   * Tests throw here to simulate a failure of the statistics.
   */
  readonly beforeStatistics?: () => void | Promise<void>;
  /** Called when the JS path for plain CSV files has parsed one (plain-csv-read.ts): tests throw here, and the file goes to DuckDB. */
  readonly afterPlainParse?: () => void;
  /** Called when the content hash is computed, while DuckDB may still read the files. Tests change a source file here. */
  readonly afterContentHash?: () => void | Promise<void>;
}

export interface DatasetServiceDeps {
  readonly db: Kysely<Database>;
  readonly artifacts: ArtifactStore;
  readonly logger: Logger;
  readonly tmpDir: string;
  readonly hooks?: DatasetServiceHooks;
  /** Plain CSV files of at least this many bytes are read in JS (plain-csv-read.ts, PLAIN_MIN_BYTES by default); Infinity: never. */
  readonly plainCsvMinBytes?: number;
}
