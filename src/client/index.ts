export { KeelClient } from './keel-client.js';
export { HttpTransport } from './http.js';
export type { ClientOptions } from './http.js';
export { MonitoringClient } from './monitoring.js';
export { ValidationClient } from './validation.js';
export type { ValidationApi, SavedSchemaJson, SchemaJson, DriftOptionsJson } from './validation.js';
export type { AlertInfo, FeedbackLabel, MonitorDefinition, MonitorRunInfo, MonitorStatusInfo, MonitorWindow, RetrainRunInfo } from './monitoring.js';
export { TrackingClient } from './tracking.js';
export type { TrackingClientOptions, StartRunOptions, SearchRunsOptions, Run as TrackedRun, RunInfo as TrackedRunInfo, MetricPoint as TrackedMetricPoint } from './tracking.js';
