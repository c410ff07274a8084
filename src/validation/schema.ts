/**
 * A TFDV-style schema: what a batch must look like. Inferred from a dataset version's profile (or
 * a table), saved as an editable JSON file, versioned per dataset name in the metadata DB.
 */
import { invalidArgument, LOGICAL_TYPES, type LogicalType, type Table } from '../core/index.js';
import type { ColumnProfile, DatasetVersion } from '../data/index.js';
import { categoryCounts, isCategoricalType } from './reference-stats.js';
import { DRIFT_TESTS, type DriftTest } from './drift.js';

export const SCHEMA_FORMAT = 1;

export const ANOMALY_KINDS = ['missing_column', 'unexpected_column', 'type_change', 'new_values', 'out_of_range', 'missing_rate', 'drift'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
export type Severity = 'error' | 'warning';

/** Severities when the schema says nothing; a schema overrides them globally or per column. */
export const DEFAULT_SEVERITY: Readonly<Record<AnomalyKind, Severity>> = {
  missing_column: 'error',
  unexpected_column: 'warning',
  type_change: 'error',
  new_values: 'error',
  out_of_range: 'error',
  missing_rate: 'error',
  drift: 'warning',
};

export interface ColumnSchema {
  readonly name: string;
  readonly type: LogicalType;
  /** A batch without this column is an anomaly (error if required, else warning). */
  readonly required: boolean;
  /** Largest allowed share of missing values (observed share plus slack). */
  readonly maxMissingRate: number;
  /** Allowed values of a categorical column; null means any value. */
  readonly domain?: readonly string[] | null;
  /** Allowed numeric range (inclusive); null bounds are open. */
  readonly min?: number | null;
  readonly max?: number | null;
  readonly severity?: Partial<Record<AnomalyKind, Severity>>;
}

export interface Schema {
  readonly format: typeof SCHEMA_FORMAT;
  /** Where it came from, e.g. "inferred from credit@3f2a9c1d0e4b". */
  readonly source?: string;
  readonly columns: readonly ColumnSchema[];
  readonly severity?: Partial<Record<AnomalyKind, Severity>>;
  /** Options for the distribution-drift check against a reference (`--against`). */
  readonly drift?: {
    readonly method?: DriftTest | Readonly<Record<string, DriftTest>>;
    readonly threshold?: number | Readonly<Record<string, number>>;
    readonly datasetDriftShare?: number;
  };
}

export interface InferSchemaOptions {
  /** Categorical columns with at most this many distinct values get a value domain (default 20). */
  readonly maxDomainSize?: number;
  /** Extra missing share allowed above the observed one: max(slack, observed) (default 0.02). */
  readonly missingSlack?: number;
  /** Numeric ranges are widened by this share of (max − min) on each side (default 0.05). */
  readonly rangeSlack?: number;
  readonly source?: string;
}

type Observed = { readonly name: string; readonly type: LogicalType; readonly rows: number; readonly missing: number; readonly min: number | null; readonly max: number | null; readonly values: readonly string[] | null };

/** Infers a schema from a dataset version (its stored profile) or from a table. */
export function inferSchema(profileOrTable: DatasetVersion | Table, options: InferSchemaOptions = {}): Schema {
  const maxDomain = options.maxDomainSize ?? 20;
  const observed: Observed[] = 'numRows' in profileOrTable
    ? observeTable(profileOrTable, maxDomain)
    : profileOrTable.columns.map((c) => observeProfile(c, profileOrTable.rows, maxDomain));
  const source = options.source ?? ('numRows' in profileOrTable ? 'inferred from a table' : `inferred from ${profileOrTable.name}@${profileOrTable.version}`);
  return { format: SCHEMA_FORMAT, source, columns: observed.map((o) => columnSchema(o, options)) };
}

function columnSchema(o: Observed, options: InferSchemaOptions): ColumnSchema {
  const rate = o.rows ? o.missing / o.rows : 0;
  const slack = options.missingSlack ?? 0.02;
  const maxMissingRate = rate === 0 ? 0 : Math.min(1, round6(rate + Math.max(slack, rate)));
  const base = { name: o.name, type: o.type, required: true, maxMissingRate };
  if (isCategoricalType(o.type)) return { ...base, domain: o.values ? [...o.values].sort() : null };
  if (o.type === 'timestamp' || o.min === null || o.max === null) return { ...base, min: null, max: null };
  const pad = (o.max - o.min) * (options.rangeSlack ?? 0.05);
  // A column never negative stays non-negative: a negative value in it is a corruption, not noise.
  const min = o.min >= 0 ? Math.max(0, o.min - pad) : o.min - pad;
  return { ...base, min: round6(min), max: round6(o.max + pad) };
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

function observeProfile(c: ColumnProfile, rows: number, maxDomain: number): Observed {
  const values = isCategoricalType(c.type) && c.stats.distinct <= maxDomain && c.stats.top.length >= c.stats.distinct
    ? c.stats.top.map((t) => t.value)
    : null;
  return { name: c.name, type: c.type, rows, missing: c.stats.missing, min: c.stats.min, max: c.stats.max, values };
}

function observeTable(table: Table, maxDomain: number): Observed[] {
  return table.columns.map((c) => {
    if (isCategoricalType(c.type)) {
      const { counts, missing } = categoryCounts(c);
      return { name: c.name, type: c.type, rows: table.numRows, missing, min: null, max: null, values: counts.size <= maxDomain ? [...counts.keys()] : null };
    }
    if (c.type === 'string') throw new Error('unreachable');
    let min = Infinity, max = -Infinity, missing = 0;
    for (const v of c.values) { if (v !== v) { missing++; continue; } if (v < min) min = v; if (v > max) max = v; }
    const any = missing < table.numRows;
    return { name: c.name, type: c.type, rows: table.numRows, missing, min: any ? min : null, max: any ? max : null, values: null };
  });
}

/** Checks a parsed JSON value is a schema; errors name the offending field. */
export function parseSchema(value: unknown, field = 'schema'): Schema {
  const o = value as Partial<Schema> | null;
  if (!o || typeof o !== 'object') throw invalidArgument(field, 'expected a JSON object');
  if (o.format !== SCHEMA_FORMAT) throw invalidArgument(`${field}.format`, `expected ${SCHEMA_FORMAT}`);
  if (!Array.isArray(o.columns)) throw invalidArgument(`${field}.columns`, 'expected an array');
  const seen = new Set<string>();
  o.columns.forEach((c: Partial<ColumnSchema>, i) => {
    const f = `${field}.columns[${i}]`;
    if (!c || typeof c.name !== 'string' || !c.name) throw invalidArgument(`${f}.name`, 'expected a non-empty string');
    if (seen.has(c.name)) throw invalidArgument(`${f}.name`, `duplicate column '${c.name}'`);
    seen.add(c.name);
    if (!LOGICAL_TYPES.includes(c.type as LogicalType)) throw invalidArgument(`${f}.type`, `expected one of ${LOGICAL_TYPES.join(', ')}`);
    if (typeof c.required !== 'boolean') throw invalidArgument(`${f}.required`, 'expected true or false');
    if (typeof c.maxMissingRate !== 'number' || !(c.maxMissingRate >= 0 && c.maxMissingRate <= 1)) throw invalidArgument(`${f}.maxMissingRate`, 'expected a number in [0, 1]');
    if (c.domain != null && (!Array.isArray(c.domain) || c.domain.some((v) => typeof v !== 'string'))) throw invalidArgument(`${f}.domain`, 'expected an array of strings or null');
    for (const k of ['min', 'max'] as const) if (c[k] != null && typeof c[k] !== 'number') throw invalidArgument(`${f}.${k}`, 'expected a number or null');
    checkSeverity(c.severity, `${f}.severity`);
  });
  checkSeverity(o.severity, `${field}.severity`);
  const m = o.drift?.method;
  for (const t of m === undefined ? [] : typeof m === 'string' ? [m] : Object.values(m)) {
    if (!DRIFT_TESTS.includes(t)) throw invalidArgument(`${field}.drift.method`, `unknown test '${t}' (known: ${DRIFT_TESTS.join(', ')})`);
  }
  return o as Schema;
}

function checkSeverity(s: unknown, field: string): void {
  if (s === undefined) return;
  if (!s || typeof s !== 'object') throw invalidArgument(field, 'expected an object of kind → "error" | "warning"');
  for (const [k, v] of Object.entries(s)) {
    if (!ANOMALY_KINDS.includes(k as AnomalyKind)) throw invalidArgument(`${field}.${k}`, `unknown anomaly kind (known: ${ANOMALY_KINDS.join(', ')})`);
    if (v !== 'error' && v !== 'warning') throw invalidArgument(`${field}.${k}`, "expected 'error' or 'warning'");
  }
}
