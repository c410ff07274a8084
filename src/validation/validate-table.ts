/**
 * Validates a batch against a schema, giving anomalies in TFDV's categories. A batch is a table
 * (exact shares) or a dataset version's profile (shares from its top-20 values and min/max, so
 * some are lower bounds); drift needs a table.
 */
import type { Column, LogicalType, Table } from '../core/index.js';
import type { DatasetVersion } from '../data/index.js';
import { categoryCounts, isCategoricalType, type ReferenceStats } from './reference-stats.js';
import { detectDrift, type DriftReport } from './drift.js';
import { DEFAULT_SEVERITY, type AnomalyKind, type ColumnSchema, type Schema, type Severity } from './schema.js';

export interface Anomaly {
  readonly column: string;
  readonly kind: AnomalyKind;
  readonly severity: Severity;
  readonly description: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AnomalyReport {
  readonly rows: number;
  readonly anomalies: readonly Anomaly[];
  readonly errors: number;
  readonly warnings: number;
  /** The drift comparison, when a reference was given. */
  readonly drift?: DriftReport;
}

interface ColumnFacts {
  readonly type: LogicalType;
  readonly missing: number;
  /** Value → rows for categoricals (possibly only the top values of a profile). */
  readonly counts: Map<string, number> | null;
  readonly countsComplete: boolean;
  readonly min: number | null;
  readonly max: number | null;
  /** Rows outside [lo, hi], computed for tables. */
  readonly outOfRange?: (lo: number, hi: number) => number;
}

export function validateTable(
  schema: Schema,
  batch: Table | DatasetVersion,
  reference?: ReferenceStats | Table,
  options: { readonly distributions?: boolean } = {},
): AnomalyReport {
  const isTable = 'numRows' in batch;
  const rows = isTable ? batch.numRows : batch.rows;
  const facts = new Map<string, ColumnFacts>();
  if (isTable) for (const c of batch.columns) facts.set(c.name, tableFacts(c));
  else for (const c of batch.columns) facts.set(c.name, { type: c.type, missing: c.stats.missing, counts: new Map(c.stats.top.map((t) => [t.value, t.count])), countsComplete: c.stats.top.length >= c.stats.distinct, min: c.stats.min, max: c.stats.max });
  const anomalies: Anomaly[] = [];
  const add = (col: ColumnSchema | undefined, column: string, kind: AnomalyKind, description: string, details: Record<string, unknown>, severity?: Severity) =>
    anomalies.push({ column, kind, severity: severity ?? col?.severity?.[kind] ?? schema.severity?.[kind] ?? DEFAULT_SEVERITY[kind], description, details });

  const known = new Set(schema.columns.map((c) => c.name));
  for (const name of facts.keys()) {
    if (!known.has(name)) add(undefined, name, 'unexpected_column', `column '${name}' is not in the schema`, { type: facts.get(name)!.type });
  }
  for (const col of schema.columns) {
    const f = facts.get(col.name);
    if (!f) {
      add(col, col.name, 'missing_column', `column '${col.name}' is missing`, { required: col.required }, col.required ? undefined : 'warning');
      continue;
    }
    if (f.type !== col.type) {
      const widening = isNumericType(f.type) && isNumericType(col.type);
      add(col, col.name, 'type_change', `type is ${f.type}, the schema says ${col.type}`, { expected: col.type, actual: f.type }, widening ? 'warning' : undefined);
      if (isCategoricalType(f.type) !== isCategoricalType(col.type)) continue;
    }
    const rate = rows ? f.missing / rows : 0;
    if (rate > col.maxMissingRate) {
      add(col, col.name, 'missing_rate', `${pct(rate)} missing, at most ${pct(col.maxMissingRate)} allowed`, { missingRate: rate, maxMissingRate: col.maxMissingRate, missing: f.missing });
    }
    if (col.domain && f.counts) {
      const allowed = new Set(col.domain);
      const unexpected = [...f.counts].filter(([v]) => !allowed.has(v)).sort((a, b) => b[1] - a[1]);
      if (unexpected.length > 0) {
        const n = unexpected.reduce((s, [, c]) => s + c, 0);
        add(col, col.name, 'new_values', `${unexpected.length} value(s) outside the domain in ${pct(n / rows)} of rows: ${unexpected.slice(0, 5).map(([v]) => JSON.stringify(v)).join(', ')}${unexpected.length > 5 ? ', …' : ''}`,
          { values: unexpected.slice(0, 20).map(([value, count]) => ({ value, count })), rows: n, share: n / rows, complete: f.countsComplete });
      }
    }
    const lo = col.min ?? -Infinity, hi = col.max ?? Infinity;
    if (f.min !== null && f.max !== null && (f.min < lo || f.max > hi)) {
      const n = f.outOfRange ? f.outOfRange(lo, hi) : null;
      add(col, col.name, 'out_of_range', `values in [${f.min}, ${f.max}] outside [${col.min ?? '-∞'}, ${col.max ?? '∞'}]${n === null ? '' : ` in ${pct(n / rows)} of rows`}`,
        { min: f.min, max: f.max, allowedMin: col.min ?? null, allowedMax: col.max ?? null, ...(n === null ? {} : { rows: n, share: n / rows }) });
    }
  }
  let drift: DriftReport | undefined;
  if (reference && isTable) {
    const columns = schema.columns.map((c) => c.name).filter((n) => facts.has(n) && ('format' in reference ? reference.columns : reference.columns).some((r) => r.name === n));
    drift = detectDrift(reference, batch, { ...schema.drift, columns, distributions: options.distributions === true });
    for (const d of drift.columns) {
      if (!d.drifted) continue;
      const col = schema.columns.find((c) => c.name === d.column);
      const value = d.pValue === undefined ? `${d.test} = ${d.statistic.toPrecision(4)} >= ${d.threshold}` : `${d.test} p = ${d.pValue.toPrecision(3)} < ${d.threshold}`;
      add(col, d.column, 'drift', `distribution drifted (${value})`, { test: d.test, statistic: d.statistic, pValue: d.pValue ?? null, threshold: d.threshold });
    }
  }
  const errors = anomalies.filter((a) => a.severity === 'error').length;
  return { rows, anomalies, errors, warnings: anomalies.length - errors, ...(drift ? { drift } : {}) };
}

const isNumericType = (t: LogicalType): boolean => t === 'int' || t === 'float';
const pct = (v: number): string => `${(v * 100).toFixed(v < 0.001 && v > 0 ? 3 : 1)}%`;

function tableFacts(c: Column): ColumnFacts {
  if (isCategoricalType(c.type)) {
    const { counts, missing } = categoryCounts(c);
    return { type: c.type, missing, counts, countsComplete: true, min: null, max: null };
  }
  if (c.type === 'string') throw new Error('unreachable');
  const values = c.values;
  let min = Infinity, max = -Infinity, missing = 0;
  for (const v of values) { if (v !== v) { missing++; continue; } if (v < min) min = v; if (v > max) max = v; }
  const any = missing < values.length;
  return {
    type: c.type, missing, counts: null, countsComplete: true, min: any ? min : null, max: any ? max : null,
    outOfRange: (lo, hi) => { let n = 0; for (const v of values) if (v < lo || v > hi) n++; return n; },
  };
}
