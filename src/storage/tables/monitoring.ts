/** Row types of the prediction log, monitors, window results, alerts and retraining lineage. */
export interface MonitoringTables {
  predictions: {
    request_id: string;
    /** Event time, epoch ms. */
    ts: number;
    /** Arrival time at the logger, epoch ms: decides lateness. */
    received_at: number;
    model_name: string;
    model_version: number;
    deployment: string | null;
    variant: string | null;
    inputs_json: string;
    outputs_json: string;
    latency_ms: number;
    error: string | null;
  };
  prediction_labels: {
    request_id: string;
    /** JSON: a number, string or boolean (or an object for multi-output labels). */
    label_json: string;
    ts: number;
  };
  monitors: {
    name: string;
    deployment: string;
    /** JSON: MonitorConfig. */
    config_json: string;
    created_at: number;
    updated_at: number;
  };
  monitor_windows: {
    monitor_name: string;
    window_start: number;
    window_end: number;
    evaluated_at: number;
    count: number;
    late_count: number;
    labeled_count: number;
    /** JSON: flat metric name -> number, what alert rules read. */
    metrics_json: string;
    /** JSON: WindowResult details (drift report, quality, performance). */
    result_json: string;
  };
  monitor_references: {
    /** `name@version` of the dataset the statistics were computed from. */
    dataset_ref: string;
    stats_json: string;
    created_at: number;
  };
  alerts: {
    id: string;
    monitor_name: string;
    rule_name: string;
    metric: string;
    /** 'firing' | 'resolved' */
    state: string;
    value: number | null;
    threshold: number;
    window_start: number;
    window_end: number;
    fired_at: number;
    resolved_at: number | null;
    acknowledged_at: number | null;
    /** JSON: the `alert.firing` webhook's delivery outcome { status, attempts, httpStatus?, error? }. */
    delivery_json: string | null;
    /** JSON: the `alert.resolved` webhook's delivery outcome, the same shape (migration 007). */
    resolved_delivery_json: string | null;
  };
  retrain_runs: {
    id: string;
    alert_id: string;
    monitor_name: string;
    /** 'command' | 'train' */
    trigger: string;
    command: string | null;
    /** 'running' | 'succeeded' | 'failed' */
    status: string;
    exit_code: number | null;
    output: string | null;
    run_id: string | null;
    model_name: string | null;
    model_version: number | null;
    started_at: number;
    finished_at: number | null;
  };
}
