/**
 * Best split of one node from its histogram. Gain is XGBoost's loss change,
 * G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ); a split must beat gamma and leave min_child_weight of
 * hessian on each side. Missing values (bin 255) are tried on both sides and the better side
 * becomes the learned default direction.
 */
import { HIST_STRIDE } from './histogram-layout.js';
import { MISSING_BIN } from './bin-mapper.js';

export interface SplitInfo {
  readonly gain: number;
  readonly feature: number;
  /** Numeric: bins <= bin go left. */
  readonly bin: number;
  /** Categorical: the bins that go left (null for numeric). */
  readonly catLeft: number[] | null;
  readonly defaultLeft: boolean;
  readonly leftG: number;
  readonly leftH: number;
}

export interface SplitConstraints {
  readonly lambda: number;
  readonly gamma: number;
  readonly minChildWeight: number;
}

/** LightGBM's smoothing when ordering categories by gradient/hessian. */
const CAT_SMOOTH = 10;
/** Splits gaining less than this are float noise. */
const MIN_GAIN = 1e-10;

export function findBestSplit(
  hist: Float64Array,
  features: Int32Array,
  featureCount: number,
  numBins: Int32Array,
  isCategorical: Uint8Array,
  G: number,
  H: number,
  c: SplitConstraints,
): SplitInfo | null {
  const lambda = c.lambda;
  const mcw = c.minChildWeight;
  const parentScore = (G * G) / (H + lambda);
  let best: SplitInfo | null = null;
  let bestGain = Math.max(c.gamma, MIN_GAIN);
  const order = new Int32Array(256);
  const ratio = new Float64Array(256);

  for (let j = 0; j < featureCount; j++) {
    const f = features[j]!;
    const base = f * HIST_STRIDE;
    const gm = hist[base + MISSING_BIN * 2]!;
    const hm = hist[base + MISSING_BIN * 2 + 1]!;
    const nb = numBins[f]!;
    if (isCategorical[f] === 0) {
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nb - 1; b++) {
        gl += hist[base + b * 2]!;
        hl += hist[base + b * 2 + 1]!;
        // Missing left first: with no missing values in the node both sides tie and left wins.
        for (let side = 0; side < 2; side++) {
          const GL = side === 0 ? gl + gm : gl;
          const HL = side === 0 ? hl + hm : hl;
          const HR = H - HL;
          if (HL < mcw || HR < mcw) continue;
          const GR = G - GL;
          const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            best = { gain, feature: f, bin: b, catLeft: null, defaultLeft: side === 0, leftG: GL, leftH: HL };
          }
        }
      }
    } else {
      // Categories sorted by g/h; the left side is a prefix of that order (LightGBM's method).
      let m = 0;
      for (let b = 0; b < nb; b++) {
        const hb = hist[base + b * 2 + 1]!;
        if (hb > 0) {
          order[m++] = b;
          ratio[b] = hist[base + b * 2]! / (hb + CAT_SMOOTH);
        }
      }
      const sorted = Array.from(order.subarray(0, m)).sort((a, b) => ratio[a]! - ratio[b]! || a - b);
      let gl = 0;
      let hl = 0;
      for (let k = 0; k < m - 1; k++) {
        gl += hist[base + sorted[k]! * 2]!;
        hl += hist[base + sorted[k]! * 2 + 1]!;
        for (let side = 0; side < 2; side++) {
          const GL = side === 0 ? gl + gm : gl;
          const HL = side === 0 ? hl + hm : hl;
          const HR = H - HL;
          if (HL < mcw || HR < mcw) continue;
          const GR = G - GL;
          const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            best = { gain, feature: f, bin: k, catLeft: sorted.slice(0, k + 1).sort((a, b) => a - b), defaultLeft: side === 0, leftG: GL, leftH: HL };
          }
        }
      }
    }
  }
  return best;
}
