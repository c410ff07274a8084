import { KeelError, invalidArgument } from '../core/index.js';
import { STAGES, type ModelSignature, type ModelStage } from './types.js';

// MLflow's registry limits: tag keys up to 250 characters, names and aliases up to 256.
const MAX_NAME = 256;
const MAX_TAG_KEY = 250;
const MAX_TAG_VALUE = 100_000;
const MAX_DESCRIPTION = 100_000;

/**
 * Model names may hold spaces and most punctuation, as MLflow's do, but not '/', '@' or ':',
 * which separate the name from a version or alias in a reference (`name@champion`, `name/3`,
 * `models:/name/3`), nor control characters.
 */
export function checkModelName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name.length === 0) throw invalidArgument(field, 'a model name is required');
  if (name.length > MAX_NAME) throw invalidArgument(field, `at most ${MAX_NAME} characters (got ${name.length})`);
  if (/[/@:\u0000-\u001f\u007f]/.test(name)) throw invalidArgument(field, `'${name}' may not contain '/', '@', ':' or control characters`);
  if (name.trim() !== name) throw invalidArgument(field, `'${name}' may not start or end with whitespace`);
  return name;
}

/** Aliases follow MLflow: not 'latest' and not 'v<digits>' (reserved for version references). */
export function checkAlias(alias: unknown, field = 'alias'): string {
  if (typeof alias !== 'string' || alias.length === 0) throw invalidArgument(field, 'an alias is required');
  if (alias.length > MAX_NAME) throw invalidArgument(field, `at most ${MAX_NAME} characters (got ${alias.length})`);
  if (!/^[A-Za-z0-9_.-]+$/.test(alias)) throw invalidArgument(field, `'${alias}' may contain only letters, digits, '_', '-' and '.'`);
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) throw invalidArgument(field, `'${alias}' is reserved`);
  return alias;
}

/** Versions come as numbers or, from MLflow clients, as strings ("3"). */
export function checkVersion(version: unknown, field = 'version'): number {
  const n = typeof version === 'string' && /^\d+$/.test(version.trim()) ? Number(version) : version;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw invalidArgument(field, `expected a positive integer version, got '${String(version)}'`);
  return n;
}

/** Canonical stage name, case-insensitive as MLflow's get_canonical_stage. */
export function checkStage(stage: unknown, field = 'stage'): ModelStage {
  const found = typeof stage === 'string' ? STAGES.find((s) => s.toLowerCase() === stage.toLowerCase()) : undefined;
  if (!found) throw invalidArgument(field, `invalid stage '${String(stage)}': must be one of ${STAGES.join(', ')}`);
  return found;
}

export function checkTagKey(key: unknown, field = 'key'): string {
  if (typeof key !== 'string' || key.length === 0) throw invalidArgument(field, 'a tag key is required');
  if (key.length > MAX_TAG_KEY) throw invalidArgument(field, `tag key at most ${MAX_TAG_KEY} characters (got ${key.length})`);
  return key;
}

export function checkTagValue(value: unknown, field = 'value'): string {
  if (typeof value !== 'string') throw invalidArgument(field, 'a tag value must be a string');
  if (value.length > MAX_TAG_VALUE) throw invalidArgument(field, `tag value at most ${MAX_TAG_VALUE} characters (got ${value.length})`);
  return value;
}

export function checkTags(tags: unknown, field = 'tags'): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (typeof tags !== 'object' || Array.isArray(tags)) throw invalidArgument(field, 'expected an object of string values');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) out[checkTagKey(k, `${field}.key`)] = checkTagValue(v, `${field}.${k}`);
  return out;
}

export function checkDescription(description: unknown, field = 'description'): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== 'string') throw invalidArgument(field, 'expected a string');
  if (description.length > MAX_DESCRIPTION) throw invalidArgument(field, `at most ${MAX_DESCRIPTION} characters (got ${description.length})`);
  return description;
}

export function checkMetrics(metrics: unknown, field = 'metrics'): Record<string, number> {
  if (metrics === undefined || metrics === null) return {};
  if (typeof metrics !== 'object' || Array.isArray(metrics)) throw invalidArgument(field, 'expected an object of numbers');
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (k.length === 0 || k.length > MAX_TAG_KEY) throw invalidArgument(`${field}.${k}`, `metric names are 1 to ${MAX_TAG_KEY} characters`);
    if (typeof v !== 'number') throw invalidArgument(`${field}.${k}`, `expected a number, got ${typeof v}`);
    out[k] = v;
  }
  return out;
}

export function checkSignature(signature: unknown, field = 'signature'): ModelSignature {
  const sig = signature as ModelSignature | undefined;
  if (!sig || typeof sig !== 'object' || !Array.isArray(sig.inputs) || !Array.isArray(sig.outputs)) {
    throw invalidArgument(field, 'expected { inputs: TensorSpec[], outputs: TensorSpec[] }');
  }
  const specs = (list: readonly unknown[], part: string) =>
    list.map((t, i) => {
      const s = t as { name?: unknown; type?: unknown; shape?: unknown };
      const f = `${field}.${part}[${i}]`;
      if (typeof s?.name !== 'string' || s.name.length === 0) throw invalidArgument(`${f}.name`, 'expected a non-empty string');
      if (typeof s.type !== 'string' || s.type.length === 0) throw invalidArgument(`${f}.type`, 'expected an element type name');
      if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= -1)) throw invalidArgument(`${f}.shape`, 'expected integers >= -1');
      return { name: s.name, type: s.type, shape: [...(s.shape as number[])] };
    });
  return { inputs: specs(sig.inputs, 'inputs'), outputs: specs(sig.outputs, 'outputs') };
}

export function checkActor(actor: string | undefined): string {
  if (actor === undefined || actor === '') return 'local';
  if (actor.length > MAX_NAME) throw invalidArgument('actor', `at most ${MAX_NAME} characters`);
  return actor;
}

export const modelNotFound = (name: string): KeelError => new KeelError('NOT_FOUND', `Registered Model with name=${name} not found`, { field: 'name', details: { what: 'registered model', id: name } });

export const versionNotFound = (name: string, version: number | string): KeelError =>
  new KeelError('NOT_FOUND', `Model Version (name=${name}, version=${version}) not found`, { field: 'version', details: { what: 'model version', id: `${name}/${version}` } });
