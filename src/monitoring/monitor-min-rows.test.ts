import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKeelError, tableFromRows } from '../core/index.js';
import { testStores, type MetadataStore } from '../storage/index.js';
import { parseMonitorConfig } from './monitor-config.js';
import { MonitoringService } from './monitoring-service.js';
import { makePrediction, meanShiftAnalyzers } from './testing.js';

const H = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H); // an hour boundary

/** The KeelError's code and field that `f` throws. */
function failure(f: () => unknown): { code: string; field: unknown } {
  try {
    f();
  } catch (e) {
    if (isKeelError(e)) return { code: e.code, field: e.field };
    throw e;
  }
  throw new Error('did not throw');
}

describe('minRows in a monitor definition', () => {
  it('defaults to 30, takes 0 and whole numbers, and refuses anything else naming minRows', () => {
    expect(parseMonitorConfig({ name: 'm', deployment: 'd' }).minRows).toBe(30);
    expect(parseMonitorConfig({ name: 'm', deployment: 'd', minRows: 0 }).minRows).toBe(0);
    expect(parseMonitorConfig({ name: 'm', deployment: 'd', minRows: 250 }).minRows).toBe(250);
    for (const bad of [-1, 2.5, 'many', null, true, Number.NaN, 1e300]) {
      expect(failure(() => parseMonitorConfig({ name: 'm', deployment: 'd', minRows: bad }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'minRows' });
    }
  });
});

describe.each(testStores())('a monitor with minRows on $name', ({ open }) => {
  let store: MetadataStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  /** `n` requests in hour `h` on `deployment`, `x` shifted by 5 when `shifted`; the first `failed` of them fail. */
  async function traffic(svc: MonitoringService, deployment: string, hours: readonly { h: number; n: number; shifted?: boolean; failed?: number; probability?: number }[]): Promise<void> {
    const log = svc.createLogger({ now: () => T0 });
    for (const { h, n, shifted = false, failed = 0, probability = 0.2 } of hours) {
      for (let i = 0; i < n; i++) {
        log.log(makePrediction({
          requestId: `${deployment}-${h}-${i}`, timestamp: T0 + h * H + i * 10_000, deployment, inputs: { x: (i % 10) / 10 + (shifted ? 5 : 0) },
          outputs: { probability: probability + (i % 2) / 100 }, ...(i < failed ? { error: 'boom' } : {}),
        }));
      }
    }
    await log.close();
  }
  const reference = () => meanShiftAnalyzers({ 'ref@1': tableFromRows(Array.from({ length: 100 }, (_, i) => ({ x: (i % 10) / 10 }))) });

  it('computes no drift on a window under minRows, says why, and computes everything else; a full window gets drift', async () => {
    const analyzers = reference();
    const svc = new MonitoringService({ db: store.db, analyzers: { ...analyzers, validate: async () => [{ column: 'x', kind: 'out_of_range', severity: 'warning' }] } });
    // Hour 0 is full (the output baseline); hour 1 has 40 requests of which 15 failed: 25 served.
    await traffic(svc, 'few', [{ h: 0, n: 60 }, { h: 1, n: 40, shifted: true, failed: 15, probability: 0.8 }, { h: 2, n: 30, shifted: true, probability: 0.8 }]);
    await svc.addFeedback([{ requestId: 'few-1-20', label: 0 }]);
    await svc.createMonitor({ name: 'few-mon', deployment: 'few', referenceDataset: 'ref@1', minRows: 30, task: 'binary' });
    const run = await svc.runMonitor('few-mon', { now: T0 + 3 * H });
    const [full, under, exactly] = run.evaluated;
    expect(full!.metrics['drift.share']).toBe(0);
    expect(full!.details.notes).toEqual([]);
    expect(Object.keys(under!.metrics).filter((k) => k.includes('drift'))).toEqual([]);
    expect(under!.details.inputDrift).toBeUndefined();
    expect(under!.details.outputDrift).toBeUndefined();
    expect(full!.details.quiet).toBe(false);
    expect(under!.details.quiet).toBe(true);
    expect(under!.details.notes).toEqual([
      "quiet window: 25 served predictions, fewer than the monitor's minRows 30; drift rules' for-streaks skip it (it neither counts toward nor resets them)",
      "input drift not computed: 25 served predictions, fewer than the monitor's minRows 30",
      "output drift not computed: 25 served predictions, fewer than the monitor's minRows 30",
    ]);
    // Software, data quality and performance metrics are computed as on any window.
    expect(under!.metrics).toMatchObject({ count: 40, error_rate: 15 / 40, 'quality.missing_rate': 0, 'quality.anomalies': 1, 'performance.labeled': 1, 'performance.accuracy': 0 });
    // 30 served of a minimum of 30 is enough: the shift is seen, in the inputs and the outputs.
    expect(exactly!.metrics['drift.share']).toBe(1);
    expect(exactly!.metrics['output_drift.probability.drifted']).toBe(1);
    expect(exactly!.details.notes).toEqual([]);
  });

  it('fires no drift alert on an under-filled window, keeps a firing alert open through one, and skips quiet windows in a drift rule\'s streak', async () => {
    const svc = new MonitoringService({ db: store.db, analyzers: reference() });
    // Shifted traffic throughout; hours 1 and 4 are under-filled (10 requests).
    await traffic(svc, 'thin', [{ h: 0, n: 60 }, { h: 1, n: 10, shifted: true }, { h: 2, n: 60, shifted: true }, { h: 3, n: 60, shifted: true }, { h: 4, n: 10 }, { h: 5, n: 60 }]);
    const rule = { name: 'drift', metric: 'drift.share', op: '>=', threshold: 0.5, retrain: { train: { dataset: 'ref' } } };
    await svc.createMonitor({ name: 'thin-mon', deployment: 'thin', referenceDataset: 'ref@1', minRows: 30, rules: [rule] });
    // The same rule on a monitor without a minimum fires on the 10 shifted requests of hour 1.
    await svc.createMonitor({ name: 'thin-any', deployment: 'thin', referenceDataset: 'ref@1', minRows: 0, rules: [rule] });
    const any = await svc.runMonitor('thin-any', { now: T0 + 2 * H });
    expect(any.fired.map((a) => (a.windowStart - T0) / H)).toEqual([1]);

    const upToHour1 = await svc.runMonitor('thin-mon', { now: T0 + 2 * H });
    expect(upToHour1.evaluated.map((w) => w.metrics['drift.share'])).toEqual([0, undefined]);
    expect(upToHour1.fired).toEqual([]);
    // No retraining was started by the under-filled window either.
    expect(await svc.listAlerts({ monitor: 'thin-mon' })).toEqual([]);
    const later = await svc.runMonitor('thin-mon', { now: T0 + 5 * H });
    expect(later.fired.map((a) => (a.windowStart - T0) / H)).toEqual([2]);
    // Hour 4 (under-filled, unshifted) is no evidence: the alert stays open until hour 5 resolves it.
    expect(later.resolved).toEqual([]);
    expect((await svc.runMonitor('thin-mon', { now: T0 + 6 * H })).resolved).toEqual([later.fired[0]!.id]);

    // `for 2`: quiet windows (hour 1 under-filled, hour 2 empty) between two drifted ones neither
    // break the streak nor count in it; a rule on a metric the quiet windows have judges them as any.
    await traffic(svc, 'gap', [{ h: 0, n: 60, shifted: true }, { h: 1, n: 10, shifted: true }, { h: 3, n: 60, shifted: true }, { h: 4, n: 60, shifted: true }]);
    const busy = { name: 'busy', metric: 'count', op: '>=', threshold: 30, forWindows: 2 };
    await svc.createMonitor({ name: 'gap-mon', deployment: 'gap', referenceDataset: 'ref@1', minRows: 30, rules: [{ ...rule, forWindows: 2 }, busy] });
    const gap = await svc.runMonitor('gap-mon', { now: T0 + 5 * H });
    expect(gap.evaluated.map((w) => w.details.quiet)).toEqual([false, true, true, false, false]);
    expect(gap.fired.map((a) => `${a.rule}@${(a.windowStart - T0) / H}`)).toEqual(['drift@3', 'busy@4']);
    // Alone, one drifted window after quiet ones is a streak of 1: no alert.
    await traffic(svc, 'gap1', [{ h: 0, n: 10, shifted: true }, { h: 2, n: 60, shifted: true }]);
    await svc.createMonitor({ name: 'gap1-mon', deployment: 'gap1', referenceDataset: 'ref@1', minRows: 30, rules: [{ ...rule, forWindows: 2 }] });
    expect((await svc.runMonitor('gap1-mon', { now: T0 + 3 * H })).fired).toEqual([]);
  });

  it('takes the output baseline from the first window with minRows served, also when read back by a new process', async () => {
    const svc = new MonitoringService({ db: store.db, analyzers: reference() });
    // Hour 0: 40 requests scoring 0.9, 15 of them failed (25 served: under-filled); hours 1 to 3: 60 scoring 0.2.
    await traffic(svc, 'base', [{ h: 0, n: 40, failed: 15, probability: 0.9 }, { h: 1, n: 60 }, { h: 2, n: 60 }, { h: 3, n: 60 }]);
    await svc.createMonitor({ name: 'base-mon', deployment: 'base', referenceDataset: 'ref@1', minRows: 30 });
    const run = await svc.runMonitor('base-mon', { now: T0 + 3 * H });
    expect(run.evaluated.map((w) => w.metrics['output_drift.probability.statistic'])).toEqual([undefined, undefined, 0]);
    const fresh = new MonitoringService({ db: store.db, analyzers: reference() });
    const next = await fresh.runMonitor('base-mon', { now: T0 + 4 * H });
    expect(next.evaluated.map((w) => w.metrics['output_drift.probability.statistic'])).toEqual([0]);
  });

  it('reads a monitor saved before minRows existed with the default, and keeps an update\'s value', async () => {
    const svc = new MonitoringService({ db: store.db });
    await svc.createMonitor({ name: 'old-mon', deployment: 'old' });
    const saved = await store.db.selectFrom('monitors').select('config_json').where('name', '=', 'old-mon').executeTakeFirstOrThrow();
    const { minRows: _dropped, ...before } = JSON.parse(saved.config_json) as Record<string, unknown>;
    await store.db.updateTable('monitors').set({ config_json: JSON.stringify(before) }).where('name', '=', 'old-mon').execute();
    expect((await svc.getMonitor('old-mon')).minRows).toBe(30);
    expect((await svc.updateMonitor({ name: 'old-mon', deployment: 'old', minRows: 500 })).minRows).toBe(500);
    expect((await svc.listMonitors('old')).map((m) => m.minRows)).toEqual([500]);
  });
});
