/**
 * detectDrift over worker threads, one column per task: sorting dominates exact drift statistics
 * on large tables, and columns are independent. Same results as detectDrift on the same tables.
 */
import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { invalidArgument, KeelError, startWorker, type ErrorCode, type Table } from '../core/index.js';
import { checkDriftOptions, summarize, type ColumnDrift, type DriftOptions, type DriftReport } from './drift.js';
import type { DriftTask } from './drift-worker.js';

type Reply = { id: number; column: ColumnDrift | null; skipped: { column: string; reason: string } | null; error?: { message: string; code?: string; field?: string } };

/** Each worker sees one column: its own entry of a per-column test or threshold (all checked before). */
function own<T extends string | number>(given: T | Readonly<Record<string, T>> | undefined, name: string): T | Readonly<Record<string, T>> | undefined {
  if (typeof given !== 'object') return given;
  return name in given ? { [name]: given[name]! } : undefined;
}

export async function detectDriftParallel(reference: Table, current: Table, options: DriftOptions & { readonly workers?: number } = {}): Promise<DriftReport> {
  const { workers: wanted, ...driftOptions } = options;
  const share = driftOptions.datasetDriftShare ?? 0.5;
  if (!(share > 0 && share <= 1)) throw invalidArgument('datasetDriftShare', 'must be in (0, 1]');
  const names = driftOptions.columns ?? reference.columns.map((c) => c.name);
  for (const n of names) if (!reference.columns.some((c) => c.name === n)) throw invalidArgument('columns', `no column '${n}' in the reference`);
  checkDriftOptions(driftOptions, reference.columns.map((c) => c.name));
  const tasks: DriftTask[] = names.map((name, id) => ({
    id, reference: reference.columns.find((c) => c.name === name)!, current: current.columns.find((c) => c.name === name) ?? null,
    options: { ...driftOptions, columns: undefined, method: own(driftOptions.method, name), threshold: own(driftOptions.threshold, name) },
  }));
  const n = Math.max(1, Math.min(wanted ?? availableParallelism(), tasks.length));
  const replies = new Array<Reply>(tasks.length);
  const pool: Worker[] = [];
  try {
    let next = 0;
    await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
      const w = startWorker(new URL('./drift-worker.ts', import.meta.url));
      pool.push(w);
      w.on('error', reject);
      const feed = () => {
        if (next >= tasks.length) { resolve(); return; }
        w.postMessage(tasks[next++]!);
      };
      w.on('message', (r: Reply) => {
        if (r.error) { reject(new KeelError((r.error.code ?? 'INTERNAL') as ErrorCode, r.error.message, r.error.field ? { field: r.error.field } : {})); return; }
        replies[r.id] = r;
        feed();
      });
      feed();
    })));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  const columns: ColumnDrift[] = [];
  const skipped: { column: string; reason: string }[] = [];
  for (const r of replies) { if (r.column) columns.push(r.column); if (r.skipped) skipped.push(r.skipped); }
  return summarize(columns, skipped, share);
}
