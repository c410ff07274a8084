/**
 * Classification metrics, defined as scikit-learn defines them (checked against it in
 * classification.test.ts): labels are 0..K-1, binary scores are P(class 1), multiclass scores
 * are row-major n × K probabilities. Undefined values (no positives for an AUC) are NaN.
 */

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return yTrue.length === 0 ? NaN : correct / yTrue.length;
}

/** Rows are true classes, columns predicted classes (sklearn.metrics.confusion_matrix). */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]!]![yPred[i]!]!++;
  return m;
}

export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * 'binary': of class 1. 'macro': the unweighted mean over all K classes of each class's
 * precision, recall and F1 (F1 is the mean of per-class F1s, as sklearn does). A 0/0 is 0
 * (sklearn's zero_division=0).
 */
export function precisionRecallF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number, average: 'binary' | 'macro'): PrecisionRecallF1 {
  const cm = confusionMatrix(yTrue, yPred, numClasses);
  const perClass = (c: number): PrecisionRecallF1 => {
    const tp = cm[c]![c]!;
    let predicted = 0, actual = 0;
    for (let k = 0; k < numClasses; k++) { predicted += cm[k]![c]!; actual += cm[c]![k]!; }
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = actual === 0 ? 0 : tp / actual;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1 };
  };
  if (average === 'binary') return perClass(1);
  let precision = 0, recall = 0, f1 = 0;
  for (let c = 0; c < numClasses; c++) {
    const r = perClass(c);
    precision += r.precision; recall += r.recall; f1 += r.f1;
  }
  return { precision: precision / numClasses, recall: recall / numClasses, f1: f1 / numClasses };
}

/**
 * Binary ROC-AUC as the Mann–Whitney statistic with average ranks for ties, which equals the
 * trapezoidal area under sklearn's ROC curve (one point per distinct score).
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = yTrue.length;
  const order = sortedIndices(scores, 'asc');
  let positives = 0, rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j + 2) / 2; // ranks are 1-based
    for (let t = i; t <= j; t++) if (yTrue[order[t]!] === 1) { positives++; rankSum += avgRank; }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Average precision (sklearn.metrics.average_precision_score): Σ (R_n − R_{n−1}) P_n over distinct thresholds. */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = yTrue.length;
  let totalPositives = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === 1) totalPositives++;
  if (totalPositives === 0) return NaN;
  const order = sortedIndices(scores, 'desc');
  let tp = 0, fp = 0, prevRecall = 0, ap = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    for (let t = i; t <= j; t++) if (yTrue[order[t]!] === 1) tp++; else fp++;
    const recall = tp / totalPositives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
    i = j + 1;
  }
  return ap;
}

/** One-vs-rest macro average of a binary score metric over K classes (sklearn's multi_class='ovr', average='macro'). */
export function oneVsRestMacro(
  metric: (yTrue: ArrayLike<number>, scores: ArrayLike<number>) => number,
  yTrue: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
): number {
  const n = yTrue.length;
  const y = new Float64Array(n);
  const s = new Float64Array(n);
  let sum = 0;
  for (let c = 0; c < numClasses; c++) {
    for (let i = 0; i < n; i++) { y[i] = yTrue[i] === c ? 1 : 0; s[i] = probs[i * numClasses + c]!; }
    sum += metric(y, s);
  }
  return sum / numClasses;
}

/**
 * Log loss as sklearn computes it: probabilities clipped to [eps, 1 − eps] (float64 eps), each
 * row renormalized to sum 1, mean of −log p(true class). Binary `probs` is P(class 1) per row.
 */
export function logLoss(yTrue: ArrayLike<number>, probs: ArrayLike<number>, numClasses: number): number {
  const n = yTrue.length;
  const eps = Number.EPSILON;
  const clip = (p: number) => Math.min(1 - eps, Math.max(eps, p));
  let total = 0;
  if (numClasses === 2 && probs.length === n) {
    for (let i = 0; i < n; i++) {
      const p1 = clip(probs[i]!);
      const p0 = 1 - p1;
      const sum = p0 + p1;
      total -= Math.log((yTrue[i] === 1 ? p1 : p0) / sum);
    }
    return total / n;
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += clip(probs[i * numClasses + c]!);
    total -= Math.log(clip(probs[i * numClasses + yTrue[i]!]!) / sum);
  }
  return total / n;
}

/** Mean squared difference between P(class 1) and the 0/1 outcome (sklearn.metrics.brier_score_loss). */
export function brierScore(yTrue: ArrayLike<number>, probs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i]! - probs[i]!) ** 2;
  return s / yTrue.length;
}

export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability in the bin (sklearn's prob_pred). */
  readonly meanPredicted: number;
  /** Fraction of positives in the bin (sklearn's prob_true). */
  readonly fractionPositive: number;
}

/**
 * Reliability bins as sklearn.calibration.calibration_curve(strategy='uniform'): edges
 * linspace(0, 1, nBins + 1); a probability p falls in the bin whose index is the number of inner
 * edges strictly below p (np.searchsorted, side 'left'). Empty bins are left out, as sklearn does.
 */
export function calibrationCurve(yTrue: ArrayLike<number>, probs: ArrayLike<number>, nBins = 10): CalibrationBin[] {
  const edges = Array.from({ length: nBins + 1 }, (_, i) => (i === nBins ? 1 : i * (1 / nBins)));
  const sums = new Float64Array(nBins), positives = new Float64Array(nBins), counts = new Float64Array(nBins);
  for (let i = 0; i < yTrue.length; i++) {
    const p = probs[i]!;
    let bin = 0;
    while (bin < nBins - 1 && edges[bin + 1]! < p) bin++;
    sums[bin]! += p; positives[bin]! += yTrue[i]!; counts[bin]!++;
  }
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < nBins; b++) {
    if (counts[b] === 0) continue;
    bins.push({ lower: edges[b]!, upper: edges[b + 1]!, count: counts[b]!, meanPredicted: sums[b]! / counts[b]!, fractionPositive: positives[b]! / counts[b]! });
  }
  return bins;
}

export function sortedIndices(values: ArrayLike<number>, direction: 'asc' | 'desc'): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const sign = direction === 'asc' ? 1 : -1;
  return order.sort((a, b) => sign * (values[a]! - values[b]!) || a - b);
}
