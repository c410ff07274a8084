import type { Kysely } from 'kysely';
import { KeelError, newId } from '../core/index.js';
import { rawDriverOf, type Database } from '../storage/index.js';
import { parseExperimentId } from './experiments.js';
import { LIMITS, validateBatch, validateTags, validateValue } from './limits.js';
import { generateRunName } from './run-names.js';
import { toMetricPoint, toRunInfo } from './row-mappers.js';
import { metricWriterFor, type MetricWriter } from './sql/metric-writer.js';
import { isSqlite, writeTransaction } from './sql/write-transaction.js';
import { RUN_STATUSES, type CreateRunInput, type KeyValue, type LogBatchInput, type Run, type RunData, type RunInfo, type UpdateRunInput } from './types.js';

/** MLflow's system tags that mirror run attributes. */
export const RUN_NAME_TAG = 'mlflow.runName';
export const USER_TAG = 'mlflow.user';
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';

/** Runs and what is logged to them: params (immutable), tags, metric points. */
export class Runs {
  private readonly writer: MetricWriter;

  constructor(private readonly db: Kysely<Database>) {
    this.writer = metricWriterFor(rawDriverOf(db), isSqlite(db));
  }

  async create(input: CreateRunInput): Promise<Run> {
    const experimentId = parseExperimentId(input.experimentId);
    const tags = dedupeTags(input.tags ?? []);
    validateTags(tags);
    const runName = input.runName ?? tags.find((t) => t.key === RUN_NAME_TAG)?.value ?? generateRunName();
    validateValue('run_name', runName, LIMITS.runNameLength);
    const userId = input.userId ?? tags.find((t) => t.key === USER_TAG)?.value ?? '';
    if (input.startTime !== undefined && !Number.isSafeInteger(input.startTime)) throw new KeelError('INVALID_ARGUMENT', `Invalid value ${input.startTime} for parameter 'start_time'`, { field: 'start_time' });
    const allTags = upsertTag(tags, RUN_NAME_TAG, runName);
    const exp = await this.db.selectFrom('experiments').select(['lifecycle_stage']).where('experiment_id', '=', experimentId).executeTakeFirst();
    if (!exp) throw new KeelError('NOT_FOUND', `No Experiment with id=${input.experimentId} exists`, { field: 'experiment_id' });
    if (exp.lifecycle_stage !== 'active') throw new KeelError('INVALID_ARGUMENT', `The experiment ${input.experimentId} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`, { field: 'experiment_id' });
    const runId = newId();
    const row: Database['runs'] = {
      run_id: runId,
      experiment_id: experimentId,
      run_name: runName,
      user_id: userId,
      status: 'RUNNING',
      start_time: input.startTime ?? Date.now(),
      end_time: null,
      lifecycle_stage: 'active',
      artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      deleted_time: null,
    };
    await writeTransaction(this.db, async (trx) => {
      await trx.insertInto('runs').values(row).execute();
      await trx.insertInto('run_tags').values(allTags.map((t) => ({ run_id: runId, key: t.key, value: t.value }))).execute();
    });
    return { info: toRunInfo(row), data: { metrics: [], params: [], tags: [...allTags].sort(byKey) } };
  }

  async info(runId: string): Promise<RunInfo> {
    return toRunInfo(await this.row(runId));
  }

  private async row(runId: string, db: Kysely<Database> = this.db): Promise<Database['runs']> {
    checkRunId(runId);
    const row = await db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    if (!row) throw runNotFound(runId);
    return row;
  }

  private async activeRow(runId: string, db?: Kysely<Database>): Promise<Database['runs']> {
    const row = await this.row(runId, db);
    checkActive(runId, row.lifecycle_stage);
    return row;
  }

  async get(runId: string): Promise<Run> {
    const row = await this.row(runId);
    const data = await this.dataOf([runId]);
    return { info: toRunInfo(row), data: data.get(runId)! };
  }

  /** Params, tags and latest metrics of several runs in three queries. */
  async dataOf(runIds: readonly string[]): Promise<Map<string, RunData>> {
    const out = new Map<string, { metrics: RunData['metrics'][number][]; params: KeyValue[]; tags: KeyValue[] }>();
    for (const id of runIds) out.set(id, { metrics: [], params: [], tags: [] });
    if (runIds.length === 0) return out;
    const [metrics, params, tags] = await Promise.all([
      this.db.selectFrom('run_latest_metrics').selectAll().where('run_id', 'in', runIds).orderBy('key').execute(),
      this.db.selectFrom('run_params').selectAll().where('run_id', 'in', runIds).orderBy('key').execute(),
      this.db.selectFrom('run_tags').selectAll().where('run_id', 'in', runIds).orderBy('key').execute(),
    ]);
    for (const m of metrics) out.get(m.run_id)!.metrics.push(toMetricPoint(m));
    for (const p of params) out.get(p.run_id)!.params.push({ key: p.key, value: p.value });
    for (const t of tags) out.get(t.run_id)!.tags.push({ key: t.key, value: t.value });
    return out;
  }

  async update(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    if (input.status !== undefined && !RUN_STATUSES.includes(input.status)) {
      throw new KeelError('INVALID_ARGUMENT', `Invalid value '${String(input.status)}' for parameter 'status' (known: ${RUN_STATUSES.join(', ')})`, { field: 'status' });
    }
    if (input.endTime !== undefined && !Number.isSafeInteger(input.endTime)) throw new KeelError('INVALID_ARGUMENT', `Invalid value ${input.endTime} for parameter 'end_time'`, { field: 'end_time' });
    if (input.runName !== undefined) validateValue('run_name', input.runName, LIMITS.runNameLength);
    return writeTransaction(this.db, async (trx) => {
      const row = await this.activeRow(runId, trx);
      const next = {
        ...row,
        ...(input.status !== undefined ? { status: input.status } : {}),
        ...(input.endTime !== undefined ? { end_time: input.endTime } : {}),
        ...(input.runName !== undefined && input.runName !== '' ? { run_name: input.runName } : {}),
      };
      await trx.updateTable('runs').set({ status: next.status, end_time: next.end_time, run_name: next.run_name }).where('run_id', '=', runId).execute();
      if (next.run_name !== row.run_name) await this.putTags(trx, runId, [{ key: RUN_NAME_TAG, value: next.run_name }]);
      return toRunInfo(next);
    });
  }

  async setLifecycle(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.row(runId);
    await this.db.updateTable('runs').set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? Date.now() : null }).where('run_id', '=', runId).execute();
  }

  /**
   * Params, tags and metrics in one transaction: a batch is stored whole or not at all.
   * Params are immutable: re-logging the same value is a no-op, a different value an error.
   */
  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    validateBatch(batch);
    const params = dedupeParams(batch.params ?? []);
    const tags = dedupeTags(batch.tags ?? []);
    const metrics = batch.metrics ?? [];
    if (params.length === 0 && tags.length === 0 && metrics.length === 0) {
      await this.activeRow(runId);
      return;
    }
    if (params.length === 0 && tags.length === 0 && this.writer.writeAlone) {
      checkRunId(runId);
      await this.writer.writeAlone(this.db, runId, metrics, (stage) => {
        if (stage === undefined) throw runNotFound(runId);
        checkActive(runId, stage);
      });
      return;
    }
    await writeTransaction(this.db, async (trx) => {
      await this.activeRow(runId, trx);
      if (params.length) await this.putParams(trx, runId, params);
      if (tags.length) await this.putTags(trx, runId, tags);
      if (metrics.length) await this.writer.write(trx, runId, metrics);
    });
  }

  private async putParams(trx: Kysely<Database>, runId: string, params: readonly KeyValue[]): Promise<void> {
    const keys = params.map((p) => p.key);
    const existing = await trx.selectFrom('run_params').select(['key', 'value']).where('run_id', '=', runId).where('key', 'in', keys).execute();
    const stored = new Map(existing.map((p) => [p.key, p.value]));
    for (const [i, p] of params.entries()) {
      const old = stored.get(p.key);
      if (old !== undefined && old !== p.value) {
        throw new KeelError('INVALID_ARGUMENT', `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`, { field: `params[${i}].value` });
      }
    }
    const fresh = params.filter((p) => !stored.has(p.key));
    if (fresh.length) await trx.insertInto('run_params').values(fresh.map((p) => ({ run_id: runId, key: p.key, value: p.value }))).execute();
  }

  private async putTags(trx: Kysely<Database>, runId: string, tags: readonly KeyValue[]): Promise<void> {
    await trx
      .insertInto('run_tags')
      .values(tags.map((t) => ({ run_id: runId, key: t.key, value: t.value })))
      .onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
    const name = tags.find((t) => t.key === RUN_NAME_TAG);
    if (name) await trx.updateTable('runs').set({ run_name: name.value }).where('run_id', '=', runId).execute();
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.activeRow(runId);
    const res = await this.db.deleteFrom('run_tags').where('run_id', '=', runId).where('key', '=', key).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new KeelError('NOT_FOUND', `No tag with name: ${key} in run with id ${runId}`, { field: 'key' });
  }
}

function checkRunId(runId: string): void {
  if (typeof runId !== 'string' || runId === '') throw new KeelError('INVALID_ARGUMENT', "Missing value for required parameter 'run_id'.", { field: 'run_id' });
}

const runNotFound = (runId: string): KeelError => new KeelError('NOT_FOUND', `Run with id=${runId} not found`, { field: 'run_id' });

function checkActive(runId: string, stage: string): void {
  if (stage !== 'active') throw new KeelError('INVALID_ARGUMENT', `The run ${runId} must be in the 'active' state. Current state is ${stage}.`, { field: 'run_id' });
}

const byKey = (a: KeyValue, b: KeyValue): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function upsertTag(tags: readonly KeyValue[], key: string, value: string): KeyValue[] {
  return [...tags.filter((t) => t.key !== key), { key, value }];
}

/** The last value of a tag key in a batch wins, as in MLflow. */
function dedupeTags(tags: readonly KeyValue[]): KeyValue[] {
  const m = new Map<string, KeyValue>();
  for (const t of tags) m.set(t?.key, t);
  return [...m.values()];
}

function dedupeParams(params: readonly KeyValue[]): KeyValue[] {
  const m = new Map<string, KeyValue>();
  for (const [i, p] of params.entries()) {
    const prev = m.get(p.key);
    if (prev && prev.value !== p.value) {
      throw new KeelError('INVALID_ARGUMENT', `Duplicate parameter keys have been submitted: '${p.key}' with different values. Please ensure the request contains only one param value per param key.`, { field: `params[${i}].key` });
    }
    m.set(p.key, p);
  }
  return [...m.values()];
}
