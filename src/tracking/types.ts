/**
 * Domain types of experiment tracking. They follow MLflow's REST shapes (snake_case fields) so the
 * MLflow routes return them as they are; the shapes the SDK shares are core's
 * (core/contracts/tracking.ts).
 */
import type { FileInfo, KeyValue, LifecycleStage, MetricPoint, Run, RunData, RunInfo, RunStatus, ViewType } from '../core/index.js';

export type { FileInfo, KeyValue, LifecycleStage, MetricPoint, Run, RunData, RunInfo, RunStatus, ViewType };

export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

export interface Experiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location: string;
  readonly lifecycle_stage: LifecycleStage;
  readonly creation_time: number;
  readonly last_update_time: number;
  readonly tags: readonly KeyValue[];
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

