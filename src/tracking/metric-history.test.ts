import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { LocalArtifactStore, testStores, type MetadataStore } from '../storage/index.js';
import { TrackingService } from './index.js';
import type { MetricPoint } from './types.js';

/** Doubles whose shortest and 17-digit forms differ, extremes, and the non-finite ones. */
const TRICKY = [0.1, 1 / 3, 0.30000000000000004, 5e-324, -2.5e-310, 1.7976931348623157e308, -1.7976931348623157e308, 1e21, 1e-7, 2 ** 53 + 2, 123456789.12345679, 1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

const same = (a: number, b: number): boolean => Object.is(a, b) || (a === 0 && b === 0);

describe.each(testStores())('metric history on $name', (backend) => {
  let store: MetadataStore;
  let t: TrackingService;
  const newRun = async (tracking = t): Promise<string> => (await tracking.createRun({ experimentId: '0' })).info.run_id;

  beforeAll(async () => {
    store = await backend.open();
    t = new TrackingService({ db: store.db, artifacts: new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'keel-art-'))), logger: silentLogger });
  });
  afterAll(async () => store.close());

  it('returns every double exactly, and NaN / ±Infinity as MLflow writes them', async () => {
    const run = await newRun();
    await t.logBatch(run, { metrics: TRICKY.map((value, step) => ({ key: 'x', value, timestamp: 1_700_000_000_000 + step, step })) });
    const history = await t.getMetricHistory(run, 'x');
    expect(history.metrics).toHaveLength(TRICKY.length);
    history.metrics.forEach((m, i) => expect(same(m.value, TRICKY[i]!), `${m.value} vs ${TRICKY[i]}`).toBe(true));

    const parsed = JSON.parse(await t.getMetricHistoryJson(run, 'x')) as { key: string; value: number | string; timestamp: number; step: number }[];
    expect(parsed.map((p) => p.value).slice(-3)).toEqual(['NaN', 'Infinity', '-Infinity']);
    parsed.slice(0, -3).forEach((p, i) => expect(same(p.value as number, TRICKY[i]!)).toBe(true));
    expect(parsed[2]).toEqual({ key: 'x', value: 0.30000000000000004, timestamp: 1_700_000_000_002, step: 2 });

    // Every character a key may hold, through both write paths.
    const key = 'train/loss: a-b_c.d';
    await t.logBatch(run, { metrics: [{ key, value: 1, timestamp: 1, step: 1 }] });
    await t.logBatch(run, { metrics: [{ key, value: 2, timestamp: 2, step: 2 }], tags: [{ key: 't', value: 'v' }] });
    expect((await t.getMetricHistory(run, key)).metrics).toEqual([{ key, value: 1, timestamp: 1, step: 1 }, { key, value: 2, timestamp: 2, step: 2 }]);
    expect(JSON.parse(await t.getMetricHistoryJson(run, key))).toEqual([{ key, value: 1, timestamp: 1, step: 1 }, { key, value: 2, timestamp: 2, step: 2 }]);

    // The latest value of a key whose newest point is NaN is NaN, and no filter matches it.
    await t.logMetric(run, 'y', 1, { step: 0, timestamp: 1 });
    await t.logMetric(run, 'y', Number.NaN, { step: 1, timestamp: 1 });
    expect((await t.getRun(run)).data.metrics.find((m) => m.key === 'y')!.value).toBeNaN();
    expect((await t.searchRuns({ experimentIds: ['0'], filter: 'metrics.y >= 0' })).runs.map((r) => r.info.run_id)).not.toContain(run);
  });

  it('orders by step, then timestamp, then value, whole or paged, and keeps 64-bit steps and timestamps', async () => {
    const run = await newRun();
    const points: MetricPoint[] = [
      { key: 'loss', value: 3, timestamp: 20, step: 1 },
      { key: 'loss', value: 1, timestamp: 10, step: 1 },
      { key: 'loss', value: 2, timestamp: 10, step: 1 },
      { key: 'loss', value: 9, timestamp: 0, step: Number.MAX_SAFE_INTEGER },
      { key: 'loss', value: 7, timestamp: Number.MAX_SAFE_INTEGER, step: -5 },
      { key: 'loss', value: 5, timestamp: 99, step: 0 },
      { key: 'other', value: 0, timestamp: 0, step: 0 },
    ];
    await t.logBatch(run, { metrics: points.slice(0, 4) });
    await t.logBatch(run, { metrics: points.slice(4) });
    const expected = [[-5, Number.MAX_SAFE_INTEGER, 7], [0, 99, 5], [1, 10, 1], [1, 10, 2], [1, 20, 3], [Number.MAX_SAFE_INTEGER, 0, 9]];
    const whole = (await t.getMetricHistory(run, 'loss')).metrics;
    expect(whole.map((m) => [m.step, m.timestamp, m.value])).toEqual(expected);
    expect(whole.every((m) => m.key === 'loss')).toBe(true);
    const text = JSON.parse(await t.getMetricHistoryJson(run, 'loss')) as MetricPoint[];
    expect(text.map((m) => [m.step, m.timestamp, m.value])).toEqual(expected);
    const paged: MetricPoint[] = [];
    let token: string | undefined;
    do {
      const page = await t.getMetricHistory(run, 'loss', { maxResults: 4, ...(token ? { pageToken: token } : {}) });
      paged.push(...page.metrics);
      token = page.next_page_token;
    } while (token);
    expect(paged).toEqual(whole);
    expect((await t.getRun(run)).data.metrics.find((m) => m.key === 'loss')).toEqual({ key: 'loss', value: 9, timestamp: 0, step: Number.MAX_SAFE_INTEGER });
    expect(await t.getMetricHistoryJson(run, 'never-logged')).toBe('[]');
  });

  it('stores an exact duplicate point once, as MLflow does, and keeps points that differ in anything', async () => {
    const run = await newRun();
    const p = { key: 'acc', value: 0.5, timestamp: 100, step: 3 };
    await t.logBatch(run, { metrics: [p, p, { ...p, value: 0.6 }, { ...p, timestamp: 101 }, { ...p, step: 4 }, { ...p, value: Number.NaN }, { ...p, value: Number.NaN }, { ...p, value: 0 }] });
    await t.logBatch(run, { metrics: [p, { ...p, value: Number.NaN }] }); // again in a later batch
    await t.logMetric(run, 'acc', 0.5, { step: 3, timestamp: 100 });
    const history = (await t.getMetricHistory(run, 'acc')).metrics;
    expect(history.map((m) => [m.step, m.timestamp, m.value])).toEqual([[3, 100, 0], [3, 100, Number.NaN], [3, 100, 0.5], [3, 100, 0.6], [3, 101, 0.5], [4, 100, 0.5]]);
  });

  it('refuses unknown and deleted runs and bad keys, on the write and JSON paths, and leaves no transaction open', async () => {
    const missing = '0123456789abcdef0123456789abcdef';
    await expect(t.getMetricHistoryJson(missing, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'run_id' });
    await expect(t.getMetricHistoryJson(await newRun(), '../x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'metric_key' });
    await expect(t.logBatch(missing, { metrics: [{ key: 'x', value: 1, timestamp: 0, step: 0 }] })).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'run_id' });
    await expect(t.logBatch('', { metrics: [{ key: 'x', value: 1, timestamp: 0, step: 0 }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'run_id' });
    const run = await newRun();
    await t.deleteRun(run);
    await expect(t.logMetric(run, 'x', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'run_id' });
    await t.restoreRun(run);
    await t.logBatch(run, { metrics: [{ key: 'x', value: 1, timestamp: 0, step: 0 }] });
    await t.logBatch(run, { metrics: [{ key: 'x', value: 2, timestamp: 0, step: 1 }], params: [{ key: 'p', value: 'v' }] });
    expect((await t.getMetricHistory(run, 'x')).metrics.map((m) => m.value)).toEqual([1, 2]);
  });

  it("writes the same rows through a Kysely instance derived from the store's", async () => {
    // withoutPlugins() is a new Kysely instance on the store's driver: it still finds the raw driver.
    const plain = new TrackingService({ db: store.db.withoutPlugins(), artifacts: new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'keel-art-'))), logger: silentLogger });
    const run = await newRun(plain);
    const metrics = Array.from({ length: 250 }, (_, i) => ({ key: `k${i % 3}`, value: i % 50 === 0 ? Number.NaN : i / 7, timestamp: 1000 + i, step: Math.floor(i / 3) }));
    await plain.logBatch(run, { metrics: [...metrics, metrics[0]!] });
    const h = (await t.getMetricHistory(run, 'k1')).metrics;
    expect(h).toHaveLength(metrics.filter((m) => m.key === 'k1').length);
    expect(h[0]).toEqual({ key: 'k1', value: 1 / 7, timestamp: 1001, step: 0 });
    expect((await plain.getRun(run)).data.metrics.map((m) => [m.key, m.step])).toEqual([['k0', 83], ['k1', 82], ['k2', 82]]);
  });
});
