import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { tableFromRows } from '../core/index.js';
import { testStores, type MetadataStore } from '../storage/index.js';
import { MonitoringService } from './monitoring-service.js';
import { makePrediction, meanShiftAnalyzers, startWebhookReceiver } from './testing.js';

const H = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H); // an hour boundary

describe.each(testStores())('a monitor removed on $name', ({ open }) => {
  let store: MetadataStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('resolves its firing alerts (kept, with their retraining) and leaves other monitors alone', async () => {
    const analyzers = meanShiftAnalyzers({ 'ref@1': tableFromRows(Array.from({ length: 100 }, (_, i) => ({ x: (i % 10) / 10 }))) });
    let clock = T0 + 5 * H;
    const svc = new MonitoringService({ db: store.db, analyzers, now: () => clock, train: async () => ({ runId: 'run-1' }) });
    const log = svc.createLogger({ now: () => T0 });
    // An hour like the reference, then one shifted: a drift rule fires on hour 1.
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < 60; i++) log.log(makePrediction({ requestId: `${h}-${i}`, timestamp: T0 + h * H + i * 60_000, deployment: 'svc', inputs: { x: (i % 10) / 10 + (h === 1 ? 5 : 0) } }));
    }
    await log.close();
    const rules = [{ name: 'drift', metric: 'drift.share', op: '>=', threshold: 0.5, retrain: { train: { dataset: 'ref' } } }];
    for (const name of ['dropped', 'kept']) {
      await svc.createMonitor({ name, deployment: 'svc', referenceDataset: 'ref@1', window: { size: '1h' }, rules });
      expect((await svc.runMonitor(name, { now: T0 + 2 * H })).fired).toHaveLength(1);
    }
    const [firing] = await svc.listAlerts({ monitor: 'dropped' });

    clock = T0 + 6 * H;
    const removed = await svc.deleteMonitor('dropped');
    const after = await svc.listAlerts({ monitor: 'dropped' });
    expect(after.map((a) => [a.id, a.state, a.resolvedAt, a.retrainRuns.map((r) => r.runId)])).toEqual([[firing!.id, 'resolved', T0 + 6 * H, ['run-1']]]);
    expect((await svc.listAlerts({ state: 'firing' })).map((a) => a.monitor)).toEqual(['kept']);
    expect(removed).toEqual({ resolvedAlerts: [firing!.id], deliveries: [] });
    await expect(svc.listWindows('dropped')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Removed again, it is not found, and nothing changes.
    await expect(svc.deleteMonitor('dropped')).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'name', message: "name: monitor 'dropped' not found" });
    expect((await svc.listAlerts({ state: 'firing' })).map((a) => a.monitor)).toEqual(['kept']);
    // Removed with no alert open, it resolves none.
    await svc.createMonitor({ name: 'quiet', deployment: 'svc', window: { size: '1h' } });
    expect(await svc.deleteMonitor('quiet')).toEqual({ resolvedAlerts: [], deliveries: [] });
  });

  it('sends alert.resolved for each alert it resolves, once deleted, to the targets its rules had; a failed delivery is logged', async () => {
    const ok = await startWebhookReceiver('s3cret');
    const down = await startWebhookReceiver('s3cret', 503);
    const logged: { msg: string; alertId?: string; monitor?: string; event?: string; status?: string }[] = [];
    const logger = pino({ base: undefined }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    let clock = T0 + 5 * H;
    const svc = new MonitoringService({ db: store.db, logger, now: () => clock, webhook: { attempts: 2, backoffMs: 1 } });
    try {
      const log = svc.createLogger({ now: () => T0 });
      for (let i = 0; i < 60; i++) log.log(makePrediction({ requestId: `hooked-${i}`, timestamp: T0 + i * 60_000, deployment: 'hooked-svc' }));
      await log.close();
      await svc.createMonitor({
        name: 'hooked', deployment: 'hooked-svc', window: { size: '1h' }, webhook: { url: ok.url, secret: 's3cret' },
        rules: [{ name: 'busy', metric: 'count', op: '>', threshold: 5 }, { name: 'loud', metric: 'count', op: '>', threshold: 10, webhook: { url: down.url, secret: 's3cret' } }],
      });
      const fired = (await svc.runMonitor('hooked', { now: T0 + H })).fired;
      const busy = fired.find((a) => a.rule === 'busy')!.id;
      const loud = fired.find((a) => a.rule === 'loud')!.id;
      ok.received.length = 0;
      down.received.length = 0;
      logged.length = 0;

      clock = T0 + 6 * H;
      // Each delivery is answered, the failed one with its last status.
      expect(await svc.deleteMonitor('hooked')).toEqual({
        resolvedAlerts: [busy, loud],
        deliveries: [
          { alertId: busy, rule: 'busy', status: 'delivered', attempts: 1, httpStatus: 204 },
          { alertId: loud, rule: 'loud', status: 'failed', attempts: 2, httpStatus: 503, error: 'HTTP 503' },
        ],
      });
      // The monitor-level target heard of its rule's alert, signed, with the monitor's last window.
      expect(ok.received.map((r) => [r.valid, r.headers['x-keel-event']])).toEqual([[true, 'alert.resolved']]);
      expect(JSON.parse(ok.received[0]!.body)).toEqual({
        event: 'alert.resolved', timestamp: T0 + 6 * H, monitor: 'hooked', deployment: 'hooked-svc',
        alert: { id: busy, rule: 'busy', metric: 'count', op: '>', threshold: 5, value: 60 },
        window: { start: T0, end: T0 + H, count: 60, lateCount: 0 },
      });
      // The rule's own target answered 503 to both attempts: logged, and the monitor is gone all the same.
      expect(down.received.map((r) => JSON.parse(r.body).alert.id)).toEqual([loud, loud]);
      expect(logged.filter((l) => l.msg === 'alert webhook delivery failed').map((l) => [l.alertId, l.monitor, l.event, l.status])).toEqual([[loud, 'hooked', 'alert.resolved', 'failed']]);
      // Each outcome is recorded on its alert, beside the firing event's.
      const recorded = (await svc.listAlerts({ monitor: 'hooked' })).map((a) => [a.rule, a.state, a.delivery?.status, a.resolvedDelivery]).sort();
      expect(recorded).toEqual([
        ['busy', 'resolved', 'delivered', { status: 'delivered', attempts: 1, httpStatus: 204 }],
        ['loud', 'resolved', 'failed', { status: 'failed', attempts: 2, httpStatus: 503, error: 'HTTP 503' }],
      ]);
      await expect(svc.getMonitor('hooked')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await new Promise((r) => ok.server.close(r));
      await new Promise((r) => down.server.close(r));
    }
  });

  it('answers within the short removal budget when a receiver never answers, and says the delivery failed', { timeout: 20_000 }, async () => {
    // A receiver that takes the request and never answers: each attempt waits out its timeout.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    // Only the removal's notices count: the firing one, given up after 50 ms, can reach a busy
    // server after the count is reset.
    let requests = 0;
    silent.on('request', (req: IncomingMessage) => {
      if (req.headers['x-keel-event'] === 'alert.resolved') requests++;
    });
    const clock = () => T0 + 6 * H;
    try {
      // The alert fires through a service that gives up at once; the removal runs with the defaults.
      const firing = new MonitoringService({ db: store.db, now: clock, webhook: { attempts: 1, timeoutMs: 50 } });
      const log = firing.createLogger({ now: () => T0 });
      for (let i = 0; i < 20; i++) log.log(makePrediction({ requestId: `silent-${i}`, timestamp: T0 + i * 60_000, deployment: 'silent-svc' }));
      await log.close();
      await firing.createMonitor({ name: 'silent', deployment: 'silent-svc', window: { size: '1h' }, webhook: { url, secret: 's' }, rules: [{ name: 'busy', metric: 'count', op: '>', threshold: 5 }] });
      const [alert] = (await firing.runMonitor('silent', { now: T0 + H })).fired;

      const removed = await new MonitoringService({ db: store.db, now: clock }).deleteMonitor('silent');
      // Two attempts of 2 s (the removal budget), not five of 10 s with up to 8 s between them.
      expect(removed.deliveries).toEqual([{ alertId: alert!.id, rule: 'busy', status: 'failed', attempts: 2, error: expect.stringMatching(/timeout/i) }]);
      expect(requests).toBe(2);
      expect((await firing.listAlerts({ monitor: 'silent' })).map((a) => a.state)).toEqual(['resolved']);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});
