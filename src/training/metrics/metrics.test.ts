import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accuracy, averagePrecision, brierScore, calibrationCurve, confusionMatrix, logLoss, oneVsRestMacro, precisionRecallF1, rocAuc,
} from './classification.js';
import { ndcgAtK, recallAtK } from './ranking.js';
import { mae, r2, rmse } from './regression.js';

/** Inputs and scikit-learn's values, written by testdata/make-expected.py. */
const expected = JSON.parse(readFileSync(new URL('./testdata/expected.json', import.meta.url), 'utf8')) as {
  binary: {
    y: number[]; p: number[]; pred: number[]; accuracy: number; precision: number; recall: number; f1: number; roc_auc: number;
    average_precision: number; log_loss: number; brier: number; confusion_matrix: number[][];
    calibration_prob_true: number[]; calibration_prob_pred: number[];
  };
  multiclass: {
    k: number; y: number[]; probs: number[]; pred: number[]; pred_skewed: number[]; accuracy: number; roc_auc_ovr_macro: number;
    average_precision_macro: number; log_loss: number; confusion_matrix: number[][];
    pred_macro: { precision: number; recall: number; f1: number }; pred_skewed_macro: { precision: number; recall: number; f1: number };
  };
  regression: { y: number[]; pred: number[]; rmse: number; mae: number; r2: number; r2_constant_exact: number; r2_constant_off: number };
  ranking: { relevance: number[][]; scores: number[][]; ks: number[]; ndcg: Record<string, number>; recall: Record<string, number> };
};

const close = (actual: number, want: number) => expect(Math.abs(actual - want)).toBeLessThanOrEqual(1e-9);

describe('classification metrics match scikit-learn', () => {
  const b = expected.binary;
  it('binary', () => {
    close(accuracy(b.y, b.pred), b.accuracy);
    const prf = precisionRecallF1(b.y, b.pred, 2, 'binary');
    close(prf.precision, b.precision);
    close(prf.recall, b.recall);
    close(prf.f1, b.f1);
    close(rocAuc(b.y, b.p), b.roc_auc);
    close(averagePrecision(b.y, b.p), b.average_precision);
    close(logLoss(b.y, b.p, 2), b.log_loss);
    close(brierScore(b.y, b.p), b.brier);
    expect(confusionMatrix(b.y, b.pred, 2)).toEqual(b.confusion_matrix);
  });

  it('calibration bins', () => {
    const bins = calibrationCurve(b.y, b.p, 10);
    expect(bins).toHaveLength(b.calibration_prob_true.length);
    bins.forEach((bin, i) => {
      close(bin.fractionPositive, b.calibration_prob_true[i]!);
      close(bin.meanPredicted, b.calibration_prob_pred[i]!);
    });
    expect(bins.reduce((s, bin) => s + bin.count, 0)).toBe(b.y.length);
  });

  const m = expected.multiclass;
  it('multiclass', () => {
    close(accuracy(m.y, m.pred), m.accuracy);
    close(oneVsRestMacro(rocAuc, m.y, m.probs, m.k), m.roc_auc_ovr_macro);
    close(oneVsRestMacro(averagePrecision, m.y, m.probs, m.k), m.average_precision_macro);
    close(logLoss(m.y, m.probs, m.k), m.log_loss);
    expect(confusionMatrix(m.y, m.pred, m.k)).toEqual(m.confusion_matrix);
    for (const [pred, want] of [[m.pred, m.pred_macro], [m.pred_skewed, m.pred_skewed_macro]] as const) {
      const prf = precisionRecallF1(m.y, pred, m.k, 'macro');
      close(prf.precision, want.precision);
      close(prf.recall, want.recall);
      close(prf.f1, want.f1);
    }
  });

  it('is NaN where sklearn has no value', () => {
    expect(rocAuc([1, 1], [0.2, 0.4])).toBeNaN();
    expect(averagePrecision([0, 0], [0.2, 0.4])).toBeNaN();
  });
});

describe('regression metrics match scikit-learn', () => {
  const r = expected.regression;
  it('rmse, mae, r2', () => {
    close(rmse(r.y, r.pred), r.rmse);
    close(mae(r.y, r.pred), r.mae);
    close(r2(r.y, r.pred), r.r2);
    expect(r2([2, 2, 2], [2, 2, 2])).toBe(r.r2_constant_exact);
    expect(r2([2, 2, 2], [2, 1, 2])).toBe(r.r2_constant_off);
  });
});

describe('ranking metrics match scikit-learn', () => {
  const k = expected.ranking;
  it.each(k.ks)('ndcg@%i and recall@%i', (at) => {
    close(ndcgAtK(k.relevance, k.scores, at), k.ndcg[String(at)]!);
    close(recallAtK(k.relevance, k.scores, at), k.recall[String(at)]!);
  });
});
