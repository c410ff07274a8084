/**
 * Distances between two distributions given as aligned share (or count) vectors, each defined as
 * Evidently computes it (docs/validation.md gives the formulas). They sit in core because two
 * layers use them: validation's drift tests (`keel drift`, on the data) and data's version diff
 * (`keel data diff`, on the stored statistics).
 */

/** Evidently's zero filling for PSI and KL: an empty bin gets min(non-zero share)/1e6, or 1e-4. */
export function fillZeros(p: Float64Array): Float64Array {
  let min = Infinity;
  for (const v of p) if (v !== 0 && v < min) min = v;
  const fill = min <= 0.0001 ? min / 1e6 : 0.0001;
  return p.map((v) => (v === 0 ? fill : v));
}

const relEntr = (x: number, y: number): number => (x > 0 && y > 0 ? x * Math.log(x / y) : x === 0 && y >= 0 ? 0 : Infinity);

function normalize(p: Float64Array): Float64Array {
  let s = 0;
  for (const v of p) s += v;
  return p.map((v) => v / s);
}

/** Jensen–Shannon distance, natural log (scipy.spatial.distance.jensenshannon, base=None). */
export function jensenShannonDistance(p0: Float64Array, q0: Float64Array): number {
  const p = normalize(p0), q = normalize(q0);
  let left = 0, right = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    left += relEntr(p[i]!, m);
    right += relEntr(q[i]!, m);
  }
  return Math.sqrt((left + right) / 2);
}

/** KL divergence D(ref ‖ cur), natural log, after normalizing both (scipy.stats.entropy(pk, qk)). */
export function klDivergence(p0: Float64Array, q0: Float64Array): number {
  const p = normalize(p0), q = normalize(q0);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += relEntr(p[i]!, q[i]!);
  return s;
}

/** Population stability index Σ (r − c)·ln(r / c), on zero-filled shares, not renormalized. */
export function psi(r: Float64Array, c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += (r[i]! - c[i]!) * Math.log(r[i]! / c[i]!);
  return s;
}

/** L∞ distance max |r − c| between two share vectors. */
export function linf(r: Float64Array, c: Float64Array): number {
  let m = 0;
  for (let i = 0; i < r.length; i++) m = Math.max(m, Math.abs(r[i]! - c[i]!));
  return m;
}
