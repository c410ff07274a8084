/**
 * Checks a TrainRequest before any data is read: every problem is an INVALID_ARGUMENT naming the
 * field (`model`, `split.kind`, `params.max_depth`, ...). Defaults are filled in here, once.
 */
import { KeelError, invalidArgument } from '../core/index.js';
import type { ModelKind, Task } from '../models/index.js';
import { SPLIT_KINDS, type ParamValue, type SplitKind, type TrainRequest } from './types.js';

const TASKS: readonly Task[] = ['regression', 'binary', 'multiclass'];
export const DEFAULT_SEED = 42;
export const DEFAULT_EXPERIMENT = 'Default';

export interface NormalizedRequest {
  readonly dataset: string;
  readonly target: string;
  readonly model: string;
  readonly kind: ModelKind<unknown>;
  readonly rawParams: Readonly<Record<string, ParamValue>>;
  readonly params: unknown;
  readonly split: { readonly kind: SplitKind; readonly timeColumn?: string; readonly validFraction: number; readonly testFraction: number };
  readonly task?: Task;
  readonly features?: readonly string[];
  readonly experiment: string;
  readonly runName?: string;
  readonly seed: number;
  readonly register: { readonly name: string } | false | undefined;
  readonly description?: string;
}

export function normalizeRequest(request: TrainRequest, kinds: Readonly<Record<string, ModelKind<unknown>>>): NormalizedRequest {
  if (typeof request !== 'object' || request === null) throw invalidArgument('request', 'expected an object');
  const dataset = nonEmpty(request.dataset, 'dataset');
  const target = nonEmpty(request.target, 'target');
  const model = nonEmpty(request.model, 'model');
  const kind = Object.hasOwn(kinds, model) ? kinds[model] : undefined;
  if (!kind) throw invalidArgument('model', `unknown model kind '${model}' (known: ${Object.keys(kinds).join(', ') || 'none'})`);

  if (request.task !== undefined) {
    if (!TASKS.includes(request.task)) throw invalidArgument('task', `unknown task '${String(request.task)}' (known: ${TASKS.join(', ')})`);
    if (!kind.tasks.includes(request.task)) throw invalidArgument('task', `model '${model}' does not do ${request.task} (it does: ${kind.tasks.join(', ')})`);
  }

  const rawParams = request.params ?? {};
  if (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams)) throw invalidArgument('params', 'expected an object of name → value');
  for (const [k, v] of Object.entries(rawParams)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw invalidArgument(`params.${k}`, `expected a string, number or boolean, got ${typeof v}`);
  }
  const params = parseKindParams(kind, rawParams);

  const split = normalizeSplit(request.split);
  const seed = request.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw invalidArgument('seed', `expected an integer in [0, 4294967295], got ${String(seed)}`);

  let features: readonly string[] | undefined;
  if (request.features !== undefined) {
    if (!Array.isArray(request.features) || request.features.length === 0) throw invalidArgument('features', 'expected a non-empty list of column names');
    const seen = new Set<string>();
    for (const f of request.features) {
      if (typeof f !== 'string' || f.length === 0) throw invalidArgument('features', 'expected column names');
      if (seen.has(f)) throw invalidArgument('features', `column '${f}' is listed twice`);
      if (f === target) throw invalidArgument('features', `the target '${target}' cannot be a feature`);
      seen.add(f);
    }
    features = request.features;
  }

  let register: NormalizedRequest['register'];
  if (request.register === false) register = false;
  else if (request.register !== undefined) register = { name: nonEmpty(request.register.name, 'register.name') };

  return {
    dataset, target, model, kind, rawParams, params, split, seed, register,
    experiment: request.experiment === undefined ? DEFAULT_EXPERIMENT : nonEmpty(request.experiment, 'experiment'),
    ...(request.task ? { task: request.task } : {}),
    ...(features ? { features } : {}),
    ...(request.runName !== undefined ? { runName: nonEmpty(request.runName, 'runName') } : {}),
    ...(request.description !== undefined ? { description: String(request.description) } : {}),
  };
}

function normalizeSplit(split: TrainRequest['split']): NormalizedRequest['split'] {
  const s = split ?? { kind: 'random' as const };
  if (typeof s !== 'object' || s === null) throw invalidArgument('split', 'expected { kind, validFraction?, testFraction?, timeColumn? }');
  const kind = s.kind ?? (s.timeColumn ? 'time' : 'random');
  if (!SPLIT_KINDS.includes(kind)) throw invalidArgument('split.kind', `unknown split kind '${String(kind)}' (known: ${SPLIT_KINDS.join(', ')})`);
  const validFraction = fraction(s.validFraction ?? 0.2, 'split.validFraction');
  const testFraction = fraction(s.testFraction ?? 0.1, 'split.testFraction');
  if (validFraction + testFraction >= 1) {
    throw invalidArgument('split.testFraction', `validFraction + testFraction must be below 1 (got ${validFraction} + ${testFraction})`);
  }
  if (kind === 'time') {
    const timeColumn = nonEmpty(s.timeColumn, 'split.timeColumn');
    return { kind, timeColumn, validFraction, testFraction };
  }
  if (s.timeColumn !== undefined) throw invalidArgument('split.timeColumn', `a time column only applies to split kind 'time', not '${kind}'`);
  return { kind, validFraction, testFraction };
}

function fraction(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) throw invalidArgument(field, `expected a fraction in [0, 1), got ${String(v)}`);
  return v;
}

function nonEmpty(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim().length === 0) throw invalidArgument(field, 'is required');
  return v;
}

/**
 * The kind names the offending param itself (unknown name, wrong type, out of range) as its SDK
 * takes it (`max_depth`); in a train request that param is the body's `params.max_depth`.
 */
function parseKindParams<P>(kind: ModelKind<P>, raw: Readonly<Record<string, unknown>>): P {
  try {
    return kind.parseParams(raw);
  } catch (e) {
    if (!(e instanceof KeelError) || e.code !== 'INVALID_ARGUMENT' || e.field === undefined || e.field.startsWith('params.')) throw e;
    const message = e.message.startsWith(`${e.field}: `) ? `params.${e.message}` : e.message;
    throw new KeelError('INVALID_ARGUMENT', message, { field: `params.${e.field}`, cause: e });
  }
}
