/**
 * A tiny model kind for the trainer's own tests: a linear / logistic / softmax model fitted by
 * full-batch gradient descent on the numeric columns (string columns as their codes). It does
 * what the contract asks of every kind — params checked up front, per-iteration metrics, early
 * stopping on the valid set, checkpoints that resume to the identical model, ONNX export — in a
 * few lines, so trainer tests do not depend on the GBDT learner.
 */
import { invalidArgument, KeelError, mulberry32, type Table } from '../../core/index.js';
import type { ModelKind, Task, TrainedModel } from '../../models/index.js';
import { encodeModel, makeModel, makeNode, makeTensor, makeTensorValueInfo, readSignature } from '../../onnx/index.js';

export interface LinearParams {
  readonly iterations: number;
  readonly learning_rate: number;
  readonly early_stopping_rounds: number;
}

interface State { iteration: number; weights: number[]; best: { loss: number; iteration: number; weights: number[] } | null }

const matrix = (t: Table): Float64Array[] => t.columns.map((c) => (c.type === 'string' ? Float64Array.from(c.codes) : c.values));

export const linearKind: ModelKind<LinearParams> = {
  name: 'linear-test',
  tasks: ['regression', 'binary', 'multiclass'],
  params: {
    iterations: { type: 'int', default: 30, min: 1, doc: 'gradient steps' },
    learning_rate: { type: 'float', default: 0.1, min: 0, doc: 'step size' },
    early_stopping_rounds: { type: 'int', default: 0, min: 0, doc: 'stop after this many steps without a better valid loss' },
  },
  parseParams(raw) {
    const out: Record<string, number> = { iterations: 30, learning_rate: 0.1, early_stopping_rounds: 0 };
    for (const [k, v] of Object.entries(raw)) {
      if (!(k in out)) throw invalidArgument(`params.${k}`, `unknown param (known: ${Object.keys(out).join(', ')})`);
      const n = typeof v === 'string' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidArgument(`params.${k}`, `expected a number, got '${String(v)}'`);
      if (k !== 'learning_rate' && !Number.isInteger(n)) throw invalidArgument(`params.${k}`, `expected an integer, got '${String(v)}'`);
      out[k] = n;
    }
    return out as unknown as LinearParams;
  },
  async fit(input, params, options) {
    const k = input.task === 'multiclass' ? input.numClasses! : 1;
    const x = matrix(input.train);
    const d = x.length;
    const resume = options.checkpoint?.resumeFrom ? (JSON.parse(new TextDecoder().decode(options.checkpoint.resumeFrom)) as State) : null;
    const random = mulberry32(options.seed);
    const state: State = resume ?? { iteration: 0, weights: Array.from({ length: (d + 1) * k }, () => (random() - 0.5) * 0.01), best: null };
    const validX = input.valid ? matrix(input.valid.table) : null;
    for (let it = state.iteration + 1; it <= params.iterations; it++) {
      if (options.signal?.aborted) throw new KeelError('FAILED_PRECONDITION', 'aborted');
      // Yield so an abort from another task can land between iterations, as in a real learner.
      await new Promise((r) => setImmediate(r));
      const grad = new Array<number>(state.weights.length).fill(0);
      const trainLoss = lossAndGradient(input.task, k, x, input.trainTarget, state.weights, grad);
      for (let j = 0; j < grad.length; j++) state.weights[j]! -= params.learning_rate * grad[j]!;
      state.iteration = it;
      const metrics: Record<string, number> = { 'train.loss': trainLoss };
      if (validX && input.valid) {
        const validLoss = lossAndGradient(input.task, k, validX, input.valid.target, state.weights, null);
        metrics['valid.loss'] = validLoss;
        if (!state.best || validLoss < state.best.loss) state.best = { loss: validLoss, iteration: it, weights: [...state.weights] };
      }
      options.onIteration?.({ iteration: it, totalIterations: params.iterations, metrics });
      const cp = options.checkpoint;
      if (cp && it % cp.everyIterations === 0) await cp.save(new TextEncoder().encode(JSON.stringify(state)));
      if (params.early_stopping_rounds > 0 && state.best && it - state.best.iteration >= params.early_stopping_rounds) break;
    }
    const keep = params.early_stopping_rounds > 0 && state.best ? state.best : { weights: state.weights, iteration: state.iteration };
    return new LinearModel(input.task, k, input.train.columns.map((c) => c.name), keep.weights, keep.iteration);
  },
  load(bytes) {
    const s = JSON.parse(new TextDecoder().decode(bytes)) as { task: Task; k: number; features: string[]; weights: number[]; iterations: number };
    return new LinearModel(s.task, s.k, s.features, s.weights, s.iterations);
  },
};

function scores(k: number, x: Float64Array[], w: readonly number[], row: number, out: Float64Array): void {
  const d = x.length;
  for (let c = 0; c < k; c++) {
    let s = w[d * k + c]!;
    for (let j = 0; j < d; j++) {
      const v = x[j]![row]!;
      if (!Number.isNaN(v)) s += w[j * k + c]! * v;
    }
    out[c] = s;
  }
}

function link(task: Task, k: number, s: Float64Array): void {
  if (task === 'binary') s[0] = 1 / (1 + Math.exp(-s[0]!));
  if (task === 'multiclass') {
    let max = -Infinity, sum = 0;
    for (let c = 0; c < k; c++) max = Math.max(max, s[c]!);
    for (let c = 0; c < k; c++) { s[c] = Math.exp(s[c]! - max); sum += s[c]!; }
    for (let c = 0; c < k; c++) s[c]! /= sum;
  }
}

function lossAndGradient(task: Task, k: number, x: Float64Array[], y: Float64Array, w: readonly number[], grad: number[] | null): number {
  const n = y.length, d = x.length;
  const s = new Float64Array(k);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    scores(k, x, w, i, s);
    link(task, k, s);
    for (let c = 0; c < k; c++) {
      const target = task === 'multiclass' ? (y[i] === c ? 1 : 0) : y[i]!;
      const r = s[c]! - target;
      if (task === 'regression') loss += r * r;
      else if (target === 1) loss -= Math.log(Math.max(s[c]!, 1e-15));
      else if (task === 'binary') loss -= Math.log(Math.max(1 - s[c]!, 1e-15));
      if (grad) {
        for (let j = 0; j < d; j++) { const v = x[j]![i]!; if (!Number.isNaN(v)) grad[j * k + c]! += (r * v) / n; }
        grad[d * k + c]! += r / n;
      }
    }
  }
  return loss / n;
}

class LinearModel implements TrainedModel {
  readonly kind = 'linear-test';
  constructor(readonly task: Task, private readonly k: number, readonly featureNames: readonly string[], private readonly weights: readonly number[], readonly numIterations: number) {}

  predict(table: Table): Float64Array {
    const x = matrix(table);
    const out = new Float64Array(table.numRows * this.k);
    const s = new Float64Array(this.k);
    for (let i = 0; i < table.numRows; i++) {
      scores(this.k, x, this.weights, i, s);
      link(this.task, this.k, s);
      out.set(s, i * this.k);
    }
    return out;
  }

  toOnnx(): Uint8Array {
    const d = this.featureNames.length, k = this.k;
    const post = this.task === 'binary' ? [makeNode('Sigmoid', ['score'], ['prediction'])] : this.task === 'multiclass' ? [makeNode('Softmax', ['score'], ['prediction'])] : [makeNode('Identity', ['score'], ['prediction'])];
    return encodeModel(makeModel({
      graph: {
        name: 'linear',
        nodes: [makeNode('MatMul', ['features', 'W'], ['xw']), makeNode('Add', ['xw', 'b'], ['score']), ...post],
        inputs: [makeTensorValueInfo('features', 'float32', ['N', d])],
        outputs: [makeTensorValueInfo('prediction', 'float32', ['N', k])],
        initializers: [makeTensor('W', 'float32', [d, k], this.weights.slice(0, d * k)), makeTensor('b', 'float32', [k], this.weights.slice(d * k))],
      },
    }));
  }

  get signature() {
    return readSignature(this.toOnnx());
  }

  serialize(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ task: this.task, k: this.k, features: this.featureNames, weights: this.weights, iterations: this.numIterations }));
  }
}
