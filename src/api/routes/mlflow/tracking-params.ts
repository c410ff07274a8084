import type { FastifyRequest } from 'fastify';
import { KeelError } from '../../../core/index.js';
import type { KeyValue, MetricPoint, Run, RunInfo, ViewType } from '../../../tracking/index.js';

/** A request's parameters: the query string on GET (as MLflow clients send them), the JSON body otherwise. */
export type Params = Readonly<Record<string, unknown>>;

export function paramsOf(req: FastifyRequest): Params {
  const source = req.method === 'GET' ? req.query : req.body;
  return source !== null && typeof source === 'object' && !Array.isArray(source) ? (source as Params) : {};
}

const missing = (name: string): KeelError =>
  new KeelError('INVALID_ARGUMENT', `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`, { field: name });

const badValue = (name: string, value: unknown, expected: string): KeelError =>
  new KeelError('INVALID_ARGUMENT', `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: ${expected}`, { field: name });

export function optString(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw badValue(name, v, 'expected a string');
  return v;
}

export function reqString(p: Params, name: string, ...aliases: string[]): string {
  for (const n of [name, ...aliases]) {
    const v = optString(p, n);
    if (v !== undefined && v !== '') return v;
  }
  throw missing(name);
}

/** int64 fields: MLflow's protobuf JSON sends them as strings ("1700000000000"), some clients as numbers. */
export function optInt(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw badValue(name, v, 'expected an integer');
  return n;
}

/** A repeated field: a JSON array, or one or more `name=` in a query string. */
export function list(p: Params, name: string): string[] {
  const v = p[name];
  if (v === undefined || v === null) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x, i) => {
    if (typeof x === 'string') return x;
    if (typeof x === 'number') return String(x);
    throw badValue(`${name}[${i}]`, x, 'expected a string');
  });
}

/** Metric values: numbers, or the strings protobuf JSON uses for non-finite doubles. */
export function metricValue(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity' || v === 'inf') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity' || v === '-inf') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  if (v === undefined || v === null) throw missing(field);
  throw badValue(field, v, 'expected a double');
}

function objects(p: Params, name: string): Params[] {
  const v = p[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badValue(name, v, 'expected a list');
  return v.map((x, i) => {
    if (x === null || typeof x !== 'object') throw badValue(`${name}[${i}]`, x, 'expected an object');
    return x as Params;
  });
}

export function keyValues(p: Params, name: string): KeyValue[] {
  // proto3 JSON leaves out empty strings: a missing value is "".
  return objects(p, name).map((o) => ({ key: reqString(o, 'key'), value: optString(o, 'value') ?? '' }));
}

export function metricPoints(p: Params, name: string): MetricPoint[] {
  // The hot path of log-batch: well-typed points (numbers as numbers) skip the general parsers.
  return objects(p, name).map((o, i) => {
    const { key, value, timestamp, step } = o;
    return {
      key: typeof key === 'string' && key !== '' ? key : reqString(o, 'key'),
      value: typeof value === 'number' ? value : metricValue(value, `${name}[${i}].value`),
      timestamp: typeof timestamp === 'number' && Number.isSafeInteger(timestamp) ? timestamp : (optInt(o, 'timestamp') ?? Date.now()),
      step: typeof step === 'number' && Number.isSafeInteger(step) ? step : (optInt(o, 'step') ?? 0),
    };
  });
}

export function viewType(p: Params, name: string): ViewType | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  // The enum arrives by name or, from some clients, by number (1, 2, 3).
  const byNumber: Record<string, ViewType> = { '1': 'ACTIVE_ONLY', '2': 'DELETED_ONLY', '3': 'ALL' };
  const s = String(v);
  const out = byNumber[s] ?? (['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'].includes(s) ? (s as ViewType) : undefined);
  if (out === undefined) throw badValue(name, v, 'expected ACTIVE_ONLY, DELETED_ONLY or ALL');
  return out;
}

/** NaN and ±Infinity as protobuf JSON writes doubles ("NaN", "Infinity", "-Infinity"). */
export function jsonDouble(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function jsonMetric<T extends MetricPoint>(m: T): Omit<T, 'value'> & { value: number | string } {
  return { ...m, value: jsonDouble(m.value) };
}

export function jsonRun(run: Run): { info: RunInfo; data: { metrics: unknown[]; params: readonly KeyValue[]; tags: readonly KeyValue[] } } {
  return { info: run.info, data: { metrics: run.data.metrics.map(jsonMetric), params: run.data.params, tags: run.data.tags } };
}

/** A body already serialized: large answers skip building one object per point. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** `{"metrics": [...]}` for a long history in one pass (100,000 points: one string, no object per point). */
export function metricsJson(points: readonly (MetricPoint & { run_id?: string })[], nextPageToken?: string): RawJson {
  const parts = new Array<string>(points.length);
  const keys = new Map<string, string>();
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    let key = keys.get(p.key);
    if (key === undefined) keys.set(p.key, (key = JSON.stringify(p.key)));
    const v = Number.isFinite(p.value) ? String(p.value) : `"${String(p.value)}"`;
    parts[i] = `{"key":${key},"value":${v},"timestamp":${p.timestamp},"step":${p.step}${p.run_id === undefined ? '' : `,"run_id":${JSON.stringify(p.run_id)}`}}`;
  }
  return new RawJson(`{"metrics":[${parts.join(',')}]${nextPageToken ? `,"next_page_token":${JSON.stringify(nextPageToken)}` : ''}}`);
}
