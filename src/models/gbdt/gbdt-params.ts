/**
 * GBDT hyperparameters: names follow XGBoost (and LightGBM where XGBoost has none), so a user's
 * `--param max_depth=8` means what it means there. Values arrive as strings from the CLI or typed
 * from the SDK; parseGbdtParams checks both before any work starts.
 */
import { KeelError, invalidArgument } from '../../core/index.js';
import type { ParamSpec } from '../model-kind.js';

export type GrowPolicy = 'depthwise' | 'lossguide';
export type GbdtObjective = 'auto' | 'reg:squarederror' | 'binary:logistic' | 'multi:softprob';

export interface GbdtParams {
  readonly n_estimators: number;
  readonly learning_rate: number;
  readonly max_depth: number;
  readonly max_leaves: number;
  readonly grow_policy: GrowPolicy;
  readonly min_child_weight: number;
  readonly reg_lambda: number;
  readonly gamma: number;
  readonly subsample: number;
  readonly colsample_bytree: number;
  readonly max_bin: number;
  readonly early_stopping_rounds: number;
  readonly objective: GbdtObjective;
  readonly nthread: number;
}

export const GBDT_PARAMS: Readonly<Record<keyof GbdtParams, ParamSpec>> = {
  n_estimators: { type: 'int', default: 100, min: 1, max: 100_000, doc: 'Boosting rounds (alias num_rounds).' },
  learning_rate: { type: 'float', default: 0.3, min: 0, max: 1, doc: 'Shrinkage applied to every leaf value (alias eta).' },
  max_depth: { type: 'int', default: 6, min: 0, max: 16, doc: 'Maximum tree depth; 0 = unlimited (then max_leaves must be set).' },
  max_leaves: { type: 'int', default: 0, min: 0, max: 65_536, doc: 'Maximum leaves per tree; 0 = unlimited.' },
  grow_policy: { type: 'string', default: 'depthwise', choices: ['depthwise', 'lossguide'], doc: 'depthwise: level by level; lossguide: best-first (leaf-wise), the leaf with the largest gain first.' },
  min_child_weight: { type: 'float', default: 1, min: 0, doc: 'Minimum hessian sum in each child.' },
  reg_lambda: { type: 'float', default: 1, min: 0, doc: 'L2 regularization on leaf values (alias lambda).' },
  gamma: { type: 'float', default: 0, min: 0, doc: 'Minimum loss reduction to make a split (alias min_split_gain).' },
  subsample: { type: 'float', default: 1, min: 0, max: 1, doc: 'Fraction of rows sampled for each tree.' },
  colsample_bytree: { type: 'float', default: 1, min: 0, max: 1, doc: 'Fraction of features sampled for each tree.' },
  max_bin: { type: 'int', default: 255, min: 2, max: 255, doc: 'Maximum histogram bins per feature (missing values get one more).' },
  early_stopping_rounds: { type: 'int', default: 0, min: 0, doc: 'Stop when the validation metric has not improved for this many rounds and keep the best round; 0 = off.' },
  objective: { type: 'string', default: 'auto', choices: ['auto', 'reg:squarederror', 'binary:logistic', 'multi:softprob'], doc: 'Loss; auto picks it from the task.' },
  nthread: { type: 'int', default: 0, min: 0, max: 64, doc: 'Threads for histogram building; 0 = all cores.' },
};

const ALIASES: Readonly<Record<string, keyof GbdtParams>> = {
  num_rounds: 'n_estimators',
  num_boost_round: 'n_estimators',
  eta: 'learning_rate',
  lambda: 'reg_lambda',
  min_split_gain: 'gamma',
  min_split_loss: 'gamma',
  num_leaves: 'max_leaves',
  num_threads: 'nthread',
};

function parseValue(name: string, spec: ParamSpec, raw: unknown): number | string | boolean {
  switch (spec.type) {
    case 'int': {
      const v = typeof raw === 'string' && /^\s*[-+]?\d+\s*$/.test(raw) ? Number(raw) : raw;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidArgument(name, `expected an integer, got ${JSON.stringify(raw)}`);
      return checkRange(name, spec, v);
    }
    case 'float': {
      const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidArgument(name, `expected a number, got ${JSON.stringify(raw)}`);
      return checkRange(name, spec, v);
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw invalidArgument(name, `expected true or false, got ${JSON.stringify(raw)}`);
    }
    case 'string': {
      if (typeof raw !== 'string') throw invalidArgument(name, `expected a string, got ${JSON.stringify(raw)}`);
      if (spec.choices && !spec.choices.includes(raw)) throw invalidArgument(name, `expected one of ${spec.choices.join(', ')}, got '${raw}'`);
      return raw;
    }
  }
}

function checkRange(name: string, spec: ParamSpec, v: number): number {
  if (spec.min !== undefined && v < spec.min) throw invalidArgument(name, `must be >= ${spec.min}, got ${v}`);
  if (spec.max !== undefined && v > spec.max) throw invalidArgument(name, `must be <= ${spec.max}, got ${v}`);
  return v;
}

export function parseGbdtParams(raw: Readonly<Record<string, unknown>>): GbdtParams {
  const out: Record<string, number | string | boolean> = {};
  for (const [name, spec] of Object.entries(GBDT_PARAMS)) out[name] = spec.default;
  const seen = new Map<string, string>();
  for (const [given, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const name = (ALIASES[given] ?? given) as keyof GbdtParams;
    const spec = GBDT_PARAMS[name] as ParamSpec | undefined;
    if (!spec) {
      const known = [...Object.keys(GBDT_PARAMS), ...Object.keys(ALIASES)].sort().join(', ');
      throw new KeelError('INVALID_ARGUMENT', `${given}: unknown gbdt param (known: ${known})`, { field: given });
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) throw invalidArgument(given, `given twice (also as ${earlier})`);
    seen.set(name, given);
    out[name] = parseValue(given, spec, value);
  }
  const p = out as unknown as GbdtParams;
  if ((p.learning_rate as number) <= 0) throw invalidArgument('learning_rate', 'must be > 0');
  if (p.subsample <= 0) throw invalidArgument('subsample', 'must be > 0');
  if (p.colsample_bytree <= 0) throw invalidArgument('colsample_bytree', 'must be > 0');
  if (p.max_depth === 0 && p.max_leaves === 0) throw invalidArgument('max_depth', 'max_depth=0 (unlimited) needs max_leaves > 0');
  return Object.freeze(p);
}
