/**
 * A Higgs-like binary classification set: 21 "low-level" kinematic features (transverse momenta,
 * pseudorapidities, azimuthal angles of four objects plus missing energy) and 7 "high-level"
 * invariant masses derived from them; the label is drawn from a nonlinear score, so the Bayes
 * AUC is well below 1 (like HIGGS, around 0.8). Cached under /tmp as little-endian float32 rows
 * of 28 features + label, which the XGBoost peer reads with numpy.fromfile.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { makeTable, mulberry32, type NumericColumn, type Table } from '../src/core/index.js';

export const FEATURES = 28;
export const STRIDE = FEATURES + 1;

export function dataPath(rows: number): string {
  return `/tmp/keel-bench/gbdt-higgs-${rows}.f32`;
}

export function loadOrMakeHiggs(rows: number): Float32Array {
  const path = dataPath(rows);
  if (existsSync(path)) {
    const b = readFileSync(path);
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  }
  const rnd = mulberry32(20261125);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const out = new Float32Array(rows * STRIDE);
  const pt = new Float64Array(5);
  const eta = new Float64Array(5);
  const phi = new Float64Array(5);
  for (let i = 0; i < rows; i++) {
    const signal = rnd() < 0.53;
    for (let k = 0; k < 5; k++) {
      // Signal objects are a little harder and more central, as in a heavy-particle decay.
      pt[k] = -Math.log(1 - rnd()) * (signal ? 1.15 : 1.0) + 0.2;
      eta[k] = k === 4 ? 0 : normal() * (signal ? 1.0 : 1.25);
      phi[k] = (rnd() * 2 - 1) * Math.PI;
    }
    const m = (a: number, b: number): number => Math.sqrt(Math.max(0, 2 * pt[a]! * pt[b]! * (Math.cosh(eta[a]! - eta[b]!) - Math.cos(phi[a]! - phi[b]!))));
    // In signal events two pairs come from a resonance: pull their masses toward a peak.
    const peak = (v: number, at: number): number => (signal ? at + (v - at) * 0.45 + normal() * 0.15 : v);
    const mjj = peak(m(0, 1), 1.0);
    const mlv = peak(m(2, 4), 0.8);
    const highLevel = [mjj, mlv, m(0, 2), m(1, 3), m(2, 3), Math.sqrt(mjj * mjj + mlv * mlv), m(0, 3)];
    const base = i * STRIDE;
    let j = 0;
    for (let k = 0; k < 4; k++) {
      out[base + j++] = pt[k]!;
      out[base + j++] = eta[k]!;
      out[base + j++] = phi[k]!;
      // A b-tag-like discrete feature.
      out[base + j++] = rnd() < (signal && k < 2 ? 0.6 : 0.35) ? 1 : 0;
    }
    out[base + j++] = pt[4]!;
    out[base + j++] = phi[4]!;
    out[base + j++] = normal();
    out[base + j++] = normal() * 0.5 + (signal ? 0.1 : 0);
    out[base + j++] = rnd();
    for (const v of highLevel) out[base + j++] = v;
    // Label noise: a tenth of the labels are flipped.
    out[base + FEATURES] = (rnd() < 0.1 ? !signal : signal) ? 1 : 0;
  }
  mkdirSync('/tmp/keel-bench', { recursive: true });
  writeFileSync(path, out);
  return out;
}

/** Rows [from, to) of the set as a Keel table of float columns f0 … f27, and their labels. */
export function higgsTable(data: Float32Array, from: number, to: number): { table: Table; y: Float64Array } {
  const n = to - from;
  const columns: NumericColumn[] = [];
  for (let j = 0; j < FEATURES; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = data[(from + i) * STRIDE + j]!;
    columns.push({ name: `f${j}`, type: 'float', values: v });
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = data[(from + i) * STRIDE + FEATURES]!;
  return { table: makeTable(columns), y };
}
