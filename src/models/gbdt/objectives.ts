/**
 * Losses: gradients and hessians of the raw score, the starting score, the evaluation metric and
 * the transform from raw score to prediction. Raw scores are class-major: raw[k * n + i].
 */
import type { Task } from '../model-kind.js';

export interface Objective {
  readonly name: 'reg:squarederror' | 'binary:logistic' | 'multi:softprob';
  /** Trees per round (one per class for softmax). */
  readonly numOutputs: number;
  /** Metric name as XGBoost names it; lower is better for all three. */
  readonly metric: 'rmse' | 'logloss' | 'mlogloss';
  baseScores(target: Float64Array): number[];
  /** Gradient and hessian of row i (of n) into g and h (class-major): each thread does its share of the rows. */
  gradientAt(raw: Float64Array, target: Float64Array, g: Float32Array, h: Float32Array, n: number, i: number): void;
  evaluate(raw: Float64Array, target: Float64Array): number;
  /** Predictions as the model contract defines them (value, P(1), or row-major probabilities). */
  transform(raw: Float64Array, n: number): Float64Array;
}

const EPS = 1e-15;
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const squaredError: Objective = {
  name: 'reg:squarederror',
  numOutputs: 1,
  metric: 'rmse',
  baseScores(t) {
    let s = 0;
    for (let i = 0; i < t.length; i++) s += t[i]!;
    return [t.length ? s / t.length : 0];
  },
  gradientAt(raw, t, g, h, _n, i) {
    g[i] = raw[i]! - t[i]!;
    h[i] = 1;
  },
  evaluate(raw, t) {
    let s = 0;
    for (let i = 0; i < t.length; i++) s += (raw[i]! - t[i]!) ** 2;
    return Math.sqrt(s / t.length);
  },
  transform: (raw, n) => raw.slice(0, n),
};

export const logistic: Objective = {
  name: 'binary:logistic',
  numOutputs: 1,
  metric: 'logloss',
  baseScores(t) {
    let s = 0;
    for (let i = 0; i < t.length; i++) s += t[i]!;
    const p = Math.min(Math.max(t.length ? s / t.length : 0.5, 1e-6), 1 - 1e-6);
    return [Math.log(p / (1 - p))];
  },
  gradientAt(raw, t, g, h, _n, i) {
    const p = sigmoid(raw[i]!);
    g[i] = p - t[i]!;
    h[i] = Math.max(p * (1 - p), 1e-16);
  },
  evaluate(raw, t) {
    let s = 0;
    for (let i = 0; i < t.length; i++) {
      const p = Math.min(Math.max(sigmoid(raw[i]!), EPS), 1 - EPS);
      s -= t[i]! > 0.5 ? Math.log(p) : Math.log(1 - p);
    }
    return s / t.length;
  },
  transform(raw, n) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = sigmoid(raw[i]!);
    return out;
  },
};

export function softmax(numClasses: number): Objective {
  const K = numClasses;
  const probs = (raw: Float64Array, n: number, i: number, p: Float64Array): void => {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, raw[k * n + i]!);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += p[k] = Math.exp(raw[k * n + i]! - max);
    for (let k = 0; k < K; k++) p[k] = p[k]! / sum;
  };
  const scratch = new Float64Array(K);
  return {
    name: 'multi:softprob',
    numOutputs: K,
    metric: 'mlogloss',
    // XGBoost starts every class at the same score, which softmax turns into uniform probabilities.
    baseScores: () => new Array<number>(K).fill(0),
    gradientAt(raw, t, g, h, n, i) {
      const p = scratch;
      probs(raw, n, i, p);
      const y = t[i]!;
      for (let k = 0; k < K; k++) {
        const pk = p[k]!;
        g[k * n + i] = pk - (y === k ? 1 : 0);
        h[k * n + i] = Math.max(2 * pk * (1 - pk), 1e-16);
      }
    },
    evaluate(raw, t) {
      const n = t.length;
      const p = new Float64Array(K);
      let s = 0;
      for (let i = 0; i < n; i++) {
        probs(raw, n, i, p);
        s -= Math.log(Math.min(Math.max(p[t[i]!]!, EPS), 1 - EPS));
      }
      return s / n;
    },
    transform(raw, n) {
      const out = new Float64Array(n * K);
      const p = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        probs(raw, n, i, p);
        out.set(p, i * K);
      }
      return out;
    },
  };
}

export function objectiveFor(task: Task, numClasses: number): Objective {
  if (task === 'regression') return squaredError;
  if (task === 'binary') return logistic;
  return softmax(numClasses);
}
