/**
 * Worker thread for detectDriftParallel: compares one column at a time (a reference and a
 * current column arrive by structured clone) and posts back its ColumnDrift or the skip reason.
 */
import { parentPort } from 'node:worker_threads';
import { makeTable, type Column } from '../core/index.js';
import { detectDrift, type DriftOptions } from './drift.js';

export interface DriftTask {
  readonly id: number;
  readonly reference: Column;
  readonly current: Column | null;
  readonly options: DriftOptions;
}

parentPort?.on('message', (task: DriftTask) => {
  try {
    const report = detectDrift(makeTable([task.reference]), makeTable(task.current ? [task.current] : []), task.options);
    parentPort!.postMessage({ id: task.id, column: report.columns[0] ?? null, skipped: report.skipped[0] ?? null });
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: { message: (e as Error).message, code: (e as { code?: string }).code, field: (e as { field?: string }).field } });
  }
});
