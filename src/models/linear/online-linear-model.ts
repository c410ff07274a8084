/**
 * Linear and logistic regression that learn one labeled row at a time (SGD or Adagrad), for
 * online updates from production feedback. Inputs are standardized with running means and
 * variances (Welford) updated before each step, and a missing value is replaced by its running
 * mean (z = 0). predict() rounds inputs to float32 first, so it computes exactly what the exported
 * ONNX graph computes from float32 inputs.
 */
import { KeelError, invalidArgument, type Table } from '../../core/index.js';
import type { ModelSignature, Task, TrainedModel } from '../model-kind.js';
import { exportLinearOnnx } from './linear-onnx.js';

export type LinearTask = Extract<Task, 'regression' | 'binary'>;
export type LinearOptimizer = 'sgd' | 'adagrad';

export interface LinearModelOptions {
  readonly task: LinearTask;
  readonly features: readonly string[];
  /** Default 'adagrad': per-weight step sizes, robust to feature scale and to the learning rate. */
  readonly optimizer?: LinearOptimizer;
  /** Default 0.1 (adagrad) / 0.01 (sgd). */
  readonly learningRate?: number;
  /** L2 penalty on the weights (not the bias). Default 0. */
  readonly l2?: number;
}

export const LINEAR_FORMAT = 1;

/** Everything the model is: JSON, numbers round-trip exactly. */
export interface LinearModelState {
  readonly format: typeof LINEAR_FORMAT;
  readonly task: LinearTask;
  readonly features: readonly string[];
  readonly optimizer: LinearOptimizer;
  readonly learningRate: number;
  readonly l2: number;
  readonly weights: number[];
  readonly bias: number;
  /** Adagrad accumulators: weights then bias. */
  readonly gradSq: number[];
  /** Welford running statistics per feature: non-missing count, mean, sum of squared deviations. */
  readonly count: number[];
  readonly mean: number[];
  readonly m2: number[];
  readonly updates: number;
}

const EPS = 1e-8;

export class OnlineLinearModel implements TrainedModel {
  readonly kind = 'linear';
  private s: {
    -readonly [K in keyof LinearModelState]: LinearModelState[K];
  };

  constructor(options: LinearModelOptions | LinearModelState) {
    if ('format' in options) {
      this.s = structuredClone(options) as typeof this.s;
      return;
    }
    if (options.task !== 'regression' && options.task !== 'binary') throw invalidArgument('task', `linear models support regression and binary, got '${String(options.task)}'`);
    if (options.features.length === 0) throw invalidArgument('features', 'at least one feature is needed');
    if (new Set(options.features).size !== options.features.length) throw invalidArgument('features', 'duplicate feature names');
    const reserved = options.features.find((f) => ['variable', 'label', 'probabilities'].includes(f) || f.startsWith('_l_'));
    if (reserved !== undefined) throw invalidArgument('features', `'${reserved}' is reserved for the ONNX graph's own tensors`);
    const optimizer = options.optimizer ?? 'adagrad';
    if (optimizer !== 'sgd' && optimizer !== 'adagrad') throw invalidArgument('optimizer', `expected sgd or adagrad, got '${String(optimizer)}'`);
    const lr = options.learningRate ?? (optimizer === 'adagrad' ? 0.1 : 0.01);
    if (!(lr > 0)) throw invalidArgument('learningRate', 'must be positive');
    const l2 = options.l2 ?? 0;
    if (!(l2 >= 0)) throw invalidArgument('l2', 'must be >= 0');
    const F = options.features.length;
    this.s = {
      format: LINEAR_FORMAT, task: options.task, features: [...options.features], optimizer, learningRate: lr, l2,
      weights: new Array<number>(F).fill(0), bias: 0, gradSq: new Array<number>(F + 1).fill(0),
      count: new Array<number>(F).fill(0), mean: new Array<number>(F).fill(0), m2: new Array<number>(F).fill(0), updates: 0,
    };
  }

  get task(): Task {
    return this.s.task;
  }

  get featureNames(): readonly string[] {
    return this.s.features;
  }

  get numIterations(): number {
    return this.s.updates;
  }

  get updates(): number {
    return this.s.updates;
  }

  get state(): LinearModelState {
    return structuredClone(this.s);
  }

  get signature(): ModelSignature {
    return {
      inputs: this.s.features.map((name) => ({ name, type: 'float32', shape: [-1, 1] })),
      outputs: this.s.task === 'regression'
        ? [{ name: 'variable', type: 'float32', shape: [-1, 1] }]
        : [{ name: 'label', type: 'int64', shape: [-1] }, { name: 'probabilities', type: 'float32', shape: [-1, 2] }],
    };
  }

  /** Per-feature (mean, std) used to standardize; std 1 until a feature has spread. */
  scaling(): { mean: number[]; std: number[] } {
    const std = this.s.m2.map((m2, j) => {
      const n = this.s.count[j]!;
      const sd = n > 1 ? Math.sqrt(m2 / n) : 0;
      return sd > EPS ? sd : 1;
    });
    return { mean: [...this.s.mean], std };
  }

  /** The raw score (before the sigmoid) of one row of float32-rounded values. */
  private score(x: readonly number[], mean: readonly number[], std: readonly number[]): number {
    let s = this.s.bias;
    for (let j = 0; j < x.length; j++) {
      const v = x[j]!;
      if (!Number.isNaN(v)) s += this.s.weights[j]! * ((v - mean[j]!) / std[j]!);
    }
    return s;
  }

  private output(score: number): number {
    return this.s.task === 'binary' ? 1 / (1 + Math.exp(-score)) : score;
  }

  private rowOf(row: Readonly<Record<string, unknown>>): number[] {
    return this.s.features.map((f) => {
      const v = row[f];
      const n = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      return Number.isFinite(n) ? Math.fround(n) : NaN;
    });
  }

  /** Prediction for one row of named values (regression: value; binary: P(class 1)). */
  predictRow(row: Readonly<Record<string, unknown>>): number {
    const { mean, std } = this.scaling();
    return this.output(this.score(this.rowOf(row), mean, std));
  }

  predict(table: Table): Float64Array {
    const cols = this.s.features.map((f) => {
      const c = table.columns.find((col) => col.name === f);
      if (!c) throw invalidArgument('features', `the table has no column '${f}'`);
      if (c.type === 'string') throw invalidArgument(f, 'linear models take numeric columns only');
      return c.values;
    });
    const { mean, std } = this.scaling();
    const out = new Float64Array(table.numRows);
    const x = new Array<number>(cols.length);
    for (let i = 0; i < table.numRows; i++) {
      for (let j = 0; j < cols.length; j++) {
        const v = cols[j]![i]!;
        x[j] = Number.isFinite(v) ? Math.fround(v) : NaN;
      }
      out[i] = this.output(this.score(x, mean, std));
    }
    return out;
  }

  /**
   * One learning step on one labeled row; returns the prediction made before the step (for
   * progressive validation). A target that is not a finite number (binary: not 0/1) is refused.
   */
  update(row: Readonly<Record<string, unknown>>, target: number): number {
    if (!Number.isFinite(target) || (this.s.task === 'binary' && target !== 0 && target !== 1)) {
      throw invalidArgument('target', this.s.task === 'binary' ? `expected 0 or 1, got ${target}` : `expected a finite number, got ${target}`);
    }
    const x = this.rowOf(row);
    const before = this.scaling();
    const prediction = this.output(this.score(x, before.mean, before.std));
    // Welford update of the running statistics first, then a gradient step in the new scale.
    for (let j = 0; j < x.length; j++) {
      const v = x[j]!;
      if (Number.isNaN(v)) continue;
      const n = ++this.s.count[j]!;
      const d = v - this.s.mean[j]!;
      this.s.mean[j]! += d / n;
      this.s.m2[j]! += d * (v - this.s.mean[j]!);
    }
    const { mean, std } = this.scaling();
    // Squared loss / log loss: both have gradient (output - target) · z.
    const err = this.output(this.score(x, mean, std)) - target;
    const F = x.length;
    for (let j = 0; j <= F; j++) {
      const z = j === F ? 1 : Number.isNaN(x[j]!) ? 0 : (x[j]! - mean[j]!) / std[j]!;
      const g = err * z + (j < F ? this.s.l2 * this.s.weights[j]! : 0);
      let step = this.s.learningRate * g;
      if (this.s.optimizer === 'adagrad') {
        this.s.gradSq[j]! += g * g;
        step = (this.s.learningRate * g) / (Math.sqrt(this.s.gradSq[j]!) + EPS);
      }
      if (j === F) this.s.bias -= step;
      else this.s.weights[j]! -= step;
    }
    this.s.updates++;
    return prediction;
  }

  toOnnx(): Uint8Array {
    const { mean, std } = this.scaling();
    return exportLinearOnnx({ task: this.s.task, features: this.s.features, weights: this.s.weights, bias: this.s.bias, mean, std, updates: this.s.updates });
  }

  serialize(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.s));
  }

  static load(bytes: Uint8Array): OnlineLinearModel {
    let state: LinearModelState;
    try {
      state = JSON.parse(new TextDecoder().decode(bytes)) as LinearModelState;
    } catch (e) {
      throw new KeelError('DATA_CORRUPTED', 'linear model: not valid JSON', { cause: e });
    }
    if (state?.format !== LINEAR_FORMAT || !Array.isArray(state.weights) || state.weights.length !== state.features?.length) {
      throw new KeelError('DATA_CORRUPTED', `linear model: unknown format ${String(state?.format)}`);
    }
    return new OnlineLinearModel(state);
  }
}
