/**
 * KS against a reference kept as a quantile sketch (references above the exact limit): the
 * reference CDF is the piecewise-linear inverse of the sketch, so D is exact for that CDF and an
 * approximation (to about 1/K) of the D of the full reference sample. The p-value uses the
 * reference's full size.
 */
import { sketchCdf } from './binning.js';
import { ksTwoSamplePValue } from './ks-distribution.js';
import type { KsResult } from './two-sample-tests.js';

export function ksAgainstSketch(q: ArrayLike<number>, nRef: number, cur: Float64Array): KsResult {
  const m = cur.length;
  let d = 0;
  for (let j = 0; j < m; ) {
    const v = cur[j]!;
    let k = j + 1;
    while (k < m && cur[k] === v) k++;
    const f = sketchCdf(q, v);
    d = Math.max(d, Math.abs(f - j / m), Math.abs(f - k / m));
    j = k;
  }
  const { p, method } = ksTwoSamplePValue(d, nRef, m);
  return { statistic: d, pValue: p, method };
}
