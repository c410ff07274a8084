import { invalidArgument } from '../../../core/index.js';
import type { ModelVersion, RegisteredModel } from '../../../registry/index.js';

/**
 * MLflow's JSON shapes for the registry (mlflow/protos/model_registry.proto): versions are
 * strings ("3"), timestamps are numbers, unset fields are left out.
 */
export function mlflowModelVersion(mv: ModelVersion): Record<string, unknown> {
  return {
    name: mv.name,
    version: String(mv.version),
    creation_timestamp: mv.createdAt,
    last_updated_timestamp: mv.updatedAt,
    user_id: mv.createdBy,
    current_stage: mv.stage,
    ...(mv.description !== null ? { description: mv.description } : {}),
    source: mv.source,
    ...(mv.runId !== null ? { run_id: mv.runId } : {}),
    status: mv.status,
    tags: Object.entries(mv.tags).map(([key, value]) => ({ key, value })),
    aliases: [...mv.aliases],
  };
}

export function mlflowRegisteredModel(m: RegisteredModel): Record<string, unknown> {
  return {
    name: m.name,
    creation_timestamp: m.createdAt,
    last_updated_timestamp: m.updatedAt,
    ...(m.description !== null ? { description: m.description } : {}),
    latest_versions: m.latestVersions.map(mlflowModelVersion),
    tags: Object.entries(m.tags).map(([key, value]) => ({ key, value })),
    aliases: Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  };
}

export type Params = Record<string, unknown>;

/** A request's parameters: the query string for GET, the JSON body otherwise (both merged). */
export function paramsOf(request: { query: unknown; body: unknown }): Params {
  const query = (request.query ?? {}) as Params;
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Params) : {};
  return { ...query, ...body };
}

/** A required string; numbers are accepted because MLflow clients send int64 fields as strings or numbers. */
export function requiredString(p: Params, field: string): string {
  const v = first(p[field]);
  if (v === undefined || v === null || v === '') throw invalidArgument(field, `Missing value for required parameter '${field}'`);
  if (typeof v !== 'string' && typeof v !== 'number') throw invalidArgument(field, 'expected a string');
  return String(v);
}

export function optionalString(p: Params, field: string): string | undefined {
  const v = first(p[field]);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw invalidArgument(field, 'expected a string');
  return String(v);
}

export function stringList(p: Params, field: string): string[] {
  const v = p[field];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x, i) => {
    if (typeof x !== 'string') throw invalidArgument(`${field}[${i}]`, 'expected a string');
    return x;
  });
}

export function optionalBool(p: Params, field: string): boolean {
  const v = first(p[field]);
  if (v === undefined || v === null || v === '') return false;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalidArgument(field, `expected true or false, got '${String(v)}'`);
}

/** MLflow tags arrive as `[{key, value}]`. */
export function tagList(p: Params, field = 'tags'): Record<string, string> {
  const v = p[field];
  if (v === undefined || v === null) return {};
  if (!Array.isArray(v)) throw invalidArgument(field, 'expected a list of {key, value}');
  const out: Record<string, string> = {};
  v.forEach((t: unknown, i) => {
    const tag = t as { key?: unknown; value?: unknown };
    if (typeof tag?.key !== 'string') throw invalidArgument(`${field}[${i}].key`, 'expected a string');
    if (typeof tag.value !== 'string') throw invalidArgument(`${field}[${i}].value`, 'expected a string');
    out[tag.key] = tag.value;
  });
  return out;
}

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
