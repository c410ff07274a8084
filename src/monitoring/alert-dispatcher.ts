import type { Logger } from '../core/index.js';
import type { MonitorStore } from './monitor-store.js';
import { runRetrainCommand } from './retrain-command.js';
import type { Alert, AlertRule, DeliveryOutcome, MonitorConfig, RemovalDelivery, WindowResult } from './types.js';
import { deliverWebhook, type DeliveryOptions } from './webhook.js';

export interface RetrainContext {
  readonly alertId: string;
  readonly monitor: string;
  readonly deployment: string;
}

/** In-process retraining (training's `train()` adapted by the platform); returns the lineage it made. */
export type TrainFunction = (request: Readonly<Record<string, unknown>>, context: RetrainContext) => Promise<{ runId?: string; modelName?: string; modelVersion?: number }>;

/**
 * The budget of the `alert.resolved` webhooks sent when a monitor is removed: `keel monitor rm`
 * waits for them, so a receiver that does not answer may hold it about 4 s (two attempts of 2 s,
 * 250 ms apart), not the minute of a run's full retries. The notice is best effort: the command
 * answers which deliveries failed, and the removal stands.
 */
export const REMOVAL_DELIVERY: DeliveryOptions = { attempts: 2, timeoutMs: 2_000, backoffMs: 250 };

/** What happens when a rule fires or resolves: store the alert, POST the webhook, start retraining. */
export class AlertDispatcher {
  constructor(private readonly o: { store: MonitorStore; logger: Logger; now: () => number; train?: TrainFunction; webhook?: DeliveryOptions; removalWebhook?: DeliveryOptions }) {}

  async fire(config: MonitorConfig, rule: AlertRule, window: WindowResult, value: number | null): Promise<Alert> {
    const { store, logger } = this.o;
    const id = await store.insertAlert({
      monitor: config.name, rule: rule.name, metric: rule.metric, value, threshold: rule.threshold,
      windowStart: window.start, windowEnd: window.end, firedAt: this.o.now(),
    });
    logger.info({ alertId: id, monitor: config.name, rule: rule.name, value }, 'alert firing');
    if (rule.webhook) {
      const outcome = await deliverWebhook(rule.webhook, 'alert.firing', this.payload(config, rule, id, window, value), { ...this.o.webhook, now: this.o.now });
      await store.setDelivery(id, outcome);
      if (outcome.status === 'failed') logger.error({ alertId: id, ...outcome }, 'alert webhook delivery failed');
    }
    if (rule.retrain) await this.retrain(config, rule, id);
    return (await store.getAlert(id))!;
  }

  async resolved(config: MonitorConfig, rule: AlertRule, alert: Alert, window: WindowResult, options: DeliveryOptions = this.o.webhook ?? {}): Promise<DeliveryOutcome | undefined> {
    if (!rule.webhook) return undefined;
    const value = window.metrics[rule.metric];
    const outcome = await deliverWebhook(rule.webhook, 'alert.resolved', this.payload(config, rule, alert.id, window, typeof value === 'number' ? value : null), { ...options, now: this.o.now });
    await this.o.store.setDelivery(alert.id, outcome, 'resolved');
    if (outcome.status === 'failed') this.o.logger.error({ alertId: alert.id, monitor: config.name, rule: rule.name, event: 'alert.resolved', ...outcome }, 'alert webhook delivery failed');
    return outcome;
  }

  /**
   * The `alert.resolved` events of alerts resolved by removing their monitor (sent after the
   * delete commits, to the targets its rules had). No window resolved them: the event carries the
   * monitor's newest window, as a resolution by a run carries the window that resolved it. They
   * get the short removal budget (REMOVAL_DELIVERY), as the command waits for them; a failed
   * delivery is logged and answered, and does not undo the removal.
   */
  async resolvedByRemoval(config: MonitorConfig, alerts: readonly Alert[], newestWindow: WindowResult | undefined): Promise<RemovalDelivery[]> {
    // All at once: a receiver that is down holds the removal for one alert's budget, not each one's.
    const sent = await Promise.all(alerts.map((alert) => this.resolvedWithMonitor(config, alert, newestWindow)));
    return sent.filter((d): d is RemovalDelivery => d !== undefined);
  }

  private async resolvedWithMonitor(config: MonitorConfig, alert: Alert, newestWindow: WindowResult | undefined): Promise<RemovalDelivery | undefined> {
    const rule = config.rules.find((r) => r.name === alert.rule);
    if (!rule) {
      // The rule was dropped by an update, and its target with it.
      this.o.logger.warn({ alertId: alert.id, monitor: config.name, rule: alert.rule }, 'alert resolved with its monitor: its rule is gone, no webhook sent');
      return undefined;
    }
    // Only an alert older than every window (fired before a monitor of the same name was made
    // again) finds none: it is described by the window that fired it.
    const window = newestWindow ?? { monitor: config.name, start: alert.windowStart, end: alert.windowEnd, evaluatedAt: alert.firedAt, count: 0, lateCount: 0, labeledCount: 0, metrics: {}, details: { models: {}, missingRates: {}, notes: [] } };
    let outcome: DeliveryOutcome | undefined;
    try {
      outcome = await this.resolved(config, rule, alert, window, { ...REMOVAL_DELIVERY, ...this.o.removalWebhook });
    } catch (e) {
      this.o.logger.error({ err: e, alertId: alert.id }, 'alert webhook delivery failed');
      outcome = { status: 'failed', attempts: 0, error: (e as Error).message };
    }
    return outcome && { alertId: alert.id, rule: rule.name, ...outcome };
  }

  private payload(config: MonitorConfig, rule: AlertRule, id: string, window: WindowResult, value: number | null): Record<string, unknown> {
    return {
      alert: { id, rule: rule.name, metric: rule.metric, op: rule.op, threshold: rule.threshold, value },
      monitor: config.name,
      deployment: config.deployment,
      window: { start: window.start, end: window.end, count: window.count, lateCount: window.lateCount },
      drift: window.details.inputDrift ? { share: window.details.inputDrift.driftedShare, columns: window.details.inputDrift.columns.filter((c) => c.drifted).map((c) => c.column) } : undefined,
    };
  }

  private async retrain(config: MonitorConfig, rule: AlertRule, alertId: string): Promise<void> {
    const { store, logger } = this.o;
    const spec = rule.retrain!;
    const context: RetrainContext = { alertId, monitor: config.name, deployment: config.deployment };
    if (spec.command !== undefined) {
      // Placeholders rather than environment variables: the command line shows what ran.
      const command = spec.command.replaceAll('{alertId}', alertId).replaceAll('{monitor}', config.name).replaceAll('{deployment}', config.deployment);
      const runId = await store.insertRetrainRun({ alertId, monitor: config.name, trigger: 'command', command, startedAt: this.o.now() });
      const r = await runRetrainCommand(command, spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {});
      await store.finishRetrainRun(runId, {
        status: r.exitCode === 0 ? 'succeeded' : 'failed', exitCode: r.exitCode, output: r.timedOut ? `${r.output}\n[timed out]` : r.output,
        runId: r.runId, modelName: r.modelName, modelVersion: r.modelVersion, finishedAt: this.o.now(),
      });
      logger.info({ alertId, command, exitCode: r.exitCode }, 'retraining command finished');
      return;
    }
    const runId = await store.insertRetrainRun({ alertId, monitor: config.name, trigger: 'train', command: JSON.stringify(spec.train), startedAt: this.o.now() });
    if (!this.o.train) {
      await store.finishRetrainRun(runId, { status: 'failed', exitCode: null, output: 'no in-process trainer is configured', runId: null, modelName: null, modelVersion: null, finishedAt: this.o.now() });
      return;
    }
    try {
      const r = await this.o.train(spec.train ?? {}, context);
      await store.finishRetrainRun(runId, { status: 'succeeded', exitCode: 0, output: null, runId: r.runId ?? null, modelName: r.modelName ?? null, modelVersion: r.modelVersion ?? null, finishedAt: this.o.now() });
    } catch (e) {
      logger.error({ err: e, alertId }, 'in-process retraining failed');
      await store.finishRetrainRun(runId, { status: 'failed', exitCode: null, output: (e as Error).message, runId: null, modelName: null, modelVersion: null, finishedAt: this.o.now() });
    }
  }
}
