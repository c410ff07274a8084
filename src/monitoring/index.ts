export type { PredictionLogger, PredictionRecord } from './prediction-log.js';
export { BufferedPredictionLogger } from './buffered-prediction-logger.js';
export type { BufferedPredictionLoggerOptions } from './buffered-prediction-logger.js';
export { PredictionStore } from './prediction-store.js';
export type { LabelInput, LoggedPrediction, PredictionSink, StoredPrediction } from './prediction-store.js';
export { MonitoringService } from './monitoring-service.js';
export type { MonitoringServiceDeps, MonitorRunResult, MonitorStatus, SavedMonitor } from './monitoring-service.js';
export { Monitor } from './monitor.js';
export { OnlineLearner } from './online-learner.js';
export type { LabeledPredictionReader, LearnerEvents, ModelPublisher, OnlineLearnerOptions, PublishedVersion } from './online-learner.js';
export { validationAnalyzers } from './validation-analyzers.js';
export type { ValidationAnalyzersDeps } from './validation-analyzers.js';
export type { MonitorEvents, MonitorOptions, MonitorRunner } from './monitor.js';
export type { RetrainContext, TrainFunction } from './alert-dispatcher.js';
export { parseDuration, parseMonitorConfig } from './monitor-config.js';
export { signWebhookBody, verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook.js';
export { accuracy, percentile, rmse, rocAuc } from './performance-metrics.js';
export type {
  Alert, AlertRule, AlertRuleView, AnomalyLike, Comparison, DeliveryOutcome, DriftColumn, DriftReportLike, MonitorAnalyzers, MonitorConfig, MonitorTask, MonitorView,
  MonitorRemoval, RemovalDelivery, RetrainRun, RetrainSpec, WebhookTarget, WebhookView, WindowDetails, WindowResult, WindowSpec, WindowType,
} from './types.js';
