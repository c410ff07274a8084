/**
 * The JSON shapes of the monitoring endpoints (/api/v1/monitors, alerts, predictions, feedback),
 * shared by monitoring/, which makes them, and client/ (client/ depends on core alone).
 */

import type { Task } from './training.js';

export type WindowType = 'tumbling' | 'sliding';

/** A monitored model's task: training's. */
export type MonitorTask = Task;

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface WindowSpec {
  readonly type: WindowType;
  readonly sizeMs: number;
  /** Sliding only: how far consecutive windows start apart (tumbling: = sizeMs). */
  readonly slideMs: number;
  /** How long after a window's end records may still arrive and count. */
  readonly graceMs: number;
}

/**
 * A webhook as given and stored. `secret` is the HMAC-SHA256 key of X-Keel-Signature (none: the
 * deliveries go unsigned, after an explicit `secret: null`). It is write-only: no answer carries
 * it (see WebhookView).
 */
export interface WebhookTarget {
  readonly url: string;
  readonly secret?: string;
}

/** A webhook as answered: the secret is never sent back once set, only whether there is one. */
export interface WebhookView {
  /** The URL with its credentials (password, token-like query values) masked as `***`; sent back, it stands for the stored one. */
  readonly url: string;
  readonly secretSet: boolean;
}

export interface RetrainSpec {
  /** A shell command, e.g. `keel train --dataset fraud@latest --json`; {alertId}, {monitor}, {deployment} are substituted. */
  readonly command?: string;
  /** In-process: the request handed to the injected train function (training's `train()`). */
  readonly train?: Readonly<Record<string, unknown>>;
  /** Command timeout, ms (default 1 hour). */
  readonly timeoutMs?: number;
}

export interface AlertRule {
  readonly name: string;
  /** A window metric: `drift.share`, `drift.<column>.statistic`, `performance.auc`, `latency.p99`, `error_rate`, ... */
  readonly metric: string;
  readonly op: Comparison;
  readonly threshold: number;
  /** The condition must hold for this many consecutive windows (default 1) ... */
  readonly forWindows: number;
  /** ... and, when set, over at least this span of event time. */
  readonly forMs?: number;
  /** No new alert from this rule until this much event time has passed since the last one fired. */
  readonly cooldownMs: number;
  readonly webhook?: WebhookTarget;
  readonly retrain?: RetrainSpec;
}

export interface MonitorConfig {
  readonly name: string;
  /** The `deployment` field of the prediction log (the serve name or the model name). */
  readonly deployment: string;
  readonly window: WindowSpec;
  /** `name@version` of the dataset to compare inputs with; default: the model version's training dataset. */
  readonly referenceDataset?: string;
  /** Input fields to monitor (default: every scalar input). */
  readonly features?: readonly string[];
  /** Default: inferred from the labels. */
  readonly task?: MonitorTask;
  /** Output field holding the prediction (default `label`, then `prediction`). */
  readonly predictionField?: string;
  /** Output field holding the positive-class score for AUC (default `probability`, then `score`). */
  readonly scoreField?: string;
  /** Windows start at origin + k·slide (default 0, the epoch). */
  readonly originMs: number;
  /**
   * Where the monitor's watch (re)starts: windows before it are not evaluated, and alerts of windows
   * that ended by then hold no cool-down (default: none, windows from the deployment's first record).
   */
  readonly startMs?: number;
  /** Labels and late records are folded into windows that ended within this horizon (default 7 days). */
  readonly refreshHorizonMs: number;
  /**
   * Served predictions a window needs for its input and output drift to be computed (default 30):
   * fewer, and the window has no drift metrics, only a note saying why. Other metrics are computed.
   */
  readonly minRows: number;
  readonly rules: readonly AlertRule[];
  readonly createdAt?: number;
}

/** A rule as answered: its webhook without the secret. */
export type AlertRuleView = Omit<AlertRule, 'webhook'> & { readonly webhook?: WebhookView };

/** A monitor as every answer (API, SDK, CLI, `platform.monitoring`) shows it: no webhook secret. */
export type MonitorView = Omit<MonitorConfig, 'rules'> & { readonly rules: readonly AlertRuleView[] };

/** One column's verdict, the shape validation's detectDrift returns. */
export interface DriftColumn {
  readonly column: string;
  readonly test: string;
  readonly statistic: number;
  readonly pValue?: number;
  readonly threshold: number;
  readonly drifted: boolean;
}

/** Binned shares of a column's reference and current rows (`distributions: true`), for plots. */
export interface DriftDistribution {
  /** Bin labels: categories, or "[lo, hi)" ranges. */
  readonly labels: readonly string[];
  /** Bin edges for numeric columns (labels.length + 1), else null. */
  readonly edges: readonly number[] | null;
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

/** A drift report over columns of shape C: validation's DriftReport, and the SDK's DriftReportJson. */
export interface DriftReportOf<C extends DriftColumn> {
  readonly columns: readonly C[];
  readonly driftedShare: number;
  readonly datasetDrift: boolean;
  readonly datasetDriftShare: number;
  /** Reference columns not compared, and why (absent from current, no values, type mismatch). */
  readonly skipped: readonly { readonly column: string; readonly reason: string }[];
}

export interface DriftReportLike {
  readonly columns: readonly DriftColumn[];
  readonly driftedShare: number;
  readonly datasetDrift: boolean;
}

export interface AnomalyLike {
  readonly column?: string;
  readonly kind?: string;
  readonly severity?: string;
  readonly description?: string;
}

export interface WindowResult {
  readonly monitor: string;
  readonly start: number;
  readonly end: number;
  readonly evaluatedAt: number;
  readonly count: number;
  readonly lateCount: number;
  readonly labeledCount: number;
  /** Flat metric name -> value: what alert rules read. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly details: WindowDetails;
}

export interface WindowDetails {
  readonly models: Readonly<Record<string, number>>;
  readonly referenceDataset?: string;
  readonly inputDrift?: DriftReportLike;
  readonly outputDrift?: DriftReportLike;
  readonly anomalies?: readonly AnomalyLike[];
  readonly missingRates: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
  /**
   * Fewer served predictions than the monitor's minRows (so no drift metrics): a drift rule's
   * `for` streak skips the window, neither counting nor resetting on it. Absent on windows
   * evaluated before the field existed.
   */
  readonly quiet?: boolean;
}

export type AlertState = 'firing' | 'resolved';

export interface DeliveryOutcome {
  readonly status: 'delivered' | 'failed';
  readonly attempts: number;
  readonly httpStatus?: number;
  readonly error?: string;
}

/** An `alert.resolved` webhook sent when a monitor was removed, and how it went. */
export interface RemovalDelivery extends DeliveryOutcome {
  readonly alertId: string;
  readonly rule: string;
}

/** What removing a monitor did: the alerts it resolved and their `alert.resolved` webhooks. */
export interface MonitorRemoval {
  readonly resolvedAlerts: readonly string[];
  /** One per webhook sent (an alert whose rule has no target sends none), in `resolvedAlerts` order. */
  readonly deliveries: readonly RemovalDelivery[];
}

export interface RetrainRun {
  readonly id: string;
  readonly alertId: string;
  readonly monitor: string;
  readonly trigger: 'command' | 'train';
  readonly command: string | null;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly exitCode: number | null;
  readonly output: string | null;
  readonly runId: string | null;
  readonly modelName: string | null;
  readonly modelVersion: number | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

export interface Alert {
  readonly id: string;
  readonly monitor: string;
  readonly rule: string;
  readonly metric: string;
  readonly state: AlertState;
  readonly value: number | null;
  readonly threshold: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly firedAt: number;
  readonly resolvedAt: number | null;
  readonly acknowledgedAt: number | null;
  /** How the `alert.firing` webhook went (null: the rule has no webhook). */
  readonly delivery: DeliveryOutcome | null;
  /** How the `alert.resolved` webhook went (null: not resolved, or resolved without a webhook). */
  readonly resolvedDelivery: DeliveryOutcome | null;
  readonly retrainRuns: readonly RetrainRun[];
}

/**
 * The prediction log's record and the sink serving writes through. monitoring/ owns the log's
 * store; serving (a layer above) writes through this face. Deployments, A/B tests and shadow
 * traffic will fill `deployment` and `variant`; late labels join by `requestId`.
 */
export interface PredictionRecord {
  readonly requestId: string;
  /** Event time, epoch ms. */
  readonly timestamp: number;
  readonly modelName: string;
  readonly modelVersion: number;
  readonly deployment: string | null;
  readonly variant: string | null;
  /** Named raw inputs of one row, e.g. { amount: 12.5, country: 'FR' }. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Named outputs of that row, e.g. { probability: 0.91, label: 1 }. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly latencyMs: number;
  /** Set when the request failed. */
  readonly error?: string;
}

export interface StoredPrediction extends PredictionRecord {
  readonly receivedAt: number;
  readonly label?: unknown;
  readonly labeledAt?: number;
}

export interface LabelInput {
  readonly requestId: string;
  readonly label: unknown;
  /** When the label became known, epoch ms (default now). */
  readonly timestamp?: number;
}

export interface MonitorRunResult {
  readonly monitor: string;
  readonly evaluated: readonly WindowResult[];
  /** Earlier windows updated with late records or newly arrived labels. */
  readonly refreshed: number;
  readonly fired: readonly Alert[];
  readonly resolved: readonly string[];
}

/** A monitor as created or updated, with what the caller should know (a deployment with no traffic yet, say). */
export type SavedMonitor = MonitorView & { readonly warnings?: readonly string[] };

export interface MonitorStatus {
  readonly monitor: MonitorView;
  readonly windows: readonly WindowResult[];
  readonly alerts: readonly Alert[];
}
