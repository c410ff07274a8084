/**
 * Everything decided before a run exists: the request checked, the dataset version pinned, its
 * columns checked, the table loaded and prepared, the split made. Any bad input fails here,
 * before tracking or the checkpoint directory is touched.
 */
import { invalidArgument, lookupFor, takeRows, type Table } from '../core/index.js';
import type { Task } from '../models/index.js';
import { checkColumns, prepareData } from './prepare-data.js';
import { splitRows, type SplitIndices } from './split.js';
import { normalizeRequest, type NormalizedRequest } from './train-request.js';
import type { DatasetColumnInfo, TrainingDeps, TrainRequest } from './types.js';

export interface Part {
  readonly table: Table;
  readonly target: Float64Array;
}

export interface TrainingPlan {
  readonly req: NormalizedRequest;
  /** `name@version`, pinned. */
  readonly datasetRef: string;
  readonly datasetRows: number;
  readonly droppedRows: number;
  readonly task: Task;
  readonly classes?: readonly string[];
  readonly featureNames: readonly string[];
  readonly split: SplitIndices;
  readonly timeColumnType?: DatasetColumnInfo['type'];
  readonly train: Part;
  readonly valid: Part;
  readonly test: Part;
  /** The request as stored on the run, with the dataset version pinned, for `--resume`. */
  readonly storedRequest: TrainRequest;
}

export async function planTraining(request: TrainRequest, deps: Pick<TrainingDeps, 'datasets' | 'modelKinds'>): Promise<TrainingPlan> {
  const req = normalizeRequest(request, deps.modelKinds);
  // DatasetService names its own argument (`ref`); the request's field is `dataset`.
  const info = await lookupFor('dataset', () => deps.datasets.get(req.dataset), ['ref']);
  const datasetRef = `${info.name}@${info.version}`;
  const featureNames = checkColumns(info.columns, req, datasetRef);
  // Only the columns training uses: a wide dataset's others would take memory for nothing.
  const used = [...featureNames, req.target, ...(req.split.timeColumn !== undefined ? [req.split.timeColumn] : [])];
  const table = await deps.datasets.loadTable(datasetRef, { columns: used, largeInts: 'nearest' });
  const data = prepareData(table, req, featureNames);
  if (!req.kind.tasks.includes(data.task)) {
    throw invalidArgument('model', `model '${req.model}' does not do ${data.task}, which target '${req.target}' implies (it does: ${req.kind.tasks.join(', ')})`);
  }
  const split = splitRows({
    kind: req.split.kind, numRows: data.target.length, seed: req.seed,
    validFraction: req.split.validFraction, testFraction: req.split.testFraction,
    classes: data.target,
    ...(data.time ? { time: data.time } : {}),
    ...(req.split.timeColumn ? { timeColumn: req.split.timeColumn } : {}),
  });
  // After the split, which decides whether there are validation rows; splitting only draws indices.
  req.kind.checkFit?.(req.params, { task: data.task, train: data.features, validRows: split.valid.length });
  if (split.train.length === 0) throw invalidArgument('split', `${data.target.length} rows leave no training rows after the valid and test fractions`);
  const part = (rows: Uint32Array): Part => ({ table: takeRows(data.features, rows), target: Float64Array.from(rows, (i) => data.target[i]!) });
  const timeColumnType = req.split.timeColumn ? info.columns.find((c) => c.name === req.split.timeColumn)?.type : undefined;
  return {
    req, datasetRef, datasetRows: table.numRows, droppedRows: data.droppedRows, task: data.task, featureNames, split,
    train: part(split.train), valid: part(split.valid), test: part(split.test),
    ...(data.classes ? { classes: data.classes } : {}),
    ...(timeColumnType ? { timeColumnType } : {}),
    storedRequest: storedRequest(req, datasetRef),
  };
}

function storedRequest(req: NormalizedRequest, datasetRef: string): TrainRequest {
  return {
    dataset: datasetRef, target: req.target, model: req.model, params: req.rawParams, split: req.split, seed: req.seed,
    experiment: req.experiment,
    ...(req.task ? { task: req.task } : {}),
    ...(req.features ? { features: req.features } : {}),
    ...(req.runName ? { runName: req.runName } : {}),
    ...(req.register !== undefined ? { register: req.register } : {}),
    ...(req.description !== undefined ? { description: req.description } : {}),
  };
}
