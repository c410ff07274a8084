/**
 * The few quality metrics a monitor computes on labeled windows. Definitions follow
 * scikit-learn (accuracy_score, roc_auc_score, mean_squared_error**0.5) and NumPy's default
 * (linear) percentile, so figures match what users compute in Python.
 */

/** NumPy's `percentile(values, q)` with linear interpolation; NaN for no values. */
export function percentile(values: readonly number[] | Float64Array, q: number): number {
  const v = Float64Array.from(values).sort();
  if (v.length === 0) return NaN;
  const pos = (q / 100) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}

export function accuracy(actual: readonly unknown[], predicted: readonly unknown[]): number {
  if (actual.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (String(actual[i]) === String(predicted[i])) hits++;
  return hits / actual.length;
}

/**
 * Area under the ROC curve for 0/1 labels: the Mann–Whitney U statistic with ties given their
 * average rank (what roc_auc_score computes). NaN when only one class is present.
 */
export function rocAuc(labels: readonly number[], scores: readonly number[]): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = avg;
    i = j + 1;
  }
  let pos = 0, rankSum = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) { pos++; rankSum += ranks[i]!; }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function rmse(actual: readonly number[], predicted: readonly number[]): number {
  if (actual.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i]! - predicted[i]!) ** 2;
  return Math.sqrt(s / actual.length);
}

export function meanAbsoluteError(actual: readonly number[], predicted: readonly number[]): number {
  if (actual.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - predicted[i]!);
  return s / actual.length;
}

/** Binary log loss with probabilities clipped to [1e-15, 1 - 1e-15], as scikit-learn did before 1.5. */
export function logLoss(labels: readonly number[], probs: readonly number[]): number {
  if (labels.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probs[i]!));
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / labels.length;
}
