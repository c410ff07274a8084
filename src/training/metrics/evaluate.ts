/** The evaluation a training run reports on its valid and test sets, per task. */
import type { Task } from '../../models/index.js';
import {
  accuracy, averagePrecision, brierScore, calibrationCurve, confusionMatrix, logLoss, oneVsRestMacro, precisionRecallF1, rocAuc,
  type CalibrationBin,
} from './classification.js';
import { mae, r2, rmse } from './regression.js';

export interface Evaluation {
  /** Flat metric name → value, e.g. { accuracy: 0.91, roc_auc: 0.95 }. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Classification only: rows are true classes, columns predicted ones. */
  readonly confusionMatrix?: readonly (readonly number[])[];
  /** Binary only: reliability bins (10 uniform bins). */
  readonly calibration?: readonly CalibrationBin[];
}

/**
 * `predictions` are what TrainedModel.predict returns: values (regression), P(class 1) (binary),
 * or row-major n × K probabilities (multiclass). Binary labels are P ≥ 0.5; multiclass labels
 * the first most probable class.
 */
export function evaluatePredictions(task: Task, target: Float64Array, predictions: Float64Array, numClasses = 2): Evaluation {
  if (target.length === 0) return { metrics: {} };
  if (task === 'regression') {
    return { metrics: { rmse: rmse(target, predictions), mae: mae(target, predictions), r2: r2(target, predictions) } };
  }
  if (task === 'binary') {
    const labels = Int32Array.from(predictions, (p) => (p >= 0.5 ? 1 : 0));
    const prf = precisionRecallF1(target, labels, 2, 'binary');
    return {
      metrics: {
        accuracy: accuracy(target, labels), precision: prf.precision, recall: prf.recall, f1: prf.f1,
        roc_auc: rocAuc(target, predictions), pr_auc: averagePrecision(target, predictions),
        log_loss: logLoss(target, predictions, 2), brier: brierScore(target, predictions),
      },
      confusionMatrix: confusionMatrix(target, labels, 2),
      calibration: calibrationCurve(target, predictions, 10),
    };
  }
  const labels = argmaxRows(predictions, numClasses);
  const prf = precisionRecallF1(target, labels, numClasses, 'macro');
  return {
    metrics: {
      accuracy: accuracy(target, labels), precision_macro: prf.precision, recall_macro: prf.recall, f1_macro: prf.f1,
      roc_auc_ovr: oneVsRestMacro(rocAuc, target, predictions, numClasses),
      pr_auc_macro: oneVsRestMacro(averagePrecision, target, predictions, numClasses),
      log_loss: logLoss(target, predictions, numClasses),
    },
    confusionMatrix: confusionMatrix(target, labels, numClasses),
  };
}

function argmaxRows(probs: Float64Array, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** The metric early stopping and the progress bar watch, per task (lower is better for all three). */
export const primaryMetric = (task: Task): string => (task === 'regression' ? 'rmse' : 'log_loss');
