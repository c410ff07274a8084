import { alertFromJson, monitorRunFromJson, monitorStatusFromJson, windowFromJson, type Alert, type DeliveryOutcome, type LabelInput, type MonitorRemoval, type MonitorRunResult, type MonitorStatus, type MonitorView, type RetrainRun, type SavedMonitor, type StoredPrediction, type WindowResult } from '../core/index.js';
import { checkOption, checkOptions, optional, required, type OptionTable } from './arguments.js';
import type { HttpTransport } from './http.js';

// The monitoring API's answers are core's shapes (core/contracts/monitoring.ts), which monitoring/
// makes; the SDK's names for them follow.
export type FeedbackLabel = LabelInput;
/** A monitor as the server answers it: durations in ms, every rule's defaults filled in, webhooks as `{url, secretSet}` (never the secret). */
export type MonitorInfo = MonitorView;
export type LoggedPredictionInfo = StoredPrediction;
export type SavedMonitorInfo = SavedMonitor;
export type MonitorWindow = WindowResult;
export type RetrainRunInfo = RetrainRun;
export type DeliveryInfo = DeliveryOutcome;
export type MonitorRemovalInfo = MonitorRemoval;
export type AlertInfo = Alert;
export type MonitorStatusInfo = MonitorStatus;
export type MonitorRunInfo = MonitorRunResult;

/** A monitor as the caller gives it (the server parses it: window sizes as `5m` or ms, rules in full). */
export interface MonitorDefinition {
  readonly name: string;
  readonly deployment: string;
  readonly window?: { readonly type?: 'tumbling' | 'sliding'; readonly size?: string | number; readonly slide?: string | number; readonly grace?: string | number };
  readonly referenceDataset?: string;
  readonly features?: readonly string[];
  readonly task?: 'binary' | 'regression' | 'multiclass';
  /** Served predictions a window needs for drift to be computed (a whole number >= 0; default 30). */
  readonly minRows?: number;
  readonly rules?: readonly Readonly<Record<string, unknown>>[];
  /** `secret`: a string sets it, null removes it (deliveries go unsigned); left out in an update, the one stored for that `url` is kept. */
  readonly webhook?: { readonly url: string; readonly secret?: string | null };
  readonly [key: string]: unknown;
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

/** Which alerts `alerts()` lists, newest first (at most `limit`, 1 to 1000, default 100). */
export interface AlertQuery {
  readonly monitor?: string;
  readonly deployment?: string;
  readonly state?: 'firing' | 'resolved';
  readonly limit?: number;
}

// Each call's options and their kinds, under the names of the server's body or query (labeledOnly
// and labelCursor are sent as labeled, labelCursorTs and labelCursorRequestId).
const LABEL_FIELDS: OptionTable<keyof FeedbackLabel> = { requestId: 'string', label: 'any', timestamp: 'number' };
const PREDICTION_QUERY: OptionTable<keyof PredictionQuery> = {
  deployment: 'name', labeledOnly: 'boolean', from: 'number', to: 'number', labelCursor: { fields: { ts: 'number', requestId: 'string' } }, limit: 'integer',
};
const ALERT_QUERY: OptionTable<keyof AlertQuery> = { monitor: 'string', deployment: 'string', state: { oneOf: ['firing', 'resolved'] }, limit: 'integer' };
const RUN_OPTIONS: OptionTable<'now'> = { now: 'number' };

/** `client.monitoring`: feedback labels, monitors, windows and alerts. */
export class MonitoringClient {
  constructor(private readonly http: HttpTransport) {}

  /** Late labels, joined to logged predictions by request id. */
  async feedback(labels: FeedbackLabel | readonly FeedbackLabel[]): Promise<{ stored: number; matched: number }> {
    required('labels', labels, 'objects');
    if (Array.isArray(labels)) checkOption('labels', labels, { items: LABEL_FIELDS });
    else checkOptions('labels', labels, LABEL_FIELDS);
    return this.http.request('POST', 'api/v1/feedback', Array.isArray(labels) ? { labels } : labels);
  }

  /** One logged prediction with its label, by request id. */
  async prediction(requestId: string): Promise<LoggedPredictionInfo> {
    required('requestId', requestId, 'name');
    return this.http.request('GET', `api/v1/predictions/${encodeURIComponent(requestId)}`);
  }

  /** One page of a deployment's logged predictions with their labels (see PredictionQuery). */
  async predictions(query: PredictionQuery): Promise<LoggedPredictionInfo[]> {
    required('query', query, 'object');
    required('deployment', query.deployment, 'name');
    checkOptions('query', query, PREDICTION_QUERY);
    const params = { deployment: query.deployment, labeled: query.labeledOnly ? 'true' : undefined, from: query.from, to: query.to, labelCursorTs: query.labelCursor?.ts, labelCursorRequestId: query.labelCursor?.requestId, limit: query.limit };
    return (await this.http.request<{ predictions: LoggedPredictionInfo[] }>('GET', 'api/v1/predictions', undefined, { query: params })).predictions;
  }

  /** Retention: deletes logged predictions (and their labels) with event time before `before` (epoch ms), of one deployment or all. */
  async prunePredictions(before: number, deployment?: string): Promise<{ deleted: number; before: number }> {
    required('before', before, 'number');
    optional('deployment', deployment, 'name');
    return this.http.request('DELETE', 'api/v1/predictions', undefined, { query: { before, deployment } });
  }

  async createMonitor(definition: MonitorDefinition): Promise<SavedMonitorInfo> {
    required('definition', definition, 'object');
    return this.http.request('POST', 'api/v1/monitors', definition);
  }

  async updateMonitor(definition: MonitorDefinition): Promise<SavedMonitorInfo> {
    required('definition', definition, 'object');
    required('name', definition.name, 'name');
    return this.http.request('PUT', `api/v1/monitors/${encodeURIComponent(definition.name)}`, definition);
  }

  async getMonitor(name: string): Promise<MonitorInfo> {
    required('name', name, 'name');
    return this.http.request('GET', `api/v1/monitors/${encodeURIComponent(name)}`);
  }

  async listMonitors(deployment?: string): Promise<MonitorInfo[]> {
    optional('deployment', deployment, 'name');
    return (await this.http.request<{ monitors: MonitorInfo[] }>('GET', 'api/v1/monitors', undefined, { query: { deployment } })).monitors;
  }

  /** Deletes the monitor; its firing alerts are resolved and their `alert.resolved` webhooks sent (with a short budget). */
  async deleteMonitor(name: string): Promise<MonitorRemovalInfo> {
    required('name', name, 'name');
    return this.http.request('DELETE', `api/v1/monitors/${encodeURIComponent(name)}`);
  }

  async windows(name: string, limit?: number): Promise<MonitorWindow[]> {
    required('name', name, 'name');
    optional('limit', limit, 'integer');
    return (await this.http.request<{ windows: MonitorWindow[] }>('GET', `api/v1/monitors/${encodeURIComponent(name)}/windows`, undefined, { query: { limit } })).windows.map(windowFromJson);
  }

  async run(name: string, options: { now?: number } = {}): Promise<MonitorRunInfo> {
    required('name', name, 'name');
    checkOptions('options', options, RUN_OPTIONS);
    return monitorRunFromJson(await this.http.request<MonitorRunInfo>('POST', `api/v1/monitors/${encodeURIComponent(name)}/run`, options));
  }

  /** The last windows and alerts of every monitor on a deployment (or of one monitor). */
  async status(deploymentOrMonitor: string, limit?: number): Promise<MonitorStatusInfo[]> {
    required('deploymentOrMonitor', deploymentOrMonitor, 'name');
    optional('limit', limit, 'integer');
    const { monitors } = await this.http.request<{ monitors: MonitorStatusInfo[] }>('GET', `api/v1/monitor-status/${encodeURIComponent(deploymentOrMonitor)}`, undefined, { query: { limit } });
    return monitors.map(monitorStatusFromJson);
  }

  async alerts(query: AlertQuery = {}): Promise<AlertInfo[]> {
    checkOptions('query', query, ALERT_QUERY);
    return (await this.http.request<{ alerts: AlertInfo[] }>('GET', 'api/v1/alerts', undefined, { query: { ...query } })).alerts.map(alertFromJson);
  }

  /** `id` may be a start of the alert's id (4 characters or more); the alert acknowledged is answered, its id whole. */
  async acknowledgeAlert(id: string): Promise<AlertInfo> {
    required('id', id, 'name');
    return alertFromJson((await this.http.request<{ alert: AlertInfo }>('POST', `api/v1/alerts/${encodeURIComponent(id)}/ack`, {})).alert);
  }
}
