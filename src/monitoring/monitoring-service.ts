import type { Kysely } from 'kysely';
import { checkResultLimit, lookupFor, notFound, silentLogger, type Logger, type MonitorRunResult, type MonitorStatus, type SavedMonitor } from '../core/index.js';
import type { Database } from '../storage/index.js';
import { checkRule, ruleHistory } from './alert-rules.js';
import { acknowledgeAlert } from './alert-acknowledgement.js';
import { AlertDispatcher, type TrainFunction } from './alert-dispatcher.js';
import { BufferedPredictionLogger, type BufferedPredictionLoggerOptions } from './buffered-prediction-logger.js';
import { parseMonitorConfig } from './monitor-config.js';
import { withDeploymentWarning } from './monitor-warnings.js';
import { MonitorStore } from './monitor-store.js';
import { PredictionStore, type LabelInput } from './prediction-store.js';
import type { Alert, MonitorAnalyzers, MonitorConfig, MonitorRemoval, MonitorView, WindowResult } from './types.js';
import type { DeliveryOptions } from './webhook.js';
import { viewOfMonitor } from './webhook-secrets.js';
import { computePerformance, evaluateWindow } from './window-evaluator.js';
import { WindowReferences } from './window-references.js';
import { completeWindows, firstWindowStartAtOrAfter, firstWindowStartFor } from './windows.js';

export type { MonitorRunResult, MonitorStatus, SavedMonitor } from '../core/index.js';

export interface MonitoringServiceDeps {
  readonly db: Kysely<Database>;
  readonly logger?: Logger;
  /** Drift, schema checks and lineage from validation/ and registry/; without them only software, quality and performance metrics are computed. */
  readonly analyzers?: MonitorAnalyzers;
  /** Dataset versions by ref (data's DatasetService): with it, a monitor's `referenceDataset` must exist. */
  readonly datasets?: { get(ref: string, field?: string): Promise<unknown> };
  /** In-process retraining (training's `train()`), for rules with `retrain.train`. */
  readonly train?: TrainFunction;
  readonly webhook?: DeliveryOptions;
  /** The `alert.resolved` webhooks of a removed monitor's alerts; default REMOVAL_DELIVERY (short: the removal waits for them). */
  readonly removalWebhook?: DeliveryOptions;
  readonly now?: () => number;
  /** Bound on windows evaluated by one run (a long backlog is caught up over several runs). Default 500. */
  readonly maxWindowsPerRun?: number;
}

/** The most windows or alerts one call answers (the API's bound too). */
const MAX_LIMIT = 1000;

/** Monitors over the prediction log: windows, metrics, alert rules, webhooks and retraining. */
export class MonitoringService {
  readonly predictions: PredictionStore;
  readonly store: MonitorStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly dispatcher: AlertDispatcher;
  private readonly compared: WindowReferences;
  private readonly running = new Map<string, Promise<MonitorRunResult>>();
  private readonly loggers = new Set<BufferedPredictionLogger>();

  constructor(private readonly deps: MonitoringServiceDeps) {
    this.predictions = new PredictionStore(deps.db);
    this.store = new MonitorStore(deps.db);
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? Date.now;
    this.compared = new WindowReferences({ store: this.store, predictions: this.predictions, logger: this.logger, ...(deps.analyzers ? { analyzers: deps.analyzers } : {}) });
    this.dispatcher = new AlertDispatcher({ store: this.store, logger: this.logger, now: this.now, ...(deps.train ? { train: deps.train } : {}), ...(deps.webhook ? { webhook: deps.webhook } : {}), ...(deps.removalWebhook ? { removalWebhook: deps.removalWebhook } : {}) });
  }

  /** A buffered logger writing to this service's database (what serving is given); close() drains it. */
  createLogger(options: Omit<BufferedPredictionLoggerOptions, 'db' | 'sink'> = {}): BufferedPredictionLogger {
    const logger = new BufferedPredictionLogger({ ...options, db: this.deps.db, logger: options.logger ?? this.logger });
    this.loggers.add(logger);
    return logger;
  }

  /** Drains the loggers createLogger made, before their database closes (the platform's close): their records were lost. */
  async close(): Promise<void> {
    await Promise.all([...this.loggers].map((l) => l.close()));
    this.loggers.clear();
  }

  addFeedback(labels: readonly LabelInput[]): Promise<{ stored: number; matched: number }> {
    return this.predictions.addLabels(labels, this.now());
  }

  async createMonitor(raw: unknown): Promise<SavedMonitor> {
    const config = parseMonitorConfig(raw);
    await this.checkReference(config);
    const { createdAt: _ignored, ...rest } = config;
    await this.store.createMonitor(rest, this.now());
    return this.withWarnings((await this.store.getMonitor(config.name))!);
  }

  /** Replaces a monitor's definition; a webhook given without its secret keeps the one stored for its URL. */
  async updateMonitor(raw: unknown): Promise<SavedMonitor> {
    const name = (raw as { name?: unknown } | null)?.name;
    const previous = typeof name === 'string' ? await this.store.getMonitor(name) : undefined;
    const { createdAt: _ignored, ...rest } = parseMonitorConfig(raw, previous);
    await this.checkReference(rest);
    await this.store.updateMonitor(rest, this.now());
    this.compared.forget(rest.name);
    return this.withWarnings((await this.store.getMonitor(rest.name))!);
  }

  /** A reference dataset version that does not exist would fail every window's drift check: refused when saved. */
  private async checkReference(config: Pick<MonitorConfig, 'referenceDataset'>): Promise<void> {
    const ref = config.referenceDataset;
    const datasets = this.deps.datasets;
    if (ref !== undefined && datasets) await lookupFor('referenceDataset', () => datasets.get(ref, 'referenceDataset'));
  }

  private async withWarnings(config: MonitorConfig): Promise<SavedMonitor> {
    return withDeploymentWarning(viewOfMonitor(config), await this.predictions.deployments());
  }

  /** The monitor as answered: webhooks without their secrets (see webhook-secrets.ts). */
  async getMonitor(name: string): Promise<MonitorView> {
    return viewOfMonitor(await this.storedMonitor(name));
  }

  async listMonitors(deployment?: string): Promise<MonitorView[]> {
    return (await this.store.listMonitors(deployment)).map(viewOfMonitor);
  }

  /** With the secrets: what runs need, never answered. */
  private async storedMonitor(name: string): Promise<MonitorConfig> {
    const m = await this.store.getMonitor(name);
    if (!m) throw notFound('monitor', name, 'name');
    return m;
  }

  /**
   * Deletes the monitor and its windows, and resolves its firing alerts (their ids are answered);
   * its alerts are kept. Their `alert.resolved` webhooks go out once the delete has committed,
   * with a short budget; how each went is answered.
   */
  async deleteMonitor(name: string): Promise<MonitorRemoval> {
    const removed = await this.store.deleteMonitor(name, this.now());
    this.compared.forget(name);
    const deliveries = await this.dispatcher.resolvedByRemoval(removed.monitor, removed.resolved, removed.newestWindow);
    return { resolvedAlerts: removed.resolved.map((a) => a.id), deliveries };
  }

  async listWindows(name: string, limit?: number): Promise<WindowResult[]> {
    const checked = checkResultLimit('limit', limit, 20, MAX_LIMIT);
    await this.getMonitor(name);
    return this.store.listWindows(name, { limit: checked });
  }

  async listAlerts(q: { monitor?: string; deployment?: string; state?: string; limit?: number } = {}): Promise<Alert[]> {
    const limit = checkResultLimit('limit', q.limit, 100, MAX_LIMIT);
    if (q.deployment === undefined) return this.store.listAlerts({ ...q, limit });
    const monitors = await this.listMonitors(q.deployment);
    return this.store.listAlerts({ ...q, limit, monitors: monitors.map((m) => m.name) });
  }

  /** By the alert's id or its start (4 characters or more): the alert acknowledged, its id whole. */
  acknowledgeAlert(id: string): Promise<Alert> {
    return acknowledgeAlert(this.store, id, this.now());
  }

  /** The last windows and alerts of every monitor on a deployment (or of the monitor so named). */
  async status(deploymentOrMonitor: string, limitOrDefault?: number): Promise<MonitorStatus[]> {
    const limit = checkResultLimit('limit', limitOrDefault, 10, MAX_LIMIT);
    let monitors = await this.store.listMonitors(deploymentOrMonitor);
    if (monitors.length === 0) {
      const m = await this.store.getMonitor(deploymentOrMonitor);
      if (!m) throw notFound('deployment or monitor', deploymentOrMonitor, 'target');
      monitors = [m];
    }
    return Promise.all(monitors.map(async (m) => ({
      monitor: viewOfMonitor(m),
      windows: await this.store.listWindows(m.name, { limit }),
      alerts: await this.store.listAlerts({ monitor: m.name, limit }),
    })));
  }

  async runAll(options: { now?: number } = {}): Promise<MonitorRunResult[]> {
    const out: MonitorRunResult[] = [];
    for (const m of await this.listMonitors()) out.push(await this.runMonitor(m.name, options));
    return out;
  }

  /**
   * Evaluates every complete window (end + grace <= now) not evaluated yet, folds late records
   * and new labels into recent windows, and applies the alert rules. Idempotent: a second run at
   * the same `now` evaluates nothing.
   */
  runMonitor(name: string, options: { now?: number } = {}): Promise<MonitorRunResult> {
    // One run per monitor at a time in this process; the window primary key guards across processes.
    const prev = this.running.get(name) ?? Promise.resolve(undefined);
    const next = prev.catch(() => undefined).then(() => this.runOnce(name, options.now ?? this.now()));
    this.running.set(name, next);
    return next.finally(() => {
      if (this.running.get(name) === next) this.running.delete(name);
    });
  }

  private async runOnce(name: string, now: number): Promise<MonitorRunResult> {
    const config = await this.storedMonitor(name);
    const spec = config.window;
    const last = await this.store.lastWindowStart(name);
    let from: number | undefined;
    if (last !== undefined) from = last + spec.slideMs;
    else {
      const first = await this.predictions.firstEventTime(config.deployment);
      if (first !== undefined) from = firstWindowStartFor(spec, first, config.originMs);
    }
    // A start skips what came before it, also for a monitor whose windows stopped long ago.
    if (from !== undefined && config.startMs !== undefined) from = Math.max(from, firstWindowStartAtOrAfter(spec, config.startMs, config.originMs));
    const evaluated: WindowResult[] = [];
    const fired: Alert[] = [];
    const resolved: string[] = [];
    const windows = from === undefined ? [] : completeWindows(spec, from, now, this.deps.maxWindowsPerRun ?? 500);
    for (const w of windows) {
      const result = await this.evaluate(config, w.start, w.end, now);
      if (!(await this.store.insertWindow(result))) continue;
      evaluated.push(result);
      const outcome = await this.applyRules(config, result);
      fired.push(...outcome.fired);
      resolved.push(...outcome.resolved);
    }
    const refreshed = await this.refresh(config, now, new Set(evaluated.map((w) => w.start)));
    if (refreshed.length > 0 && evaluated.length === 0) {
      // New labels can change a performance rule's verdict: re-check at the newest window (never
      // at an older one, which would resolve alerts on stale evidence).
      const [newest] = await this.store.listWindows(name, { limit: 1 });
      const outcome = await this.applyRules(config, newest!);
      fired.push(...outcome.fired);
      resolved.push(...outcome.resolved);
    }
    if (evaluated.length > 0) this.logger.info({ monitor: name, windows: evaluated.length, fired: fired.length }, 'monitor run');
    return { monitor: name, evaluated, refreshed: refreshed.length, fired, resolved };
  }

  private async evaluate(config: MonitorConfig, start: number, end: number, now: number): Promise<WindowResult> {
    const receivedBy = end + config.window.graceMs;
    const records = await this.predictions.query({ deployment: config.deployment, from: start, to: end, receivedBy });
    const lateCount = await this.predictions.countLate(config.deployment, start, end, receivedBy);
    const reference = records.length > 0 ? await this.compared.reference(config, records[records.length - 1]!) : undefined;
    const baseline = await this.compared.baseline(config);
    const e = await evaluateWindow({
      config, records, lateCount,
      ...(reference ? { reference } : {}),
      ...(baseline ? { baselineOutputs: baseline } : {}),
      ...(this.deps.analyzers ? { analyzers: this.deps.analyzers } : {}),
    });
    if (e.outputs) this.compared.keepBaseline(config, start, e.outputs);
    return { monitor: config.name, start, end, evaluatedAt: now, count: records.length, lateCount, labeledCount: e.labeledCount, metrics: e.metrics, details: e.details };
  }

  /** Late records and labels that arrived after a window was evaluated are counted into it. */
  private async refresh(config: MonitorConfig, now: number, skip: ReadonlySet<number>): Promise<WindowResult[]> {
    const recent = await this.store.listWindows(config.name, { endAfter: now - config.refreshHorizonMs, limit: 200 });
    const changed: WindowResult[] = [];
    for (const w of recent) {
      if (skip.has(w.start)) continue;
      const receivedBy = w.end + config.window.graceMs;
      const lateCount = await this.predictions.countLate(config.deployment, w.start, w.end, receivedBy);
      const labeledCount = w.count > 0 ? await this.predictions.countLabeled(config.deployment, w.start, w.end, receivedBy) : 0;
      if (lateCount === w.lateCount && labeledCount === w.labeledCount) continue;
      let metrics: Record<string, number> = { ...w.metrics, late_count: lateCount };
      if (labeledCount !== w.labeledCount) {
        const records = await this.predictions.query({ deployment: config.deployment, from: w.start, to: w.end, receivedBy });
        metrics = { ...Object.fromEntries(Object.entries(metrics).filter(([k]) => !k.startsWith('performance.'))), ...computePerformance(config, records).metrics };
      }
      const updated: WindowResult = { ...w, lateCount, labeledCount, metrics };
      await this.store.updateWindow(updated);
      changed.push(updated);
    }
    return changed;
  }

  private async applyRules(config: MonitorConfig, window: WindowResult): Promise<{ fired: Alert[]; resolved: string[] }> {
    const fired: Alert[] = [];
    const resolved: string[] = [];
    if (config.rules.length === 0) return { fired, resolved };
    const since = config.startMs ?? Number.NEGATIVE_INFINITY;
    // Streaks and cool-downs do not reach back past the monitor's start.
    const history = await ruleHistory(config, (startAtMost, limit) => this.store.listWindows(config.name, { startAtMost, limit }), window.start, since);
    for (const rule of config.rules) {
      const check = checkRule(rule, history, config.minRows);
      const last = await this.store.lastAlert(config.name, rule.name);
      if (last?.state === 'firing') {
        // Resolve on evidence only: a window without the metric (no traffic) keeps the alert open.
        // One from before the start is the earlier watch's: this watch's own firing replaces it, or
        // whether a restarted watch alerts (and retrains) would hang on its first windows' evidence.
        const replaced = check.fires && last.windowEnd <= since;
        if (replaced || (!check.holdsNow && check.value !== null)) {
          await this.store.resolveAlert(last.id, this.now());
          resolved.push(last.id);
          await this.dispatcher.resolved(config, rule, last, window);
        }
        if (!replaced) continue;
      }
      if (!check.fires) continue;
      // Cool-down runs on event time, so a backfill over old traffic fires as a live run would.
      if (last && last.windowEnd > since && window.end - last.windowEnd < rule.cooldownMs) continue;
      fired.push(await this.dispatcher.fire(config, rule, window, check.value));
    }
    return { fired, resolved };
  }
}
