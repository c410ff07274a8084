import type { Database } from '../storage/index.js';
import type { Experiment, KeyValue, LifecycleStage, MetricPoint, RunInfo, RunStatus } from './types.js';

type RunRow = Database['runs'];
type ExperimentRow = Database['experiments'];
type MetricRow = Pick<Database['run_latest_metrics'], 'key' | 'value' | 'is_nan' | 'timestamp' | 'step'>;

export function toRunInfo(r: RunRow): RunInfo {
  return {
    run_id: r.run_id,
    run_uuid: r.run_id,
    experiment_id: String(r.experiment_id),
    run_name: r.run_name,
    user_id: r.user_id,
    status: r.status as RunStatus,
    start_time: Number(r.start_time),
    ...(r.end_time === null ? {} : { end_time: Number(r.end_time) }),
    artifact_uri: r.artifact_uri,
    lifecycle_stage: r.lifecycle_stage as LifecycleStage,
  };
}

export function toExperiment(r: ExperimentRow, tags: readonly KeyValue[]): Experiment {
  return {
    experiment_id: String(r.experiment_id),
    name: r.name,
    artifact_location: r.artifact_location,
    lifecycle_stage: r.lifecycle_stage as LifecycleStage,
    creation_time: Number(r.creation_time),
    last_update_time: Number(r.last_update_time),
    tags,
  };
}

export function toMetricPoint(r: MetricRow): MetricPoint {
  return { key: r.key, value: r.is_nan ? Number.NaN : Number(r.value), timestamp: Number(r.timestamp), step: Number(r.step) };
}
