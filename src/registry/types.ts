/**
 * The registry's domain types. The shapes its endpoints answer with (versions, models, history,
 * pages, and the signature onnx/ reads) are core's (core/contracts/registry.ts), re-exported here
 * so that every layer above and the client share the one definition.
 */
import type { Kysely } from 'kysely';
import type { Logger, ModelLineage, ModelSignature, ModelStage } from '../core/index.js';
import type { ArtifactRef, ArtifactStore, Database } from '../storage/index.js';

export type { HistoryEntry, ModelLineage, ModelSignature, ModelStage, ModelVersion, Page, RegisteredModel, SearchOptions, TensorSpec } from '../core/index.js';

export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const satisfies readonly ModelStage[];

export type ModelVersionSource =
  | { readonly onnx: Uint8Array }
  | { readonly artifactSha256: string }
  | { readonly runId: string; readonly artifactPath: string };

export interface CreateModelVersionInput {
  readonly name: string;
  readonly source: ModelVersionSource;
  /** Read from the ONNX file when omitted. */
  readonly signature?: ModelSignature;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly lineage?: ModelLineage;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly actor?: string;
}

/** MLflow's create-model-version: a source URI, resolved to an ONNX artifact when it is one. */
export interface CreateModelVersionFromUriInput {
  readonly name: string;
  readonly source: string;
  readonly runId?: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly actor?: string;
}

/**
 * What the registry needs from tracking (same layer, so it cannot be imported): the artifact a
 * run logged at a path. The composition root passes the tracking service in.
 */
export interface RunArtifactResolver {
  getArtifact(runId: string, path: string): Promise<ArtifactRef>;
  /**
   * Optional: the run's latest metrics and its tags, copied onto a version registered from the run
   * (when the caller gives no metrics; `mlflow.source.git.commit` becomes the code version unless given).
   */
  getRun?(runId: string): Promise<{ readonly data: { readonly metrics: readonly { readonly key: string; readonly value: number }[]; readonly tags: readonly { readonly key: string; readonly value: string }[] } }>;
}

export interface RegistryServiceDeps {
  readonly db: Kysely<Database>;
  readonly artifacts: ArtifactStore;
  readonly logger: Logger;
  readonly tracking?: RunArtifactResolver;
  /** Dataset versions by ref (data's DatasetService): with it, a version's `lineage.datasetVersions` must exist. */
  readonly datasets?: DatasetLookup;
}

/** Looks a dataset version (`name@version`, a name for its latest, ...) up, throwing NOT_FOUND when there is none. */
export interface DatasetLookup {
  get(ref: string, field?: string): Promise<{ readonly name: string; readonly version: string }>;
}

/** Model-version tags that serving reads: the model takes NaN/null inputs; the feature order of a [N, F] input. */
export const ALLOW_MISSING_TAG = 'keel.allow_missing';
export const FEATURES_TAG = 'keel.features';
