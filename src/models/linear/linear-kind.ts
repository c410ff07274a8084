import { invalidArgument, mulberry32 } from '../../core/index.js';
import type { NumericColumn, Table } from '../../core/index.js';
import type { FitInput, FitOptions, ModelKind, ParamSpec, Task } from '../model-kind.js';
import { OnlineLinearModel, type LinearOptimizer, type LinearTask } from './online-linear-model.js';

export interface LinearParams {
  readonly optimizer: LinearOptimizer;
  readonly learning_rate: number;
  readonly l2: number;
  readonly epochs: number;
}

export const LINEAR_PARAMS: Readonly<Record<string, ParamSpec>> = {
  optimizer: { type: 'string', default: 'adagrad', choices: ['adagrad', 'sgd'], doc: 'per-row update rule' },
  learning_rate: { type: 'float', default: 0.1, min: 1e-9, max: 10, doc: 'step size (adagrad: initial per-weight step)' },
  l2: { type: 'float', default: 0, min: 0, max: 100, doc: 'L2 penalty on the weights' },
  epochs: { type: 'int', default: 5, min: 1, max: 1000, doc: 'passes over the training rows (shuffled each pass)' },
};

function parseLinearParams(raw: Readonly<Record<string, unknown>>): LinearParams {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const spec = LINEAR_PARAMS[k];
    if (!spec) throw invalidArgument(`params.${k}`, `unknown param (known: ${Object.keys(LINEAR_PARAMS).join(', ')})`);
    if (spec.type === 'string') {
      if (!spec.choices!.includes(String(v))) throw invalidArgument(`params.${k}`, `expected one of ${spec.choices!.join(', ')}`);
      out[k] = String(v);
      continue;
    }
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || (spec.type === 'int' && !Number.isInteger(n))) throw invalidArgument(`params.${k}`, `expected ${spec.type === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`);
    if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) throw invalidArgument(`params.${k}`, `must be in [${spec.min}, ${spec.max}]`);
    out[k] = n;
  }
  const d = Object.fromEntries(Object.entries(LINEAR_PARAMS).map(([k, s]) => [k, s.default]));
  return { ...d, ...out } as unknown as LinearParams;
}

function checkLinearInput(input: { readonly task: Task; readonly train: Table }): { task: LinearTask; columns: NumericColumn[] } {
  const { task } = input;
  if (task !== 'regression' && task !== 'binary') throw invalidArgument('task', `linear supports regression and binary, got '${task}'`);
  const columns = input.train.columns.map((c) => {
    if (c.type === 'string') throw invalidArgument(`features.${c.name}`, 'linear models take numeric columns only (encode categories first, or leave the column out with --features)');
    return c;
  });
  return { task, columns };
}

/**
 * `--model linear`: the online model fitted in batch by repeated passes, so a model can start
 * from a batch fit and then continue online from feedback.
 */
export const linearKind: ModelKind<LinearParams> = {
  name: 'linear',
  tasks: ['regression', 'binary'],
  // Missing values are imputed with the training mean, in the ONNX graph too.
  acceptsMissing: true,
  params: LINEAR_PARAMS,
  parseParams: parseLinearParams,
  checkFit: (_params, input) => checkLinearInput(input),
  async fit(input: FitInput, params: LinearParams, options: FitOptions) {
    const { task, columns: cols } = checkLinearInput(input);
    const model = new OnlineLinearModel({ task, features: cols.map((c) => c.name), optimizer: params.optimizer, learningRate: params.learning_rate, l2: params.l2 });
    const n = input.train.numRows;
    const order = Array.from({ length: n }, (_, i) => i);
    const next = mulberry32(options.seed);
    const row: Record<string, number> = {};
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
      options.signal?.throwIfAborted();
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const swap = order[i]!;
        order[i] = order[j]!;
        order[j] = swap;
      }
      let loss = 0;
      for (const i of order) {
        for (const c of cols) row[c.name] = c.values[i]!;
        const y = input.trainTarget[i]!;
        const p = model.update(row, y);
        loss += input.task === 'binary' ? -Math.log(Math.min(1 - 1e-15, Math.max(1e-15, y === 1 ? p : 1 - p))) : (p - y) ** 2;
      }
      const metric = input.task === 'binary' ? 'logloss' : 'mse';
      options.onIteration?.({ iteration: epoch, totalIterations: params.epochs, metrics: { [`train.${metric}`]: loss / Math.max(1, n) } });
    }
    return model;
  },
  load: (bytes) => OnlineLinearModel.load(bytes),
};
