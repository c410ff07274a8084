/**
 * Domain types of experiment tracking. They follow MLflow's REST shapes (snake_case fields) so the
 * MLflow routes return them as they are; numbers are plain numbers here, and the HTTP layer writes
 * NaN and ±Infinity as MLflow does ("NaN", "Infinity", "-Infinity").
 */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

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

export interface Experiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location: string;
  readonly lifecycle_stage: LifecycleStage;
  readonly creation_time: number;
  readonly last_update_time: number;
  readonly tags: readonly KeyValue[];
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

export interface CreateRunInput {
  readonly experimentId: string;
  readonly runName?: string;
  readonly startTime?: number;
  readonly tags?: readonly KeyValue[];
  readonly userId?: string;
}

export interface UpdateRunInput {
  readonly status?: RunStatus;
  readonly endTime?: number;
  readonly runName?: string;
}

export interface LogBatchInput {
  readonly metrics?: readonly MetricPoint[];
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
}

export interface SearchRunsInput {
  readonly experimentIds: readonly string[];
  /** MLflow's filter language, e.g. `metrics.rmse < 0.8 and params.model = 'mlp'`. */
  readonly filter?: string;
  readonly runViewType?: ViewType;
  /** e.g. `metrics.rmse DESC`, `attributes.start_time`. */
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

export interface SearchRunsResult {
  readonly runs: readonly Run[];
  readonly next_page_token?: string;
}

export interface SearchExperimentsInput {
  readonly filter?: string;
  readonly viewType?: ViewType;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

export interface SearchExperimentsResult {
  readonly experiments: readonly Experiment[];
  readonly next_page_token?: string;
}

export interface MetricHistoryPage {
  readonly metrics: readonly MetricPoint[];
  readonly next_page_token?: string;
}

export interface MetricPointWithRun extends MetricPoint {
  readonly run_id: string;
}

export interface FileInfo {
  /** Relative to the run's artifact root. */
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
}
