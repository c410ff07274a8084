import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromRows } from '../core/index.js';
import { testStores, type MetadataStore } from '../storage/index.js';
import { MonitoringService } from './monitoring-service.js';
import { makePrediction, meanShiftAnalyzers, startWebhookReceiver, type WebhookReceiver } from './testing.js';

const H = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H); // an hour boundary

/** Deterministic pseudo-normal noise, so the scenario is the same on every run. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 2;
}

describe.each(testStores())('monitoring scenario on $name', ({ open }) => {
  let store: MetadataStore;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    store = await open();
    receiver = await startWebhookReceiver('s3cret');
  });
  afterAll(async () => {
    await store?.close();
    await new Promise((r) => receiver?.server.close(r));
  });

  it('sees drift after inputs shift, fires after its duration, signs the webhook, retrains, and folds in late records and labels', async () => {
    const reference = tableFromRows(Array.from({ length: 500 }, (_, i) => ({ amount: 10 + noise(i), age: 40 + 5 * noise(i + 7), label: i % 2 })));
    const analyzers = meanShiftAnalyzers({ 'fraud@v1': reference });
    const svc = new MonitoringService({ db: store.db, analyzers, webhook: { attempts: 3, backoffMs: 10 } });
    const logger = svc.createLogger({ flushIntervalMs: 10_000, now: () => clock });
    let clock = T0;
    // Six hours of traffic, 100 requests an hour; `amount` shifts by 5σ from hour 3 on.
    for (let h = 0; h < 6; h++) {
      for (let i = 0; i < 100; i++) {
        const n = h * 100 + i;
        clock = T0 + h * H + i * 30_000;
        const amount = 10 + noise(n) + (h >= 3 ? 5 : 0);
        logger.log(makePrediction({ requestId: `q${n}`, timestamp: clock, deployment: 'fraud-svc', modelName: 'fraud', inputs: { amount, age: 40 + 5 * noise(n + 7) }, outputs: { probability: amount > 12 ? 0.9 : 0.1 }, latencyMs: 1 + (n % 10) }));
      }
    }
    // Three records of hour 1 arrive two hours late: counted as late, not in the window.
    clock = T0 + 3 * H;
    for (let i = 0; i < 3; i++) logger.log(makePrediction({ requestId: `late${i}`, timestamp: T0 + H + 1000 * i, deployment: 'fraud-svc', inputs: { amount: 10, age: 40 }, outputs: { probability: 0.1 } }));
    await logger.close();

    await svc.createMonitor({
      name: 'fraud-drift', deployment: 'fraud-svc', referenceDataset: 'fraud@v1', task: 'binary',
      window: { type: 'tumbling', size: '1h', grace: '5m' },
      webhook: { url: receiver.url, secret: 's3cret' },
      rules: [
        { name: 'input-drift', metric: 'drift.share', op: '>=', threshold: 0.5, forWindows: 2, cooldown: '1d', retrain: { command: `printf '{"runId":"run-{alertId}","model":{"name":"fraud","version":2}}\\n'` } },
        { name: 'slow', metric: 'latency.p99', op: '>', threshold: 1000 },
      ],
    });
    const run = await svc.runMonitor('fraud-drift', { now: T0 + 6 * H + 10 * 60_000 });
    expect(run.evaluated.map((w) => w.count)).toEqual([100, 100, 100, 100, 100, 100]);
    expect(run.evaluated.map((w) => w.metrics['drift.share'])).toEqual([0, 0, 0, 0.5, 0.5, 0.5]);
    expect(run.evaluated[1]!.lateCount).toBe(3);
    expect(run.evaluated[0]!.metrics['latency.p50']).toBe(5.5);
    expect(run.evaluated[0]!.details.inputDrift!.columns.find((c) => c.column === 'amount')!.drifted).toBe(false);
    expect(run.evaluated[3]!.details.inputDrift!.columns.find((c) => c.column === 'amount')!.drifted).toBe(true);
    // Output drift is measured against the first window's outputs.
    expect(run.evaluated[4]!.metrics['output_drift.probability.statistic']).toBeGreaterThan(1);
    // Reference statistics computed once for the dataset version, not per window.
    expect(analyzers.referenceCalls).toEqual(['fraud@v1']);

    // Fired once, at the second drifted window (hour 4), not at the first.
    expect(run.fired).toHaveLength(1);
    const alert = run.fired[0]!;
    expect(alert).toMatchObject({ rule: 'input-drift', state: 'firing', value: 0.5, windowStart: T0 + 4 * H });
    expect([alert.delivery, alert.resolvedDelivery]).toEqual([{ status: 'delivered', attempts: 1, httpStatus: 204 }, null]);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.valid).toBe(true);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ event: 'alert.firing', monitor: 'fraud-drift', alert: { id: alert.id, metric: 'drift.share' }, drift: { columns: ['amount'] } });
    // The retraining command ran, and its run and model version are recorded against the alert.
    expect(alert.retrainRuns).toHaveLength(1);
    expect(alert.retrainRuns[0]).toMatchObject({ trigger: 'command', status: 'succeeded', exitCode: 0, runId: `run-${alert.id}`, modelName: 'fraud', modelVersion: 2 });

    // Idempotent: nothing new at the same time.
    const again = await svc.runMonitor('fraud-drift', { now: T0 + 6 * H + 10 * 60_000 });
    expect(again.evaluated).toHaveLength(0);
    expect(again.fired).toHaveLength(0);

    // Labels for hour 0 arrive later: the window's performance is filled in on the next run.
    await svc.addFeedback(Array.from({ length: 100 }, (_, i) => ({ requestId: `q${i}`, label: i < 80 ? 0 : 1 })));
    const withLabels = await svc.runMonitor('fraud-drift', { now: T0 + 6 * H + 20 * 60_000 });
    expect(withLabels.refreshed).toBe(1);
    const [hour0] = (await svc.listWindows('fraud-drift', 10)).slice(-1);
    expect(hour0!.labeledCount).toBe(100);
    const predicted = Array.from({ length: 100 }, (_, i) => (10 + noise(i) > 12 ? 1 : 0));
    const expectedAccuracy = predicted.filter((p, i) => p === (i < 80 ? 0 : 1)).length / 100;
    expect(hour0!.metrics['performance.accuracy']).toBeCloseTo(expectedAccuracy, 12);

    // Inputs return to normal: the alert resolves, and a resolve webhook is sent.
    const back = svc.createLogger({ now: () => T0 + 6 * H + 60_000 });
    for (let i = 0; i < 50; i++) back.log(makePrediction({ requestId: `n${i}`, timestamp: T0 + 6 * H + i * 60_000, deployment: 'fraud-svc', inputs: { amount: 10 + noise(i), age: 40 }, outputs: { probability: 0.1 } }));
    await back.close();
    const later = await svc.runMonitor('fraud-drift', { now: T0 + 7 * H + 10 * 60_000 });
    expect(later.resolved).toEqual([alert.id]);
    expect(receiver.received.map((r) => JSON.parse(r.body).event)).toEqual(['alert.firing', 'alert.resolved']);
    const alerts = await svc.listAlerts({ deployment: 'fraud-svc' });
    // Both deliveries are recorded on the alert, each in its own field.
    expect(alerts.map((a) => [a.state, a.delivery?.status, a.resolvedDelivery])).toEqual([['resolved', 'delivered', { status: 'delivered', attempts: 1, httpStatus: 204 }]]);

    const status = await svc.status('fraud-svc', 3);
    expect(status[0]!.windows.map((w) => w.start)).toEqual([T0 + 6 * H, T0 + 5 * H, T0 + 4 * H]);
  });

  it('sliding windows overlap; in-process retraining records the lineage it returns', async () => {
    const analyzers = meanShiftAnalyzers({ 'd@1': tableFromRows(Array.from({ length: 100 }, (_, i) => ({ x: noise(i) }))) });
    analyzers.trainingDataset = async (model, version) => (model === 'm' && version === 1 ? 'd@1' : undefined);
    const calls: unknown[] = [];
    const svc = new MonitoringService({
      db: store.db, analyzers,
      train: async (request, ctx) => {
        calls.push({ request, alertId: ctx.alertId });
        return { runId: 'r1', modelName: 'm', modelVersion: 7 };
      },
    });
    const log = svc.createLogger({ now: () => T0 });
    for (let i = 0; i < 120; i++) log.log(makePrediction({ requestId: `s${i}`, timestamp: T0 + i * 60_000, deployment: 'slide', inputs: { x: noise(i) + (i >= 60 ? 4 : 0) } }));
    await log.close();
    await svc.createMonitor({ name: 'slide-mon', deployment: 'slide', window: { type: 'sliding', size: '1h', slide: '30m' }, rules: [{ name: 'drift', metric: 'drift.x.statistic', op: '>', threshold: 1, for: '90m', retrain: { train: { dataset: 'd@latest' } } }] });
    const run = await svc.runMonitor('slide-mon', { now: T0 + 2 * H });
    expect(run.evaluated.map((w) => [w.start - T0, w.count])).toEqual([[-H / 2, 30], [0, 60], [H / 2, 60], [H, 60]]);
    expect(run.fired).toHaveLength(1);
    expect(run.fired[0]!.windowStart).toBe(T0 + H);
    expect(calls).toEqual([{ request: { dataset: 'd@latest' }, alertId: run.fired[0]!.id }]);
    expect(run.fired[0]!.retrainRuns[0]).toMatchObject({ trigger: 'train', status: 'succeeded', runId: 'r1', modelVersion: 7 });
  });

  it('rejects a bad monitor definition naming the field and stores nothing', async () => {
    const svc = new MonitoringService({ db: store.db });
    await expect(svc.createMonitor({ name: 'bad', deployment: 'x', rules: [{ metric: 'error_rate', op: '>>', threshold: 0.1 }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'rules[0].op' });
    await expect(svc.createMonitor({ name: 'bad', deployment: 'x', window: { size: 'soon' } })).rejects.toMatchObject({ field: 'window.size' });
    await expect(svc.getMonitor('bad')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await svc.createMonitor({ name: 'dup', deployment: 'x' });
    await expect(svc.createMonitor({ name: 'dup', deployment: 'x' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('stores a monitor on a deployment that has logged nothing, warning on the field and naming the deployments that have', async () => {
    const svc = new MonitoringService({ db: store.db });
    const log = svc.createLogger();
    log.log(makePrediction({ requestId: 'w1', timestamp: T0, deployment: 'warn-svc' }));
    await log.close();
    const fine = await svc.createMonitor({ name: 'warn-ok', deployment: 'warn-svc' });
    expect(fine.warnings).toBeUndefined();
    const typo = await svc.createMonitor({ name: 'warn-typo', deployment: 'warn-scv' });
    expect(typo.warnings).toHaveLength(1);
    expect(typo.warnings![0]).toMatch(/^deployment: no prediction has been logged for deployment 'warn-scv' \(deployments with logged predictions: .*'warn-svc'/);
    expect((await svc.getMonitor('warn-typo')).deployment).toBe('warn-scv');
    expect((await svc.updateMonitor({ name: 'warn-typo', deployment: 'warn-svc' })).warnings).toBeUndefined();
    expect((await svc.updateMonitor({ name: 'warn-ok', deployment: 'nope' })).warnings![0]).toContain("deployment 'nope'");
  });

  it('refuses a limit that is not a whole number from 1 to 1000, naming the parameter, before any query', async () => {
    const svc = new MonitoringService({ db: store.db });
    await svc.createMonitor({ name: 'limit-mon', deployment: 'x' });
    const refused = (message: RegExp) => ({ code: 'INVALID_ARGUMENT', field: 'limit', message: expect.stringMatching(message) as unknown });
    await expect(svc.status('limit-mon', NaN)).rejects.toMatchObject(refused(/^limit: expected a positive integer, got 'NaN'/));
    await expect(svc.listAlerts({ limit: NaN })).rejects.toMatchObject(refused(/got 'NaN'/));
    await expect(svc.listAlerts({ deployment: 'x', limit: 2.5 })).rejects.toMatchObject(refused(/got '2.5'/));
    await expect(svc.listWindows('limit-mon', 0)).rejects.toMatchObject(refused(/got '0'/));
    await expect(svc.status('limit-mon', 1001)).rejects.toMatchObject(refused(/at most 1000, got 1001/));
    expect(await svc.status('limit-mon', 1)).toHaveLength(1);
  });

  // `keel alerts ls` shows an alert's first 12 characters, which `alerts ack` answered with NOT_FOUND.
  it('acknowledges an alert by its id or a start of it that one alert has, refusing a shared start', async () => {
    const svc = new MonitoringService({ db: store.db });
    await svc.createMonitor({ name: 'ack-mon', deployment: 'x' });
    const id = (n: string) => `ac${n}`.padEnd(32, '0');
    for (const n of ['1111', '1112', '2222']) {
      await store.db.insertInto('alerts').values({
        id: id(n), monitor_name: 'ack-mon', rule_name: 'r', metric: 'drift.share', state: 'firing', value: 1, threshold: 0.5,
        window_start: T0, window_end: T0 + H, fired_at: T0 + H, resolved_at: null, acknowledged_at: null, delivery_json: null, resolved_delivery_json: null,
      }).execute();
    }
    const acked = async () => (await svc.listAlerts({ monitor: 'ack-mon' })).filter((a) => a.acknowledgedAt !== null).map((a) => a.id).sort();
    // Answered whole, as the alert acknowledged: the caller learns which one its start named.
    expect(await svc.acknowledgeAlert(id('2222').slice(0, 12))).toMatchObject({ id: id('2222'), monitor: 'ack-mon', acknowledgedAt: expect.any(Number) });
    expect(await acked()).toEqual([id('2222')]);
    await svc.acknowledgeAlert(id('1112').toUpperCase().slice(0, 6));
    expect(await acked()).toEqual([id('1112'), id('2222')]);
    await expect(svc.acknowledgeAlert('ac11')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'id', message: `id: alert id 'ac11' is ambiguous: it starts 2 alerts (${id('1111')}, ${id('1112')}); give more of its characters` });
    await expect(svc.acknowledgeAlert('ac33')).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'id', message: "id: alert 'ac33' not found" });
    await expect(svc.acknowledgeAlert('no-such-alert')).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'id', message: "id: alert 'no-such-alert' not found" });
    await svc.acknowledgeAlert(id('1111'));
    expect(await acked()).toEqual([id('1111'), id('1112'), id('2222')]);
  });
});
