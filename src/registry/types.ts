/**
 * The registry's domain types. `TensorSpec` and `ModelSignature` are onnx/'s (layer 2), re-exported
 * here so that every layer above shares the one definition.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../core/index.js';
import type { ModelSignature } from '../onnx/index.js';
import type { ArtifactRef, ArtifactStore, Database } from '../storage/index.js';

export type { ModelSignature, TensorSpec } from '../onnx/index.js';

export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelStage = (typeof STAGES)[number];

export interface ModelLineage {
  readonly runId?: string;
  readonly datasetVersions?: readonly string[];
  readonly codeVersion?: string;
}

export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  /** The ONNX model in the artifact store; null only for MLflow sources that are not ONNX. */
  readonly artifactSha256: string | null;
  readonly signature: ModelSignature;
  readonly metrics: Readonly<Record<string, number>>;
  readonly lineage: ModelLineage;
  readonly description: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: readonly string[];
  readonly stage: ModelStage;
  readonly status: 'READY';
  readonly runId: string | null;
  readonly source: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface RegisteredModel {
  readonly name: string;
  readonly description: string | null;
  readonly tags: Readonly<Record<string, string>>;
  /** alias -> version */
  readonly aliases: Readonly<Record<string, number>>;
  /** The newest version in each stage that has one. */
  readonly latestVersions: readonly ModelVersion[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface HistoryEntry {
  readonly kind: 'alias' | 'stage';
  readonly model: string;
  readonly alias?: string;
  /** The version that moved: the alias's new target (its old one on delete), or the staged version. */
  readonly version: number | null;
  /** Alias moves: version numbers; stage moves: stage names. */
  readonly from: string | number | null;
  readonly to: string | number | null;
  readonly actor: string;
  readonly at: number;
}

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

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

export interface SearchOptions {
  /** MLflow's filter language, e.g. `name LIKE 'fraud%'` or `name = 'x' AND run_id = 'abc'`. */
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
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

/** Looks a dataset version (`name@version`, or a name for its latest) up, throwing NOT_FOUND when there is none. */
export interface DatasetLookup {
  get(ref: string, field?: string): Promise<unknown>;
}

/** Model-version tags that serving reads: the model takes NaN/null inputs; the feature order of a [N, F] input. */
export const ALLOW_MISSING_TAG = 'keel.allow_missing';
export const FEATURES_TAG = 'keel.features';
