/**
 * p-values of the two-sample Kolmogorov–Smirnov test, following scipy.stats.ks_2samp(method='auto'):
 * exact path counting when both samples have at most 10,000 values, otherwise the distribution
 * of the one-sample statistic D_n at n = round(n1·n2/(n1+n2)) (scipy's kstwo.sf), computed here
 * with the Pelz–Good expansion where D is small and Smirnov's exact one-sided sum where it is large.
 */
import { logBinomial } from './special-functions.js';

/** scipy's MAX_AUTO_N: above it 'auto' uses the asymptotic method. */
export const KS_EXACT_MAX_N = 10000;

export type KsMethod = 'exact' | 'asymp';

function gcd(a: number, b: number): number {
  while (b) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** Pr(D_{n,n} >= h/n) for equal sample sizes (scipy's _compute_prob_outside_square). */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * 1 − Pr(paths stay strictly inside |x/m − y/n| < h/lcm), by the Hodges inside method with
 * Viehmann's recursion for 1 − p (scipy's _compute_outer_prob_inside_method).
 */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

/**
 * The exact two-sided p-value, or null where scipy would give up and fall back to the asymptotic
 * method. `d` is rounded to the lattice h/lcm(n1, n2) first, as scipy does.
 */
export function ksExactPValue(d: number, n1: number, n2: number): { d: number; p: number } | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dr = h / lcm;
  if (h === 0) return { d: dr, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return null;
  return { d: dr, p };
}

const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);

/** Pelz–Good approximation of Pr(D_n > x) (scipy _kolmogn_PelzGood with cdf=False). */
export function pelzGoodSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const z = Math.sqrt(n) * x;
  const z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 1;
  let q = Math.exp(qlog);
  const k1a = -z2, k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4, k2b = ((2 * z4 - 5 * z2) * PI2) / 4, k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64, k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4, k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const qp = Math.pow(q, 8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qp + coeffs[i]!;
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT2PI) / div[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0, k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = Math.pow(q, k2);
    k2extra += k2 * qp;
    const kpi = Math.PI * k;
    k3extra += (SQRT3 * z + kpi) * (SQRT3 * z - kpi) * k2 * qp;
  }
  K[2] = K[2]! + (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  K[3] = K[3]! + (k3extra * PI2 * SQRT2PI) / (216 * z6);
  for (let i = 0; i < 4; i++) K[i] = K[i]! / Math.pow(n, i / 2);
  // cdf=False: negate all terms and add 1 to the leading one.
  return 1 - K[0]! - K[1]! - K[2]! - K[3]!;
}

/** Pr(D+_n >= x), Birnbaum–Tingey's exact sum, in logs to survive large n. */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const jmax = Math.floor(n * (1 - x));
  let sum = 0;
  let maxLog = -Infinity;
  // Terms are positive; sum in a scaled form relative to the running maximum.
  for (let j = 0; j <= jmax; j++) {
    const a = 1 - x - j / n;
    const b = x + j / n;
    if (a <= 0) continue;
    const lt = logBinomial(n, j) + (n - j) * Math.log(a) + (j - 1) * Math.log(b);
    if (lt > maxLog) {
      sum = sum * Math.exp(maxLog - lt) + 1;
      maxLog = lt;
    } else {
      sum += Math.exp(lt - maxLog);
    }
  }
  return x * sum * Math.exp(maxLog);
}

/** Pr(D_n > x), the two-sided one-sample statistic (scipy.stats.kstwo.sf), for the regimes ks_2samp reaches. */
export function kolmogorovSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const logCdf = logNFactorialOverNPowN(n) + n * Math.log(2 * t - 1);
    return 1 - Math.exp(logCdf);
  }
  if (t >= n - 1) return 2 * Math.pow(1 - x, n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip01(2 * smirnovSf(n, x));
  // scipy uses the Durbin matrix for n <= 100000 with n·x^1.5 <= 1.4 and Pelz–Good otherwise;
  // Pelz–Good agrees with it to about 1e-7 at the n (> 5000) this path sees.
  return clip01(pelzGoodSf(n, x));
}

function logNFactorialOverNPowN(n: number): number {
  let s = 0;
  for (let i = 1; i <= n; i++) s += Math.log(i / n);
  return s;
}

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

/** numpy's round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Two-sided p-value for a KS statistic as ks_2samp(method='auto') computes it. */
export function ksTwoSamplePValue(d: number, n1: number, n2: number): { p: number; d: number; method: KsMethod } {
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const exact = ksExactPValue(d, n1, n2);
    if (exact) return { p: clip01(exact.p), d: exact.d, method: 'exact' };
  }
  const m = Math.max(n1, n2), n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return { p: clip01(kolmogorovSf(roundHalfEven(en), d)), d, method: 'asymp' };
}
