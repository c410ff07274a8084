import { tableFromRows, type Row, type Table } from '../core/index.js';
import { accuracy, logLoss, meanAbsoluteError, percentile, rmse, rocAuc } from './performance-metrics.js';
import type { StoredPrediction } from './prediction-store.js';
import type { AnomalyLike, DriftReportLike, MonitorAnalyzers, MonitorConfig, MonitorTask, WindowDetails } from './types.js';

export interface WindowInput {
  readonly config: MonitorConfig;
  readonly records: readonly StoredPrediction[];
  readonly lateCount: number;
  /** The reference statistics, or why they could not be had (`unavailable`: drift is not computed, and the notes say why). */
  readonly reference?: { readonly datasetRef: string; readonly stats: unknown } | { readonly datasetRef: string; readonly unavailable: string };
  /** Outputs of the first non-empty window: the baseline for output drift. */
  readonly baselineOutputs?: Table;
  readonly analyzers?: MonitorAnalyzers;
}

export interface WindowEvaluation {
  readonly metrics: Record<string, number>;
  readonly details: WindowDetails;
  readonly labeledCount: number;
  readonly outputs: Table | undefined;
}

const isScalar = (v: unknown): v is number | string | boolean | null => v === null || ['number', 'string', 'boolean'].includes(typeof v);

/** Scalar fields of the records' inputs (or outputs) as a Table; non-scalars are left out. */
export function recordsToTable(records: readonly StoredPrediction[], side: 'inputs' | 'outputs', fields?: readonly string[]): Table {
  const flat = records.map((r) => flatten(r[side]));
  const names = fields ?? [...new Set(flat.flatMap((o) => Object.keys(o).filter((k) => isScalar(o[k]))))];
  const rows: Row[] = flat.map((o) => {
    const row: Row = {};
    for (const n of names) {
      const v = o[n];
      row[n] = isScalar(v) && !(typeof v === 'number' && !Number.isFinite(v)) ? v : null;
    }
    return row;
  });
  return tableFromRows(rows);
}

/** Short arrays (ONNX `probabilities` [p0, p1]) become `name_0`, `name_1`: scalar columns drift tests can take. */
function flatten(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (Array.isArray(v) && v.length <= 10) v.forEach((x, i) => (out[`${k}_${i}`] = x));
    else out[k] = v;
  }
  return out;
}

/** Computes one window's metrics: software, data quality, input and output drift, performance. */
export async function evaluateWindow(input: WindowInput): Promise<WindowEvaluation> {
  const { config, records } = input;
  const metrics: Record<string, number> = { count: records.length, late_count: input.lateCount };
  const notes: string[] = [];
  const models: Record<string, number> = {};
  for (const r of records) models[`${r.modelName}@${r.modelVersion}`] = (models[`${r.modelName}@${r.modelVersion}`] ?? 0) + 1;

  if (records.length > 0) {
    const errors = records.filter((r) => r.error !== undefined).length;
    metrics.error_rate = errors / records.length;
    const latencies = records.map((r) => r.latencyMs);
    metrics['latency.p50'] = percentile(latencies, 50);
    metrics['latency.p95'] = percentile(latencies, 95);
    metrics['latency.p99'] = percentile(latencies, 99);
  }
  // Failed requests carry no meaningful outputs; drift and quality look at served ones.
  const served = records.filter((r) => r.error === undefined);
  const inputs = recordsToTable(served, 'inputs', config.features);
  const missingRates: Record<string, number> = {};
  for (const c of inputs.columns) {
    let missing = 0;
    for (let i = 0; i < inputs.numRows; i++) if (c.type === 'string' ? c.codes[i]! < 0 : Number.isNaN(c.values[i]!)) missing++;
    missingRates[c.name] = inputs.numRows ? missing / inputs.numRows : 0;
    metrics[`quality.missing.${c.name}`] = missingRates[c.name]!;
  }
  if (inputs.columns.length > 0) metrics['quality.missing_rate'] = Math.max(...Object.values(missingRates));

  let inputDrift: DriftReportLike | undefined;
  let anomalies: readonly AnomalyLike[] | undefined;
  const analyzers = input.analyzers;
  // Drift tests on a few rows against a large reference report drift that is noise: below the
  // monitor's minRows a window has no drift metrics, so no drift rule can fire (or resolve) on it.
  const tooFew = served.length < config.minRows ? `${served.length} served prediction${served.length === 1 ? '' : 's'}, fewer than the monitor's minRows ${config.minRows}` : undefined;
  // A quiet window (night traffic) is no evidence either way: drift rules' streaks skip it (alert-rules.ts).
  if (tooFew) notes.push(`quiet window: ${tooFew}; drift rules' for-streaks skip it (it neither counts toward nor resets them)`);
  const reference = input.reference && 'stats' in input.reference ? input.reference : undefined;
  if (served.length > 0 && input.reference && 'unavailable' in input.reference) {
    notes.push(`input drift not computed: ${input.reference.unavailable}`);
  } else if (served.length > 0 && reference && analyzers) {
    if (tooFew) notes.push(`input drift not computed: ${tooFew}`);
    else {
      try {
        inputDrift = await analyzers.detectDrift(reference.stats, inputs);
        addDriftMetrics(metrics, 'drift', inputDrift);
      } catch (e) {
        notes.push(`input drift not computed: ${(e as Error).message}`);
      }
    }
    if (analyzers.validate) {
      try {
        anomalies = await analyzers.validate(reference.datasetRef, inputs);
        metrics['quality.anomalies'] = anomalies.length;
        metrics['quality.errors'] = anomalies.filter((a) => a.severity === 'error').length;
      } catch (e) {
        notes.push(`schema check not run: ${(e as Error).message}`);
      }
    }
  } else if (served.length > 0 && !input.reference) {
    notes.push('no reference dataset: input drift not computed');
  }

  const outputs = served.length > 0 ? numericOnly(recordsToTable(served, 'outputs')) : undefined;
  let outputDrift: DriftReportLike | undefined;
  if (outputs && outputs.columns.length > 0 && input.baselineOutputs && analyzers) {
    if (tooFew) notes.push(`output drift not computed: ${tooFew}`);
    else {
      try {
        outputDrift = await analyzers.detectDrift(input.baselineOutputs, outputs);
        addDriftMetrics(metrics, 'output_drift', outputDrift);
      } catch (e) {
        notes.push(`output drift not computed: ${(e as Error).message}`);
      }
    }
  }

  const perf = computePerformance(config, records);
  Object.assign(metrics, perf.metrics);
  return {
    metrics,
    labeledCount: perf.labeled,
    outputs,
    details: {
      models,
      ...(input.reference ? { referenceDataset: input.reference.datasetRef } : {}),
      ...(inputDrift ? { inputDrift } : {}),
      ...(outputDrift ? { outputDrift } : {}),
      ...(anomalies ? { anomalies } : {}),
      missingRates,
      notes,
      quiet: tooFew !== undefined,
    },
  };
}

function numericOnly(t: Table): Table {
  return { numRows: t.numRows, columns: t.columns.filter((c) => c.type !== 'string') };
}

function addDriftMetrics(metrics: Record<string, number>, prefix: string, report: DriftReportLike): void {
  metrics[`${prefix}.share`] = report.driftedShare;
  metrics[`${prefix}.dataset`] = report.datasetDrift ? 1 : 0;
  metrics[`${prefix}.columns`] = report.columns.filter((c) => c.drifted).length;
  for (const c of report.columns) {
    metrics[`${prefix}.${c.column}.statistic`] = c.statistic;
    metrics[`${prefix}.${c.column}.drifted`] = c.drifted ? 1 : 0;
    if (c.pValue !== undefined) metrics[`${prefix}.${c.column}.p_value`] = c.pValue;
  }
}

/**
 * The first named output present. An array output is read as the exported models write it: a
 * one-element array is its value, and a two-class `probabilities` [p0, p1] gives p1.
 */
function field(outputs: Readonly<Record<string, unknown>>, names: readonly (string | undefined)[]): unknown {
  for (const n of names) {
    if (n === undefined || outputs[n] === undefined) continue;
    const v = outputs[n];
    if (Array.isArray(v)) return v.length === 1 ? v[0] : v.length === 2 ? v[1] : undefined;
    return v;
  }
  return undefined;
}

const toNumber = (v: unknown): number => (typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);

function inferTask(labels: readonly unknown[]): MonitorTask {
  const nums = labels.map(toNumber);
  if (nums.some((n) => Number.isNaN(n))) return 'multiclass';
  if (nums.every((n) => n === 0 || n === 1)) return 'binary';
  return nums.every((n) => Number.isInteger(n)) && new Set(nums).size <= 20 ? 'multiclass' : 'regression';
}

/** Performance on the records that have labels: accuracy (and AUC, log loss) or RMSE/MAE. */
export function computePerformance(config: MonitorConfig, records: readonly StoredPrediction[]): { metrics: Record<string, number>; labeled: number } {
  const labeled = records.filter((r) => r.label !== undefined && r.label !== null && r.error === undefined);
  const metrics: Record<string, number> = { 'performance.labeled': labeled.length };
  if (labeled.length === 0) return { metrics, labeled: 0 };
  const task = config.task ?? inferTask(labeled.map((r) => r.label));
  if (task === 'regression') {
    const y = labeled.map((r) => toNumber(r.label));
    const yhat = labeled.map((r) => toNumber(field(r.outputs, [config.predictionField, 'prediction', 'variable', 'value', 'score'])));
    metrics['performance.rmse'] = rmse(y, yhat);
    metrics['performance.mae'] = meanAbsoluteError(y, yhat);
    return { metrics, labeled: labeled.length };
  }
  if (task === 'binary') {
    const y = labeled.map((r) => toNumber(r.label));
    const scores = labeled.map((r) => toNumber(field(r.outputs, [config.scoreField, 'probability', 'score', 'probabilities', 'prediction'])));
    const preds = labeled.map((r, i) => {
      const p = field(r.outputs, [config.predictionField, 'label']);
      return p !== undefined ? toNumber(p) : scores[i]! >= 0.5 ? 1 : 0;
    });
    metrics['performance.accuracy'] = accuracy(y, preds);
    if (scores.every((s) => Number.isFinite(s))) {
      const auc = rocAuc(y, scores);
      if (!Number.isNaN(auc)) metrics['performance.auc'] = auc;
      if (scores.every((s) => s >= 0 && s <= 1)) metrics['performance.logloss'] = logLoss(y, scores);
    }
    return { metrics, labeled: labeled.length };
  }
  const preds = labeled.map((r) => field(r.outputs, [config.predictionField, 'label', 'prediction', 'class']));
  metrics['performance.accuracy'] = accuracy(labeled.map((r) => r.label), preds);
  return { metrics, labeled: labeled.length };
}
