/**
 * The drift statistics on plain arrays, each defined as Evidently computes it (docs/validation.md
 * gives the formulas). Numeric inputs are sorted Float64Arrays without NaN; categorical inputs
 * are aligned count vectors over the union of categories.
 */
import { chiSquareSf, normalCdf } from './special-functions.js';
import { ksTwoSamplePValue, type KsMethod } from './ks-distribution.js';

export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly method: KsMethod;
}

/** Two-sample KS on sorted samples (scipy.stats.ks_2samp, two-sided, method='auto'). */
export function ksTwoSample(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length, n2 = b.length;
  let i = 0, j = 0, d = 0;
  // Walk the merged order; at each distinct value both ECDFs include every copy of it.
  while (i < n1 && j < n2) {
    const v = a[i]! <= b[j]! ? a[i]! : b[j]!;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  // Once one sample is exhausted the other's ECDF only rises toward 1, so the gap only shrinks.
  const { p, d: dr, method } = ksTwoSamplePValue(d, n1, n2);
  return { statistic: method === 'exact' ? dr : d, pValue: p, method };
}

/** Wasserstein-1 distance between two sorted samples (scipy.stats.wasserstein_distance). */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length, n2 = b.length;
  let i = 0, j = 0, area = 0;
  let prev = Math.min(a[0]!, b[0]!);
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    area += Math.abs(i / n1 - j / n2) * (v - prev);
    prev = v;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
  }
  return area;
}

/**
 * Wasserstein-1 distance between a reference given by its quantile function, linear between
 * `q[k]` at u = k/K (K = q.length − 1), and a sorted sample: ∫₀¹ |Q_ref(u) − Q_cur(u)| du, exact for
 * that piecewise-linear reference.
 */
export function wassersteinQuantiles(q0: ArrayLike<number>, b: Float64Array): number {
  const q = q0 instanceof Float64Array ? q0 : Float64Array.from(q0);
  const K = q.length - 1, m = b.length;
  let k = 0, j = 0, u = 0, area = 0;
  let uK = 1 / K, uM = 1 / m; // the next breakpoints (k+1)/K and (j+1)/m
  while (k < K && j < m) {
    const uNext = uK < uM ? uK : uM;
    const q0k = q[k]!, slope = (q[k + 1]! - q0k) * K, ua = k / K;
    const c = b[j]!;
    const lo = q0k + slope * (u - ua) - c, hi = q0k + slope * (uNext - ua) - c;
    const h = uNext - u;
    if (lo * hi >= 0) area += (h * Math.abs(lo + hi)) / 2;
    else area += (h * (lo * lo + hi * hi)) / (2 * Math.abs(hi - lo));
    u = uNext;
    if (uNext >= uK) { k++; uK = (k + 1) / K; }
    if (uNext >= uM) { j++; uM = (j + 1) / m; }
  }
  return area;
}

/** Chi-square goodness of fit of current counts against reference proportions (Evidently's chisquare). */
export function chiSquareTest(ref: ArrayLike<number>, cur: ArrayLike<number>): { statistic: number; pValue: number } {
  let nRef = 0, nCur = 0;
  for (let i = 0; i < ref.length; i++) { nRef += ref[i]!; nCur += cur[i]!; }
  const k = nCur / nRef;
  let stat = 0;
  for (let i = 0; i < ref.length; i++) {
    const expected = ref[i]! * k;
    const diff = cur[i]! - expected;
    stat += expected === 0 ? (diff === 0 ? NaN : Infinity) : (diff * diff) / expected;
  }
  if (Number.isNaN(stat)) stat = Infinity;
  const dof = ref.length - 1;
  if (dof < 1) return { statistic: 0, pValue: 1 };
  return { statistic: stat, pValue: stat === Infinity ? 0 : chiSquareSf(stat, dof) };
}

/**
 * Two-proportion Z-test (Evidently's z): the share of rows not equal to the first category, pooled
 * variance, two-sided p = 2·(1 − Φ(|z|)).
 */
export function zTest(ref: readonly [number, number], cur: readonly [number, number]): { statistic: number; pValue: number } {
  const n1 = ref[0] + ref[1], n2 = cur[0] + cur[1];
  const refOnlyOne = (ref[0] > 0 ? 1 : 0) + (ref[1] > 0 ? 1 : 0) === 1;
  const curOnlyOne = (cur[0] > 0 ? 1 : 0) + (cur[1] > 0 ? 1 : 0) === 1;
  if (refOnlyOne && curOnlyOne && (ref[0] > 0) === (cur[0] > 0)) return { statistic: 0, pValue: 1 };
  const p1 = ref[1] / n1, p2 = cur[1] / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}
