import { invalidArgument, KeelError } from '../core/index.js';
import type { KeyValue, LogBatchInput, MetricPoint } from './types.js';

/** MLflow 2.x's limits (mlflow/utils/validation.py), so a batch MLflow accepts Keel accepts too. */
export const LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  runNameLength: 250,
  experimentNameLength: 500,
  searchMaxResults: 50_000,
  searchDefaultResults: 1000,
} as const;

// MLflow's name rule: alphanumerics, _ - . space : / ; not an absolute or '..' path.
const KEY_RE = /^[/\w.\- :]*$/;

const fail = (field: string, message: string): KeelError => new KeelError('INVALID_ARGUMENT', message, { field });

export function validateKey(field: string, key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw fail(field, `Missing value for required parameter '${field}'.`);
  if (key.length > LIMITS.keyLength) {
    throw fail(field, `${field} '${key.slice(0, 32)}...' had length ${key.length}, which exceeded length limit of ${LIMITS.keyLength}`);
  }
  if (!KEY_RE.test(key) || key.startsWith('/') || (key.includes('..') && key.split('/').includes('..'))) {
    throw fail(field, `Invalid value "${key}" for parameter '${field}' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/), and may not be absolute or contain '..'.`);
  }
  return key;
}

export function validateValue(field: string, value: unknown, limit: number): string {
  if (typeof value !== 'string') throw fail(field, `Missing value for required parameter '${field}'.`);
  if (value.length > limit) {
    throw fail(field, `${field} '${value.slice(0, 32)}...' had length ${value.length}, which exceeded length limit of ${limit}`);
  }
  return value;
}

export function validateParams(params: readonly KeyValue[], path = 'params'): void {
  params.forEach((p, i) => {
    validateKey(`${path}[${i}].key`, p?.key);
    validateValue(`${path}[${i}].value`, p.value, LIMITS.paramValueLength);
  });
}

export function validateTags(tags: readonly KeyValue[], path = 'tags'): void {
  tags.forEach((t, i) => {
    validateKey(`${path}[${i}].key`, t?.key);
    validateValue(`${path}[${i}].value`, t.value, LIMITS.tagValueLength);
  });
}

export function validateMetrics(metrics: readonly MetricPoint[], path = 'metrics'): void {
  const validKeys = new Set<string>(); // a batch repeats a few keys many times: check each once
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i]!;
    if (!validKeys.has(m?.key)) validKeys.add(validateKey(`${path}[${i}].key`, m?.key));
    if (typeof m.value !== 'number') {
      throw fail(`${path}[${i}].value`, `Got invalid value ${String(m.value)} for metric '${m.key}' (timestamp=${m.timestamp}). Please specify value as a valid double (64-bit floating point)`);
    }
    if (!Number.isSafeInteger(m.timestamp)) throw invalidArgument(`${path}[${i}].timestamp`, `expected an integer timestamp in ms, got ${String(m.timestamp)}`);
    if (!Number.isSafeInteger(m.step)) throw invalidArgument(`${path}[${i}].step`, `expected an integer step, got ${String(m.step)}`);
  }
}

/** The per-request limits of runs/log-batch, with MLflow's messages. */
export function validateBatch(batch: LogBatchInput): void {
  const counts = { metrics: batch.metrics?.length ?? 0, params: batch.params?.length ?? 0, tags: batch.tags?.length ?? 0 };
  const limits = { metrics: LIMITS.metricsPerBatch, params: LIMITS.paramsPerBatch, tags: LIMITS.tagsPerBatch };
  for (const name of ['metrics', 'params', 'tags'] as const) {
    if (counts[name] > limits[name]) {
      throw fail(name, `A batch logging request can contain at most ${limits[name]} ${name}. Got ${counts[name]} ${name}. Please split up ${name} across multiple requests and try again.`);
    }
  }
  const total = counts.metrics + counts.params + counts.tags;
  if (total > LIMITS.entitiesPerBatch) {
    throw fail('metrics', `A batch logging request can contain at most ${LIMITS.entitiesPerBatch} metrics, params, and tags in total. Got ${total} total entities.`);
  }
  validateMetrics(batch.metrics ?? []);
  validateParams(batch.params ?? []);
  validateTags(batch.tags ?? []);
}
