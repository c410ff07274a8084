export { KeelClient } from './keel-client.js';
// What every call throws, so that SDK code can tell errors apart (e.code, e.field) with one import.
export { KeelError, isKeelError } from '../core/index.js';
export type { ErrorCode } from '../core/index.js';
export { HttpTransport, whyUnanswered } from './http.js';
export type { ClientOptions } from './http.js';
export { MonitoringClient } from './monitoring.js';
export type { AlertInfo, AlertQuery, DeliveryInfo, FeedbackLabel, LoggedPredictionInfo, MonitorDefinition, MonitorInfo, MonitorRemovalInfo, MonitorRunInfo, MonitorStatusInfo, MonitorWindow, PredictionQuery, RetrainRunInfo, SavedMonitorInfo } from './monitoring.js';
export { DatasetsClient } from './datasets.js';
export type { DatasetAddOptions, DatasetRowsOptions, DatasetColumn, DatasetColumnStats, DatasetAdded, DatasetDiffResult, DatasetListItem, DatasetLocationShift, DatasetRowsPage, DatasetShift, DatasetVersionDetail, DatasetVersionInfo } from './datasets.js';
export { ValidationClient } from './validation.js';
export type { ValidationApi, SavedSchemaJson, SchemaJson, DriftOptionsJson, DriftColumnJson, DriftReportJson, ValidationResultJson } from './validation.js';
export { RegistryClient } from './registry.js';
export type {
  ModelLineageInfo, ModelSignatureInfo, ModelStageName, ModelVersionInfo, RegisteredModelInfo, RegisterModelOptions, RegistryHistoryEntry, RegistryPage,
  RegistrySearch, TensorSpecInfo,
} from './registry.js';
export { TrackingClient } from './tracking.js';
export type { TrackingClientOptions, StartRunOptions, SearchRunsOptions, Run as TrackedRun, RunInfo as TrackedRunInfo, MetricPoint as TrackedMetricPoint, ArtifactFile as TrackedArtifactFile } from './tracking.js';
export { TrainingClient } from './training.js';
export type { TrainRequestJson, TrainResultJson } from './training.js';
export { ArtifactsClient } from './artifacts.js';
export type { ArtifactGcResultJson } from './artifacts.js';
