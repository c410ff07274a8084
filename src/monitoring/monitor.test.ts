import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataStore, type MetadataStore } from '../storage/index.js';
import { Monitor } from './monitor.js';
import { MonitoringService, type MonitorRunResult } from './monitoring-service.js';
import { makePrediction } from './testing.js';
import type { Alert } from './types.js';

const M = 60_000;

describe('Monitor (long-running loop)', () => {
  let store: MetadataStore;
  beforeAll(async () => {
    store = await openMetadataStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'keel-loop-')), 'keel.db')}`);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('ticks on its interval, emits runs and alerts, skips overlapping ticks, and closes cleanly', async () => {
    const svc = new MonitoringService({ db: store.db });
    const start = Date.now() - 30 * M;
    // Arrival times as if logged live (records arriving after their window closed would be late).
    const log = svc.createLogger({ now: () => start });
    for (let i = 0; i < 20; i++) log.log(makePrediction({ requestId: `l${i}`, timestamp: start + i * M, deployment: 'loop', latencyMs: 900 }));
    await log.close();
    await svc.createMonitor({ name: 'loop-mon', deployment: 'loop', window: { size: '10m' }, rules: [{ name: 'slow', metric: 'latency.p99', op: '>', threshold: 500 }] });
    const monitor = new Monitor(svc, { intervalMs: 10 });
    const runs: MonitorRunResult[] = [];
    const alerts: Alert[] = [];
    monitor.on('run', (r) => runs.push(r));
    monitor.on('alert', (a) => alerts.push(a));
    const fired = new Promise<void>((resolve) => monitor.once('alert', () => resolve()));
    monitor.start();
    await fired;
    // Let a few more ticks pass: the evaluated windows are not evaluated again.
    await new Promise((r) => setTimeout(r, 60));
    await monitor.close();
    const evaluated = runs.flatMap((r) => r.evaluated.map((w) => w.start));
    expect(new Set(evaluated).size).toBe(evaluated.length);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'slow', state: 'firing', value: 900 });
    const after = runs.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(runs.length).toBe(after);
  });
});
