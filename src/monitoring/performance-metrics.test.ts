import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accuracy, logLoss, meanAbsoluteError, percentile, rmse, rocAuc } from './performance-metrics.js';

const E = JSON.parse(readFileSync(new URL('./testdata/expected.json', import.meta.url), 'utf8')) as {
  labels: number[]; scores: number[]; preds: number[]; y: number[]; yhat: number[]; latency: number[];
  accuracy: number; auc: number; logloss: number; rmse: number; mae: number; p50: number; p95: number; p99: number;
};

describe('performance metrics match scikit-learn / NumPy', () => {
  it('accuracy, AUC with ties, log loss', () => {
    expect(accuracy(E.labels, E.preds)).toBeCloseTo(E.accuracy, 12);
    expect(rocAuc(E.labels, E.scores)).toBeCloseTo(E.auc, 12);
    expect(logLoss(E.labels, E.scores)).toBeCloseTo(E.logloss, 9);
  });
  it('RMSE, MAE and linear percentiles', () => {
    expect(rmse(E.y, E.yhat)).toBeCloseTo(E.rmse, 10);
    expect(meanAbsoluteError(E.y, E.yhat)).toBeCloseTo(E.mae, 10);
    expect(percentile(E.latency, 50)).toBeCloseTo(E.p50, 10);
    expect(percentile(E.latency, 95)).toBeCloseTo(E.p95, 10);
    expect(percentile(E.latency, 99)).toBeCloseTo(E.p99, 10);
  });
  it('AUC is NaN with one class, percentile NaN with no values', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
    expect(percentile([], 50)).toBeNaN();
  });
});
