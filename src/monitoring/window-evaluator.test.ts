import { describe, expect, it } from 'vitest';
import { parseMonitorConfig } from './monitor-config.js';
import type { StoredPrediction } from './prediction-store.js';
import { accuracy, rocAuc } from './performance-metrics.js';
import { computePerformance, evaluateWindow, recordsToTable } from './window-evaluator.js';

const rec = (i: number, outputs: Record<string, unknown>, label?: unknown, extra: Partial<StoredPrediction> = {}): StoredPrediction => ({
  requestId: `r${i}`, timestamp: i, receivedAt: i, modelName: 'm', modelVersion: 1, deployment: 'd', variant: null,
  inputs: { x: i, c: i % 2 ? 'a' : 'b', v: [i] }, outputs, latencyMs: i, ...(label !== undefined ? { label } : {}), ...extra,
});

describe('window evaluation on serving-shaped records', () => {
  const config = parseMonitorConfig({ name: 'm', deployment: 'd' });

  it('reads binary outputs as the ONNX exports write them: label and probabilities [p0, p1]', () => {
    const p1 = [0.9, 0.2, 0.7, 0.4, 0.6, 0.1];
    const y = [1, 0, 0, 0, 1, 1];
    const records = p1.map((p, i) => rec(i, { label: p > 0.5 ? 1 : 0, probabilities: [1 - p, p] }, y[i]));
    const perf = computePerformance(config, records).metrics;
    expect(perf['performance.accuracy']).toBe(accuracy(y, p1.map((p) => (p > 0.5 ? 1 : 0))));
    expect(perf['performance.auc']).toBe(rocAuc(y, p1));
    expect(perf['performance.labeled']).toBe(6);
  });

  it('reads regression outputs from `variable`', () => {
    const records = [rec(0, { variable: 1.5 }, 1), rec(1, { variable: 2 }, 4)];
    const perf = computePerformance({ ...config, task: 'regression' }, records).metrics;
    expect(perf['performance.rmse']).toBeCloseTo(Math.sqrt((0.25 + 4) / 2), 12);
  });

  it('flattens short arrays into columns and computes software metrics and missing rates', async () => {
    const t = recordsToTable([rec(0, { probabilities: [0.3, 0.7] })], 'outputs');
    expect(t.columns.map((c) => c.name)).toEqual(['probabilities_0', 'probabilities_1']);
    const records = [rec(1, {}), rec(2, {}, undefined, { error: 'boom' }), rec(3, {}, undefined, { inputs: { x: null, c: 'a' } }), rec(4, {})];
    const e = await evaluateWindow({ config, records, lateCount: 2 });
    expect(e.metrics).toMatchObject({ count: 4, late_count: 2, error_rate: 0.25, 'latency.p50': 2.5, 'quality.missing.x': 1 / 3 });
    expect(e.details.notes).toContain('no reference dataset: input drift not computed');
  });
});
