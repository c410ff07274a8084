/**
 * Row types of experiment tracking (migrations 002-tracking, 006-metric-history-key). Shaped after
 * MLflow's SQL store: metric history in `run_metrics` (keyed like MLflow's `metrics`), the latest
 * point per key in `run_latest_metrics` (what run search filters and sorts on); NaN is kept as
 * `is_nan = 1`, with value 0 in the history and NULL in the latest values.
 */
export interface TrackingTables {
  experiments: {
    /** MLflow's experiment ids are integers sent as strings; "0" is the Default experiment. */
    experiment_id: number;
    name: string;
    artifact_location: string;
    lifecycle_stage: string;
    creation_time: number;
    last_update_time: number;
  };
  experiment_tags: {
    experiment_id: number;
    key: string;
    value: string;
  };
  runs: {
    run_id: string;
    experiment_id: number;
    run_name: string;
    user_id: string;
    status: string;
    start_time: number;
    end_time: number | null;
    lifecycle_stage: string;
    artifact_uri: string;
    deleted_time: number | null;
  };
  run_params: {
    run_id: string;
    key: string;
    value: string;
  };
  run_tags: {
    run_id: string;
    key: string;
    value: string;
  };
  /** Primary key (run_id, key, step, timestamp, value, is_nan): an exact duplicate is stored once. */
  run_metrics: {
    run_id: string;
    key: string;
    /** 0 when is_nan = 1 (SQLite cannot store NaN). ±Infinity are stored as such. */
    value: number;
    is_nan: number;
    timestamp: number;
    step: number;
  };
  run_latest_metrics: {
    run_id: string;
    key: string;
    /** NULL when is_nan = 1, so that no comparison matches NaN. */
    value: number | null;
    is_nan: number;
    timestamp: number;
    step: number;
  };
  run_artifacts: {
    run_id: string;
    /** Relative to the run's artifact root, '/'-separated. */
    path: string;
    sha256: string;
    size: number;
    created_at: number;
  };
}
