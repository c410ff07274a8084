import type { AnomalyLike, DriftReportLike, Table } from '../core/index.js';

// The shapes the monitoring endpoints answer with are core's (core/contracts/monitoring.ts), which the client shares.
export type { Alert, AlertRule, AlertRuleView, AlertState, AnomalyLike, Comparison, DeliveryOutcome, DriftColumn, DriftReportLike, MonitorConfig, MonitorRemoval, MonitorTask, MonitorView, RemovalDelivery, RetrainRun, RetrainSpec, WebhookTarget, WebhookView, WindowDetails, WindowResult, WindowSpec, WindowType } from '../core/index.js';

/**
 * What the monitor needs from validation/ (and registry/ for lineage), injected so that the
 * monitor can be tested with any detector. The platform wires validation's functions in.
 */
export interface MonitorAnalyzers {
  /** Reference statistics of a dataset version, computed once per version and stored. */
  referenceFor(datasetRef: string): Promise<unknown>;
  /** `reference` is what referenceFor returned, or a Table (output drift against the first window). */
  detectDrift(reference: unknown, current: Table): DriftReportLike | Promise<DriftReportLike>;
  /** Schema anomalies of live inputs against the reference dataset's schema. */
  validate?(datasetRef: string, current: Table): Promise<readonly AnomalyLike[]>;
  /** The training dataset (`name@version`) of a model version, from registry lineage. */
  trainingDataset?(modelName: string, modelVersion: number): Promise<string | undefined>;
}

