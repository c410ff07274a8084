/**
 * The JSON shapes of the model registry's endpoints (/api/v1/models), shared by registry/ (and
 * onnx/, whose signature reading makes TensorSpec), and client/ (client/ depends on core alone).
 */

export interface TensorSpec {
  readonly name: string;
  /** 'float32', 'float64', 'int64', 'int32', 'string', 'bool', ...; non-tensors as 'seq(map(int64,float32))'. */
  readonly type: string;
  /** -1 for a dynamic (symbolic or unknown) dimension. */
  readonly shape: readonly number[];
}

export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** A version's stage, MLflow's (registry/ lists them in order as STAGES). */
export type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';

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
