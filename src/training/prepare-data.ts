/**
 * From a dataset table to what a model kind fits on: the feature columns, the target as numbers
 * (class indices for classification, with the label of each index), and the task — inferred
 * from the target unless the request forces it. Every check names the request field it is about.
 */
import { getColumn, invalidArgument, selectColumns, takeRows, type Column, type LogicalType, type Table } from '../core/index.js';
import type { Task } from '../models/index.js';
import type { NormalizedRequest } from './train-request.js';
import type { DatasetColumnInfo } from './types.js';

/** Int targets with at most this many distinct values are classes, not quantities. */
const MAX_INFERRED_INT_CLASSES = 10;
const MAX_CLASSES = 1000;

export interface PreparedData {
  readonly task: Task;
  readonly features: Table;
  readonly featureNames: readonly string[];
  readonly target: Float64Array;
  /** Classification: the label of each class index, as strings. */
  readonly classes?: readonly string[];
  /** Split by time: the time column of the kept rows. */
  readonly time?: Float64Array;
  /** Rows left out because the target is missing. */
  readonly droppedRows: number;
}

/** The checks that need only the dataset's schema, so a bad column fails before any data is read. */
export function checkColumns(columns: readonly DatasetColumnInfo[], req: NormalizedRequest, datasetRef: string): readonly string[] {
  const byName = new Map(columns.map((c) => [c.name, c.type]));
  const known = () => columns.map((c) => c.name).join(', ');
  const targetType = byName.get(req.target);
  if (targetType === undefined) throw invalidArgument('target', `no column '${req.target}' in dataset ${datasetRef} (columns: ${known()})`);
  if (req.task === 'regression' && !isNumeric(targetType)) {
    throw invalidArgument('target', `regression needs a numeric target; '${req.target}' is ${targetType}`);
  }
  const timeColumn = req.split.timeColumn;
  if (timeColumn !== undefined) {
    const t = byName.get(timeColumn);
    if (t === undefined) throw invalidArgument('split.timeColumn', `no column '${timeColumn}' in dataset ${datasetRef} (columns: ${known()})`);
    if (!isNumeric(t)) throw invalidArgument('split.timeColumn', `'${timeColumn}' is ${t}; a time split needs a timestamp or numeric column`);
    if (timeColumn === req.target) throw invalidArgument('split.timeColumn', 'the time column cannot be the target');
  }
  if (req.features) {
    for (const f of req.features) if (!byName.has(f)) throw invalidArgument('features', `no column '${f}' in dataset ${datasetRef} (columns: ${known()})`);
    if (timeColumn !== undefined && req.features.includes(timeColumn)) throw invalidArgument('features', `the time column '${timeColumn}' cannot be a feature`);
    return req.features;
  }
  const features = columns.map((c) => c.name).filter((n) => n !== req.target && n !== timeColumn);
  if (features.length === 0) throw invalidArgument('features', `dataset ${datasetRef} has no column besides the target`);
  return features;
}

export function prepareData(table: Table, req: NormalizedRequest, featureNames: readonly string[]): PreparedData {
  const targetColumn = getColumn(table, req.target, 'target');
  const keep: number[] = [];
  for (let i = 0; i < table.numRows; i++) if (!missing(targetColumn, i)) keep.push(i);
  if (keep.length === 0) throw invalidArgument('target', `every value of '${req.target}' is missing`);
  const droppedRows = table.numRows - keep.length;
  const rows = droppedRows === 0 ? table : takeRows(table, keep);
  const target = rows === table ? targetColumn : getColumn(rows, req.target, 'target');
  const { task, values, classes } = encodeTarget(target, req.task);

  let time: Float64Array | undefined;
  if (req.split.timeColumn !== undefined) {
    const c = getColumn(rows, req.split.timeColumn, 'split.timeColumn');
    if (c.type === 'string') throw invalidArgument('split.timeColumn', `'${c.name}' is not numeric`);
    const firstMissing = c.values.findIndex((v) => Number.isNaN(v));
    if (firstMissing >= 0) throw invalidArgument('split.timeColumn', `'${c.name}' has missing values (row ${keep[firstMissing]})`);
    time = c.values;
  }
  if (req.split.kind === 'stratified' && task === 'regression') {
    throw invalidArgument('split.kind', "a stratified split needs classes; use 'random' or 'time' for regression");
  }
  return {
    task, target: values, droppedRows, featureNames,
    features: selectColumns(rows, featureNames),
    ...(classes ? { classes } : {}),
    ...(time ? { time } : {}),
  };
}

function encodeTarget(c: Column, forced: Task | undefined): { task: Task; values: Float64Array; classes?: readonly string[] } {
  const n = c.type === 'string' ? c.codes.length : c.values.length;
  // Distinct values with their labels, sorted (strings by code point, numbers numerically).
  let labels: string[];
  let indexOf: (row: number) => number;
  if (c.type === 'string') {
    const present = [...new Set(c.codes)].sort((a, b) => cmp(c.dictionary[a]!, c.dictionary[b]!));
    labels = present.map((code) => c.dictionary[code]!);
    const map = new Map(present.map((code, i) => [code, i]));
    indexOf = (row) => map.get(c.codes[row]!)!;
  } else {
    const distinct = [...new Set(c.values)].sort((a, b) => a - b);
    labels = distinct.map((v) => (c.type === 'bool' ? String(v !== 0) : String(v)));
    const map = new Map(distinct.map((v, i) => [v, i]));
    indexOf = (row) => map.get(c.values[row]!)!;
  }
  if (labels.length < 2) throw invalidArgument('target', `'${c.name}' is constant (every row is '${labels[0]}'): there is nothing to learn`);

  const task = forced ?? inferTask(c.type, labels.length);
  if (task === 'regression') {
    if (c.type === 'string') throw invalidArgument('target', `regression needs a numeric target; '${c.name}' is string`);
    return { task, values: Float64Array.from(c.values) };
  }
  if (task === 'binary' && labels.length !== 2) {
    throw invalidArgument('target', `binary classification needs exactly 2 distinct values; '${c.name}' has ${labels.length}`);
  }
  if (labels.length > MAX_CLASSES) throw invalidArgument('target', `'${c.name}' has ${labels.length} distinct values; at most ${MAX_CLASSES} classes`);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = indexOf(i);
  return { task, values, classes: labels };
}

function inferTask(type: LogicalType, distinct: number): Task {
  if (distinct === 2) return 'binary';
  if (type === 'string' || type === 'bool') return 'multiclass';
  if (type === 'int' && distinct <= MAX_INFERRED_INT_CLASSES) return 'multiclass';
  return 'regression';
}

const isNumeric = (t: LogicalType): boolean => t !== 'string';
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const missing = (c: Column, i: number): boolean => (c.type === 'string' ? c.codes[i]! < 0 : Number.isNaN(c.values[i]!));
