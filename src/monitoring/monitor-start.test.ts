import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromRows } from '../core/index.js';
import { testStores, type MetadataStore } from '../storage/index.js';
import { parseMonitorConfig } from './monitor-config.js';
import { MonitoringService } from './monitoring-service.js';
import { makePrediction, meanShiftAnalyzers } from './testing.js';

const H = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H); // an hour boundary

describe.each(testStores())('a monitor restarted at a start on $name', ({ open }) => {
  let store: MetadataStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('skips the windows before its start, resolves an open alert on new evidence and fires again within the cool-down of an alert before it', async () => {
    const analyzers = meanShiftAnalyzers({ 'ref@1': tableFromRows(Array.from({ length: 100 }, (_, i) => ({ x: (i % 10) / 10 }))) });
    const svc = new MonitoringService({ db: store.db, analyzers });
    const log = svc.createLogger({ now: () => T0 });
    // Two hours of traffic, the second shifted; then, after a 30-hour gap, the same again.
    const hour = (h: number, shifted: boolean, id: string) => {
      for (let i = 0; i < 60; i++) log.log(makePrediction({ requestId: `${id}-${i}`, timestamp: T0 + h * H + i * 60_000, deployment: 'svc', inputs: { x: (i % 10) / 10 + (shifted ? 5 : 0) } }));
    };
    hour(0, false, 'a');
    hour(1, true, 'b');
    hour(32, false, 'c');
    hour(33, true, 'd');
    await log.close();
    const monitor = { name: 'restarted', deployment: 'svc', referenceDataset: 'ref@1', window: { size: '1h' }, rules: [{ name: 'drift', metric: 'drift.share', op: '>=', threshold: 0.5, cooldown: '7d' }] };
    await svc.createMonitor(monitor);
    const first = await svc.runMonitor('restarted', { now: T0 + 2 * H });
    expect(first.evaluated.map((w) => [(w.start - T0) / H, w.metrics['drift.share']])).toEqual([[0, 0], [1, 1]]);
    expect(first.fired.map((a) => (a.windowStart - T0) / H)).toEqual([1]);

    // Restarted at hour 32: hours 2 to 31 are never evaluated, the alert still open from hour 1
    // is resolved by hour 32's evidence, and hour 33 fires although hour 1's alert is within the cool-down.
    await svc.updateMonitor({ ...monitor, start: new Date(T0 + 32 * H).toISOString() });
    const again = await svc.runMonitor('restarted', { now: T0 + 34 * H });
    expect(again.evaluated.map((w) => [(w.start - T0) / H, w.count, w.metrics['drift.share']])).toEqual([[32, 60, 0], [33, 60, 1]]);
    expect(again.resolved).toEqual([first.fired[0]!.id]);
    expect(again.fired.map((a) => (a.windowStart - T0) / H)).toEqual([33]);
    // Without the start, hour 33's alert would have been held back by hour 1's cool-down.
    expect((await svc.listAlerts({ monitor: 'restarted' })).map((a) => [(a.windowStart - T0) / H, a.state])).toEqual([[33, 'firing'], [1, 'resolved']]);
  });

  it('fires anew in a restarted watch whose first windows cannot resolve an alert still open from before its start', async () => {
    const analyzers = meanShiftAnalyzers({ 'ref@1': tableFromRows(Array.from({ length: 100 }, (_, i) => ({ x: (i % 10) / 10 }))) });
    const svc = new MonitoringService({ db: store.db, analyzers });
    const log = svc.createLogger({ now: () => T0 });
    const hour = (h: number, shifted: boolean) => {
      for (let i = 0; i < 60; i++) log.log(makePrediction({ requestId: `open-${h}-${i}`, timestamp: T0 + h * H + i * 60_000, deployment: 'svc-open', inputs: { x: (i % 10) / 10 + (shifted ? 5 : 0) } }));
    };
    // Hour 1 drifts; after the gap, hour 32 has no traffic (no evidence either way) and 33 drifts;
    // then hour 40 drifts from the first window of the next restart.
    hour(0, false);
    hour(1, true);
    hour(33, true);
    hour(40, true);
    await log.close();
    const monitor = { name: 'open', deployment: 'svc-open', referenceDataset: 'ref@1', window: { size: '1h' }, rules: [{ name: 'drift', metric: 'drift.share', op: '>=', threshold: 0.5, cooldown: '7d' }] };
    await svc.createMonitor(monitor);
    const first = await svc.runMonitor('open', { now: T0 + 2 * H });
    expect(first.fired.map((a) => (a.windowStart - T0) / H)).toEqual([1]);

    // Hour 1's alert is the earlier watch's: hour 33's drift fires this watch's own alert, replacing it.
    await svc.updateMonitor({ ...monitor, start: T0 + 32 * H });
    const again = await svc.runMonitor('open', { now: T0 + 34 * H });
    expect(again.evaluated.map((w) => [(w.start - T0) / H, w.count])).toEqual([[32, 0], [33, 60]]);
    expect(again.resolved).toEqual([first.fired[0]!.id]);
    expect(again.fired.map((a) => (a.windowStart - T0) / H)).toEqual([33]);

    // Within a watch an open alert still holds back a second one; restarted, the first window that fires replaces it.
    await svc.updateMonitor({ ...monitor, start: T0 + 40 * H });
    const third = await svc.runMonitor('open', { now: T0 + 41 * H });
    expect(third.resolved).toEqual([again.fired[0]!.id]);
    expect(third.fired.map((a) => (a.windowStart - T0) / H)).toEqual([40]);
    expect((await svc.listAlerts({ monitor: 'open' })).map((a) => [(a.windowStart - T0) / H, a.state])).toEqual([[40, 'firing'], [33, 'resolved'], [1, 'resolved']]);
  });

  it('reads a start as epoch milliseconds or an ISO 8601 time, and names the field of a bad one', () => {
    const base = { name: 'm', deployment: 'd' };
    expect(parseMonitorConfig({ ...base, start: 1_700_000_000_000 }).startMs).toBe(1_700_000_000_000);
    expect(parseMonitorConfig({ ...base, start: '2023-11-14T22:13:20Z' }).startMs).toBe(1_700_000_000_000);
    expect(parseMonitorConfig(base).startMs).toBeUndefined();
    expect(() => parseMonitorConfig({ ...base, start: 'yesterday' })).toThrow("start: expected epoch milliseconds or an ISO 8601 time such as '2025-01-31T12:00:00Z', got \"yesterday\"");
  });
});
