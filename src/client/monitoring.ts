import type { HttpTransport } from './http.js';

/** JSON shapes of the monitoring API (client/ depends on core only, so they are restated here). */
export interface FeedbackLabel {
  readonly requestId: string;
  readonly label: unknown;
  readonly timestamp?: number;
}

export interface MonitorDefinition {
  readonly name: string;
  readonly deployment: string;
  readonly window?: { readonly type?: 'tumbling' | 'sliding'; readonly size?: string | number; readonly slide?: string | number; readonly grace?: string | number };
  readonly referenceDataset?: string;
  readonly features?: readonly string[];
  readonly task?: 'binary' | 'regression' | 'multiclass';
  readonly rules?: readonly Readonly<Record<string, unknown>>[];
  readonly webhook?: { readonly url: string; readonly secret: string };
  readonly [key: string]: unknown;
}

/** A logged prediction with its late label, as the API answers it. */
export interface LoggedPredictionInfo {
  readonly requestId: string;
  readonly timestamp: number;
  readonly receivedAt: number;
  readonly modelName: string;
  readonly modelVersion: number;
  readonly deployment: string | null;
  readonly variant: string | null;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly latencyMs: number;
  readonly error?: string;
  readonly label?: unknown;
  readonly labeledAt?: number;
}

/** Which predictions `predictions()` reads: a deployment's, by event time, or after a label cursor in label order. */
export interface PredictionQuery {
  readonly deployment: string;
  readonly labeledOnly?: boolean;
  readonly from?: number;
  readonly to?: number;
  readonly labelCursor?: { readonly ts: number; readonly requestId: string };
  /** At most this many (1 to 10000, default 1000). */
  readonly limit?: number;
}

/** A monitor as created or updated: `warnings` says what the caller should know (its deployment has logged nothing yet, say). */
export type SavedMonitorInfo = MonitorDefinition & { readonly warnings?: readonly string[] };

export interface MonitorWindow {
  readonly monitor: string;
  readonly start: number;
  readonly end: number;
  readonly evaluatedAt: number;
  readonly count: number;
  readonly lateCount: number;
  readonly labeledCount: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface RetrainRunInfo {
  readonly id: string;
  readonly alertId: string;
  readonly trigger: string;
  readonly command: string | null;
  readonly status: string;
  readonly exitCode: number | null;
  readonly runId: string | null;
  readonly modelName: string | null;
  readonly modelVersion: number | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

/** How a webhook went: `delivered` or `failed`, after how many attempts, with the last HTTP status or error. */
export interface DeliveryInfo {
  readonly status: 'delivered' | 'failed';
  readonly attempts: number;
  readonly httpStatus?: number;
  readonly error?: string;
}

/** What removing a monitor did: the alerts it resolved and how each `alert.resolved` webhook went. */
export interface MonitorRemovalInfo {
  readonly resolvedAlerts: readonly string[];
  readonly deliveries: readonly (DeliveryInfo & { readonly alertId: string; readonly rule: string })[];
}

export interface AlertInfo {
  readonly id: string;
  readonly monitor: string;
  readonly rule: string;
  readonly metric: string;
  readonly state: 'firing' | 'resolved';
  readonly value: number | null;
  readonly threshold: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly firedAt: number;
  readonly resolvedAt: number | null;
  readonly acknowledgedAt: number | null;
  /** The `alert.firing` webhook's outcome. */
  readonly delivery: DeliveryInfo | null;
  /** The `alert.resolved` webhook's outcome. */
  readonly resolvedDelivery: DeliveryInfo | null;
  readonly retrainRuns: readonly RetrainRunInfo[];
}

export interface MonitorStatusInfo {
  readonly monitor: MonitorDefinition;
  readonly windows: readonly MonitorWindow[];
  readonly alerts: readonly AlertInfo[];
}

export interface MonitorRunInfo {
  readonly monitor: string;
  readonly evaluated: readonly MonitorWindow[];
  readonly refreshed: number;
  readonly fired: readonly AlertInfo[];
  readonly resolved: readonly string[];
}

/** `client.monitoring`: feedback labels, monitors, windows and alerts. */
export class MonitoringClient {
  constructor(private readonly http: HttpTransport) {}

  /** Late labels, joined to logged predictions by request id. */
  feedback(labels: FeedbackLabel | readonly FeedbackLabel[]): Promise<{ stored: number; matched: number }> {
    return this.http.request('POST', 'api/v1/feedback', Array.isArray(labels) ? { labels } : labels);
  }

  prediction(requestId: string): Promise<Record<string, unknown>> {
    return this.http.request('GET', `api/v1/predictions/${encodeURIComponent(requestId)}`);
  }

  /** One page of a deployment's logged predictions with their labels (see PredictionQuery). */
  async predictions(q: PredictionQuery): Promise<LoggedPredictionInfo[]> {
    const query = { deployment: q.deployment, labeled: q.labeledOnly ? 'true' : undefined, from: q.from, to: q.to, labelCursorTs: q.labelCursor?.ts, labelCursorRequestId: q.labelCursor?.requestId, limit: q.limit };
    return (await this.http.request<{ predictions: LoggedPredictionInfo[] }>('GET', 'api/v1/predictions', undefined, { query })).predictions;
  }

  /** Retention: deletes logged predictions (and their labels) with event time before `before` (epoch ms), of one deployment or all. */
  prunePredictions(before: number, deployment?: string): Promise<{ deleted: number; before: number }> {
    return this.http.request('DELETE', 'api/v1/predictions', undefined, { query: { before, deployment } });
  }

  createMonitor(definition: MonitorDefinition): Promise<SavedMonitorInfo> {
    return this.http.request('POST', 'api/v1/monitors', definition);
  }

  updateMonitor(definition: MonitorDefinition): Promise<SavedMonitorInfo> {
    return this.http.request('PUT', `api/v1/monitors/${encodeURIComponent(definition.name)}`, definition);
  }

  getMonitor(name: string): Promise<MonitorDefinition> {
    return this.http.request('GET', `api/v1/monitors/${encodeURIComponent(name)}`);
  }

  async listMonitors(deployment?: string): Promise<MonitorDefinition[]> {
    return (await this.http.request<{ monitors: MonitorDefinition[] }>('GET', 'api/v1/monitors', undefined, { query: { deployment } })).monitors;
  }

  /** Deletes the monitor; its firing alerts are resolved and their `alert.resolved` webhooks sent (with a short budget). */
  deleteMonitor(name: string): Promise<MonitorRemovalInfo> {
    return this.http.request('DELETE', `api/v1/monitors/${encodeURIComponent(name)}`);
  }

  async windows(name: string, limit?: number): Promise<MonitorWindow[]> {
    return (await this.http.request<{ windows: MonitorWindow[] }>('GET', `api/v1/monitors/${encodeURIComponent(name)}/windows`, undefined, { query: { limit } })).windows;
  }

  run(name: string, options: { now?: number } = {}): Promise<MonitorRunInfo> {
    return this.http.request('POST', `api/v1/monitors/${encodeURIComponent(name)}/run`, options);
  }

  /** The last windows and alerts of every monitor on a deployment (or of one monitor). */
  async status(deploymentOrMonitor: string, limit?: number): Promise<MonitorStatusInfo[]> {
    return (await this.http.request<{ monitors: MonitorStatusInfo[] }>('GET', `api/v1/monitor-status/${encodeURIComponent(deploymentOrMonitor)}`, undefined, { query: { limit } })).monitors;
  }

  async alerts(q: { monitor?: string; deployment?: string; state?: 'firing' | 'resolved'; limit?: number } = {}): Promise<AlertInfo[]> {
    return (await this.http.request<{ alerts: AlertInfo[] }>('GET', 'api/v1/alerts', undefined, { query: q })).alerts;
  }

  async acknowledgeAlert(id: string): Promise<void> {
    await this.http.request('POST', `api/v1/alerts/${encodeURIComponent(id)}/ack`, {});
  }
}
