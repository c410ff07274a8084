/**
 * The JSON shapes of experiment tracking (MLflow's REST shapes, snake_case fields), shared by
 * tracking/, which makes them, and client/ (client/ depends on core alone). Numbers are plain
 * numbers here; the HTTP layer writes NaN and ±Infinity as MLflow does ("NaN", "Infinity").
 */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly step: number;
}

export interface RunInfo {
  readonly run_id: string;
  /** Deprecated alias of run_id that older MLflow clients still read. */
  readonly run_uuid: string;
  readonly experiment_id: string;
  readonly run_name: string;
  readonly user_id: string;
  readonly status: RunStatus;
  readonly start_time: number;
  readonly end_time?: number;
  readonly artifact_uri: string;
  readonly lifecycle_stage: LifecycleStage;
}

export interface RunData {
  /** The latest point of each metric key. */
  readonly metrics: readonly MetricPoint[];
  readonly params: readonly KeyValue[];
  readonly tags: readonly KeyValue[];
}

/** MLflow's Run: `{ info, data }`. */
export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
}

/** One entry of a run's artifact listing, as MLflow's `artifacts/list` returns it. */
export interface FileInfo {
  /** Relative to the run's artifact root. */
  readonly path: string;
  readonly is_dir: boolean;
  /** Bytes; absent for a directory. */
  readonly file_size?: number;
}
