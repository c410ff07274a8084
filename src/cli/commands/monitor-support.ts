/** What the monitor commands share: one API over local and remote, argument parsers, table rows. */
import type { AlertInfo, FeedbackLabel, KeelClient, MonitorDefinition, MonitorInfo, MonitorRemovalInfo, MonitorRunInfo, MonitorStatusInfo, SavedMonitorInfo } from '../../client/index.js';
import { alertFromJson, invalidArgument, jsonReplacer, monitorRunFromJson, monitorStatusFromJson } from '../../core/index.js';
import type { LabeledPredictionReader, ModelPublisher, StoredPrediction } from '../../monitoring/index.js';
import type { CliContext } from '../context.js';
import { tableTime } from '../output.js';

/** One face over the local service and the remote SDK, so every command works with --server. */
export interface MonitoringApi {
  feedback(labels: readonly FeedbackLabel[]): Promise<{ stored: number; matched: number }>;
  createMonitor(d: MonitorDefinition): Promise<SavedMonitorInfo>;
  listMonitors(deployment?: string): Promise<readonly MonitorInfo[]>;
  deleteMonitor(name: string): Promise<MonitorRemovalInfo>;
  status(target: string, limit: number): Promise<readonly MonitorStatusInfo[]>;
  run(name: string, now?: number): Promise<MonitorRunInfo>;
  alerts(q: { monitor?: string; deployment?: string; state?: 'firing' | 'resolved'; limit?: number }): Promise<readonly AlertInfo[]>;
  ack(id: string): Promise<AlertInfo>;
  prune(before: number, deployment?: string): Promise<{ deleted: number; before: number }>;
}

export async function api(ctx: CliContext): Promise<MonitoringApi> {
  if (ctx.isRemote) {
    const m = ctx.client().monitoring;
    return {
      feedback: (l) => m.feedback(l), createMonitor: (d) => m.createMonitor(d), listMonitors: (d) => m.listMonitors(d), deleteMonitor: (n) => m.deleteMonitor(n),
      status: (t, l) => m.status(t, l), run: (n, now) => m.run(n, now !== undefined ? { now } : {}), alerts: (q) => m.alerts(q), ack: (id) => m.acknowledgeAlert(id),
      prune: (before, d) => m.prunePredictions(before, d),
    };
  }
  const s = (await ctx.platform()).monitoring;
  // As the server's JSON reads back in the SDK: a non-finite number a string (jsonReplacer), and
  // a window's or an alert's numbers numbers again, as the SDK revives them.
  const json = <T>(v: unknown): T => JSON.parse(JSON.stringify(v, jsonReplacer)) as T;
  return {
    feedback: (l) => s.addFeedback(l),
    createMonitor: async (d) => json(await s.createMonitor(d)),
    listMonitors: async (d) => json(await s.listMonitors(d)),
    deleteMonitor: async (n) => json(await s.deleteMonitor(n)),
    status: async (t, l) => json<MonitorStatusInfo[]>(await s.status(t, l)).map(monitorStatusFromJson),
    run: async (n, now) => monitorRunFromJson(json<MonitorRunInfo>(await s.runMonitor(n, now !== undefined ? { now } : {}))),
    alerts: async (q) => json<AlertInfo[]>(await s.listAlerts(q)).map(alertFromJson),
    ack: async (id) => alertFromJson(json<AlertInfo>(await s.acknowledgeAlert(id))),
    prune: async (before, d) => ({ deleted: await s.predictions.prune(before, d), before }),
  };
}

// The API's largest page of predictions.
const PREDICTIONS_PAGE = 10_000;

/**
 * `keel monitor learn --server`: the learner runs here, reading the server's prediction log and
 * publishing to its registry through the SDK, so it learns and publishes as it does locally.
 */
export function remoteLearnerSources(client: KeelClient): { predictions: LabeledPredictionReader; publisher: ModelPublisher } {
  const m = client.monitoring;
  return {
    predictions: {
      async query(q) {
        if (q.limit !== undefined) return m.predictions(q);
        // Every match (the evaluation window): paged in label order, then ordered as the store
        // answers an unpaged query (event time, then request id), so the metrics come out the same.
        const all: StoredPrediction[] = [];
        let cursor = q.labelCursor ?? { ts: Number.MIN_SAFE_INTEGER, requestId: '' };
        for (;;) {
          const page = await m.predictions({ ...q, labelCursor: cursor, limit: PREDICTIONS_PAGE });
          all.push(...page);
          if (page.length < PREDICTIONS_PAGE) break;
          const last = page[page.length - 1]!;
          cursor = { ts: last.labeledAt!, requestId: last.requestId };
        }
        return all.sort((a, b) => a.timestamp - b.timestamp || (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0));
      },
    },
    publisher: {
      createModelVersion: ({ name, source, ...rest }) => client.registry.registerModel(name, { onnx: source.onnx, ...rest }),
    },
  };
}

export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** What `--rule` takes, as its help and its error say it. */
export const RULE_SYNTAX = 'METRIC OP THRESHOLD [for N|1h] [cooldown 1h] [name NAME]';

/**
 * `METRIC OP THRESHOLD [for N|DURATION] [cooldown DURATION] [name NAME]`, e.g. `drift.share >= 0.5 for 2 cooldown 1h`
 * (`for 2` counts windows, `for 2h` is event time; the name defaults to the metric).
 */
export function parseRuleText(text: string, index: number): Record<string, unknown> {
  const m = /^\s*([A-Za-z0-9_.\-:]+)\s*(>=|<=|==|!=|>|<)\s*(-?[0-9.eE+-]+)\s*(.*)$/.exec(text);
  if (!m) throw invalidArgument(`--rule[${index}]`, `expected '${RULE_SYNTAX}', got '${text}'`);
  const rule: Record<string, unknown> = { name: m[1], metric: m[1], op: m[2], threshold: Number(m[3]) };
  const rest = m[4]!.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i]!;
    const value = rest[i + 1];
    if (value === undefined) throw invalidArgument(`--rule[${index}]`, `'${key}' needs a value`);
    if (key === 'for') {
      if (/^\d+$/.test(value)) rule.forWindows = Number(value);
      else rule.for = value;
    } else if (key === 'cooldown') rule.cooldown = value;
    else if (key === 'name') rule.name = value;
    else throw invalidArgument(`--rule[${index}]`, `unknown word '${key}' (known: for, cooldown, name)`);
  }
  return rule;
}

/** `1`, `0.5`, `true` and JSON values as such; anything else as a string. */
export function parseLabel(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Labels from JSON (an array), JSON lines, or CSV with a header naming request_id/requestId and label. */
export function parseLabelFile(text: string): FeedbackLabel[] {
  const t = text.trim();
  if (t.startsWith('[')) return (JSON.parse(t) as Record<string, unknown>[]).map(toLabel);
  if (t.startsWith('{')) return t.split('\n').filter((l) => l.trim()).map((l) => toLabel(JSON.parse(l) as Record<string, unknown>));
  const [header, ...lines] = t.split(/\r?\n/);
  const cols = header!.split(',').map((c) => c.trim());
  const idCol = cols.findIndex((c) => c === 'request_id' || c === 'requestId');
  const labelCol = cols.indexOf('label');
  if (idCol < 0 || labelCol < 0) throw invalidArgument('--file', 'CSV needs a header with request_id (or requestId) and label');
  return lines.filter((l) => l.trim()).map((l) => {
    const cells = l.split(',');
    return { requestId: cells[idCol]!.trim(), label: parseLabel(cells[labelCol]!.trim()) };
  });
}

function toLabel(o: Record<string, unknown>): FeedbackLabel {
  const requestId = o.requestId ?? o.request_id;
  if (typeof requestId !== 'string') throw invalidArgument('--file', 'every label needs a requestId');
  return { requestId, label: o.label, ...(typeof o.timestamp === 'number' ? { timestamp: o.timestamp } : {}) };
}

export function statusRows(s: MonitorStatusInfo): Record<string, unknown>[] {
  return s.windows.map((w) => {
    const drift = w.details.inputDrift?.columns.filter((c) => c.drifted).map((c) => c.column) ?? [];
    const perf = ['auc', 'accuracy', 'rmse'].map((k) => (w.metrics[`performance.${k}`] !== undefined ? `${k}=${w.metrics[`performance.${k}`]!.toFixed(3)}` : '')).filter(Boolean).join(' ');
    const alerts = s.alerts.filter((a) => a.windowStart === w.start).map((a) => `${a.rule}(${a.state})`).join(' ');
    return {
      window: `${tableTime(w.start)} → ${tableTime(w.end).slice(11)}`, count: w.count, late: w.lateCount,
      'drift share': w.details.quiet === true ? quietCell(w, s.monitor.minRows) : (w.metrics['drift.share'] ?? null), drifted: drift.join(',') || '-', performance: perf || '-',
      'p99 ms': w.metrics['latency.p99'] ?? null, 'error rate': w.metrics.error_rate ?? null, alerts: alerts || '-',
    };
  });
}

/**
 * A quiet window's drift cell: too few served predictions for drift to be computed (its JSON's
 * details.quiet), where the cell showed `-` as for a monitor without a reference. Served ones are
 * the window's count less its failed requests (error_rate), as the evaluator counts them.
 */
function quietCell(w: MonitorStatusInfo['windows'][number], minRows: number): string {
  const served = Math.round(w.count * (1 - (w.metrics.error_rate ?? 0)));
  // minRows lowered since the window was evaluated: it was quiet under the one it had then.
  return served < minRows ? `quiet (${served} < minRows ${minRows})` : `quiet (${served} served, under minRows then)`;
}

/** A duration as --window and --grace take it (`1h`, `15m`, `5.1s`): the largest unit that holds it whole, else seconds. */
export function durationFlag(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}

export function alertRows(alerts: readonly AlertInfo[]): Record<string, unknown>[] {
  return alerts.map((a) => {
    const run = a.retrainRuns[a.retrainRuns.length - 1];
    return {
      id: a.id.slice(0, 12), monitor: a.monitor, rule: a.rule, state: a.state + (a.acknowledgedAt ? ' (ack)' : ''), value: a.value, threshold: a.threshold,
      window: tableTime(a.windowStart), fired: tableTime(a.firedAt), webhook: webhookCell(a),
      // The run id whole, as `runs show` takes it (and `monitor status` prints it).
      retrain: run ? `${run.status}${run.runId ? ` run=${run.runId}` : ''}${run.modelVersion !== null ? ` → ${run.modelName ?? ''}@${run.modelVersion}` : ''}` : '-',
    };
  });
}

/** `delivered/1` for the firing event, then `, resolved failed/2` once a resolution sent one. */
function webhookCell(a: AlertInfo): string {
  const cell = (d: AlertInfo['delivery']): string => (d ? `${d.status}/${d.attempts}` : '-');
  return a.resolvedDelivery ? `${cell(a.delivery)}, resolved ${cell(a.resolvedDelivery)}` : cell(a.delivery);
}
