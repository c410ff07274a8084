/**
 * Row types of experiment tracking (migration 002-tracking). Shaped after MLflow's SQL store:
 * metric history in `run_metrics`, the latest point per key in `run_latest_metrics` (what run
 * search filters and sorts on), NaN kept as `is_nan = 1` with a NULL value.
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
  run_metrics: {
    run_id: string;
    key: string;
    /** NULL when is_nan = 1 (SQLite stores NaN as NULL anyway). ±Infinity are stored as such. */
    value: number | null;
    is_nan: number;
    timestamp: number;
    step: number;
  };
  run_latest_metrics: {
    run_id: string;
    key: string;
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
