import type { Kysely } from 'kysely';
import { KeelError, newId, notFound, windowFromJson } from '../core/index.js';
import { isUniqueViolation, type Database } from '../storage/index.js';
import { DEFAULT_MIN_ROWS } from './monitor-config.js';
import type { Alert, DeliveryOutcome, MonitorConfig, RetrainRun, WindowDetails, WindowResult } from './types.js';

type AlertRow = Database['alerts'];
type RetrainRow = Database['retrain_runs'];

/** SQL persistence of monitors, window results, alerts and retraining lineage (both databases). */
export class MonitorStore {
  constructor(readonly db: Kysely<Database>) {}

  async createMonitor(config: MonitorConfig, now: number): Promise<void> {
    try {
      await this.db.insertInto('monitors').values({ name: config.name, deployment: config.deployment, config_json: JSON.stringify(config), created_at: now, updated_at: now }).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new KeelError('ALREADY_EXISTS', `monitor '${config.name}' already exists`, { field: 'name' });
      throw e;
    }
  }

  async updateMonitor(config: MonitorConfig, now: number): Promise<void> {
    const r = await this.db.updateTable('monitors').set({ deployment: config.deployment, config_json: JSON.stringify(config), updated_at: now }).where('name', '=', config.name).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('monitor', config.name, 'name');
  }

  /**
   * Deletes the monitor and its windows and resolves its firing alerts at `now`, all or nothing:
   * no window could ever resolve them again, and a monitor made later under the name would find
   * them open. The alerts stay, as the history retraining runs point to. Answers what the
   * `alert.resolved` webhooks need, read before the delete: the monitor (its rules' targets), its
   * newest window, and the alerts resolved (oldest first).
   */
  async deleteMonitor(name: string, now: number): Promise<{ monitor: MonitorConfig; newestWindow: WindowResult | undefined; resolved: Alert[] }> {
    return this.db.transaction().execute(async (tx) => {
      const inTx = new MonitorStore(tx);
      const monitor = await inTx.getMonitor(name);
      if (!monitor) throw notFound('monitor', name, 'name');
      const [newestWindow] = await inTx.listWindows(name, { limit: 1 });
      await tx.deleteFrom('monitor_windows').where('monitor_name', '=', name).execute();
      const r = await tx.deleteFrom('monitors').where('name', '=', name).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound('monitor', name, 'name');
      const resolved = await tx.updateTable('alerts').set({ state: 'resolved', resolved_at: now }).where('monitor_name', '=', name).where('state', '=', 'firing').returningAll().execute();
      const alerts = resolved.map((a) => toAlert(a, [])).sort((a, b) => a.firedAt - b.firedAt || a.windowEnd - b.windowEnd);
      return { monitor, newestWindow, resolved: alerts };
    });
  }

  async getMonitor(name: string): Promise<MonitorConfig | undefined> {
    const row = await this.db.selectFrom('monitors').select(['config_json', 'created_at']).where('name', '=', name).executeTakeFirst();
    return row ? toMonitorConfig(row) : undefined;
  }

  async listMonitors(deployment?: string): Promise<MonitorConfig[]> {
    let q = this.db.selectFrom('monitors').select(['config_json', 'created_at']).orderBy('name');
    if (deployment !== undefined) q = q.where('deployment', '=', deployment);
    return (await q.execute()).map(toMonitorConfig);
  }

  /** Inserting twice is a no-op: a window is evaluated once (runs are idempotent). */
  async insertWindow(w: WindowResult): Promise<boolean> {
    try {
      await this.db.insertInto('monitor_windows').values(toWindowRow(w)).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async updateWindow(w: WindowResult): Promise<void> {
    const { monitor_name, window_start, ...rest } = toWindowRow(w);
    await this.db.updateTable('monitor_windows').set(rest).where('monitor_name', '=', monitor_name).where('window_start', '=', window_start).execute();
  }

  /** The newest windows first. */
  async listWindows(monitor: string, opts: { limit?: number; endAfter?: number; startAtMost?: number } = {}): Promise<WindowResult[]> {
    let q = this.db.selectFrom('monitor_windows').selectAll().where('monitor_name', '=', monitor).orderBy('window_start', 'desc');
    if (opts.endAfter !== undefined) q = q.where('window_end', '>', opts.endAfter);
    if (opts.startAtMost !== undefined) q = q.where('window_start', '<=', opts.startAtMost);
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map((r) => windowFromJson({
      monitor: r.monitor_name,
      start: r.window_start,
      end: r.window_end,
      evaluatedAt: r.evaluated_at,
      count: r.count,
      lateCount: r.late_count,
      labeledCount: r.labeled_count,
      metrics: JSON.parse(r.metrics_json) as Record<string, number>,
      details: JSON.parse(r.result_json) as WindowDetails,
    }));
  }

  /** The oldest windows (from `from` on, a monitor's start) with at least `minCount` records, oldest first. */
  async windowsWithTraffic(monitor: string, opts: { from?: number; minCount: number; limit: number }): Promise<{ start: number; end: number }[]> {
    let q = this.db.selectFrom('monitor_windows').select(['window_start', 'window_end']).where('monitor_name', '=', monitor).where('count', '>=', Math.max(1, opts.minCount));
    if (opts.from !== undefined) q = q.where('window_start', '>=', opts.from);
    const rows = await q.orderBy('window_start').limit(opts.limit).execute();
    return rows.map((r) => ({ start: r.window_start, end: r.window_end }));
  }

  async lastWindowStart(monitor: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('monitor_windows').select((eb) => eb.fn.max<number>('window_start').as('s')).where('monitor_name', '=', monitor).executeTakeFirst();
    return r?.s === null || r?.s === undefined ? undefined : Number(r.s);
  }

  async getReference(datasetRef: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('monitor_references').select('stats_json').where('dataset_ref', '=', datasetRef).executeTakeFirst();
    return r?.stats_json;
  }

  async putReference(datasetRef: string, statsJson: string, now: number): Promise<void> {
    await this.db.insertInto('monitor_references').values({ dataset_ref: datasetRef, stats_json: statsJson, created_at: now }).onConflict((oc) => oc.column('dataset_ref').doNothing()).execute();
  }

  async insertAlert(a: Omit<Alert, 'id' | 'retrainRuns' | 'delivery' | 'resolvedDelivery' | 'resolvedAt' | 'acknowledgedAt' | 'state'>): Promise<string> {
    const id = newId();
    await this.db.insertInto('alerts').values({
      id, monitor_name: a.monitor, rule_name: a.rule, metric: a.metric, state: 'firing', value: numOrNull(a.value), threshold: a.threshold,
      window_start: a.windowStart, window_end: a.windowEnd, fired_at: a.firedAt, resolved_at: null, acknowledged_at: null, delivery_json: null, resolved_delivery_json: null,
    }).execute();
    return id;
  }

  async resolveAlert(id: string, at: number): Promise<void> {
    await this.db.updateTable('alerts').set({ state: 'resolved', resolved_at: at }).where('id', '=', id).where('state', '=', 'firing').execute();
  }

  /** Up to `limit` alert ids that start with `prefix` (lowercase hex, so LIKE matches it literally). */
  async alertIdsStartingWith(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('alerts').select('id').where('id', 'like', `${prefix}%`).orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  async acknowledgeAlert(id: string, at: number): Promise<void> {
    const r = await this.db.updateTable('alerts').set({ acknowledged_at: at }).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('alert', id, 'id');
  }

  /** How the alert's webhook went: its `alert.firing` event's, or (`resolved`) its `alert.resolved` event's. */
  async setDelivery(id: string, d: DeliveryOutcome, event: 'firing' | 'resolved' = 'firing'): Promise<void> {
    const json = JSON.stringify(d);
    await this.db.updateTable('alerts').set(event === 'firing' ? { delivery_json: json } : { resolved_delivery_json: json }).where('id', '=', id).execute();
  }

  /** The rule's newest alert (open or not). */
  async lastAlert(monitor: string, rule: string): Promise<Alert | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('monitor_name', '=', monitor).where('rule_name', '=', rule).orderBy('window_end', 'desc').orderBy('fired_at', 'desc').limit(1).executeTakeFirst();
    return row ? toAlert(row, []) : undefined;
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    return (await this.listAlerts({ id, limit: 1 }))[0];
  }

  async listAlerts(q: { id?: string; monitor?: string; monitors?: readonly string[]; state?: string; limit?: number } = {}): Promise<Alert[]> {
    let sel = this.db.selectFrom('alerts').selectAll().orderBy('fired_at', 'desc').orderBy('window_end', 'desc');
    if (q.id !== undefined) sel = sel.where('id', '=', q.id);
    if (q.monitor !== undefined) sel = sel.where('monitor_name', '=', q.monitor);
    if (q.monitors !== undefined) {
      if (q.monitors.length === 0) return [];
      sel = sel.where('monitor_name', 'in', q.monitors);
    }
    if (q.state !== undefined) sel = sel.where('state', '=', q.state);
    sel = sel.limit(q.limit ?? 100);
    const rows = await sel.execute();
    if (rows.length === 0) return [];
    const runs = await this.db.selectFrom('retrain_runs').selectAll().where('alert_id', 'in', rows.map((r) => r.id)).orderBy('started_at').execute();
    return rows.map((r) => toAlert(r, runs.filter((x) => x.alert_id === r.id).map(toRetrainRun)));
  }

  async insertRetrainRun(r: Pick<RetrainRun, 'alertId' | 'monitor' | 'trigger' | 'command' | 'startedAt'>): Promise<string> {
    const id = newId();
    await this.db.insertInto('retrain_runs').values({
      id, alert_id: r.alertId, monitor_name: r.monitor, trigger: r.trigger, command: r.command, status: 'running', exit_code: null,
      output: null, run_id: null, model_name: null, model_version: null, started_at: r.startedAt, finished_at: null,
    }).execute();
    return id;
  }

  async finishRetrainRun(id: string, r: Pick<RetrainRun, 'status' | 'exitCode' | 'output' | 'runId' | 'modelName' | 'modelVersion' | 'finishedAt'>): Promise<void> {
    await this.db.updateTable('retrain_runs').set({
      status: r.status, exit_code: r.exitCode, output: r.output, run_id: r.runId, model_name: r.modelName, model_version: r.modelVersion, finished_at: r.finishedAt,
    }).where('id', '=', id).execute();
  }
}

/** A monitor saved before `minRows` existed gets its default, as one created now without it does. */
function toMonitorConfig(r: { config_json: string; created_at: number }): MonitorConfig {
  const saved = JSON.parse(r.config_json) as Omit<MonitorConfig, 'minRows'> & { minRows?: number };
  return { ...saved, minRows: saved.minRows ?? DEFAULT_MIN_ROWS, createdAt: r.created_at };
}

// NaN and Infinity do not survive JSON: they are stored as strings and read back as numbers.
function replaceNumbers(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}
// ±Infinity is kept (a drift statistic of a new category fires a rule with it; both databases hold
// it in double precision); NaN is no value.
const numOrNull = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v);

function toWindowRow(w: WindowResult): Database['monitor_windows'] {
  return {
    monitor_name: w.monitor, window_start: w.start, window_end: w.end, evaluated_at: w.evaluatedAt, count: w.count, late_count: w.lateCount,
    labeled_count: w.labeledCount, metrics_json: JSON.stringify(w.metrics, replaceNumbers), result_json: JSON.stringify(w.details, replaceNumbers),
  };
}

function toRetrainRun(r: RetrainRow): RetrainRun {
  return {
    id: r.id, alertId: r.alert_id, monitor: r.monitor_name, trigger: r.trigger as RetrainRun['trigger'], command: r.command, status: r.status as RetrainRun['status'],
    exitCode: r.exit_code, output: r.output, runId: r.run_id, modelName: r.model_name, modelVersion: r.model_version, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

function toAlert(r: AlertRow, runs: RetrainRun[]): Alert {
  return {
    id: r.id, monitor: r.monitor_name, rule: r.rule_name, metric: r.metric, state: r.state as Alert['state'], value: r.value, threshold: r.threshold,
    windowStart: r.window_start, windowEnd: r.window_end, firedAt: r.fired_at, resolvedAt: r.resolved_at, acknowledgedAt: r.acknowledged_at,
    delivery: parseDelivery(r.delivery_json), resolvedDelivery: parseDelivery(r.resolved_delivery_json), retrainRuns: runs,
  };
}

const parseDelivery = (json: string | null): DeliveryOutcome | null => (json ? (JSON.parse(json) as DeliveryOutcome) : null);
