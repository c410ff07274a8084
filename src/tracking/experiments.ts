import { sql, type Kysely } from 'kysely';
import { decodePageToken, encodePageToken, KeelError } from '../core/index.js';
import { isUniqueViolation, type Database } from '../storage/index.js';
import type { Comparison } from './filter/filter-ast.js';
import { parseFilter, parseOrderBy, type AttributeSchema } from './filter/parse-filter.js';
import { stringComparison } from './filter/compile-run-filter.js';
import { LIMITS, validateKey, validateTags, validateValue } from './limits.js';
import { checkMaxResults } from './max-results.js';
import { toExperiment } from './row-mappers.js';
import { isSqlite, writeTransaction } from './sql/write-transaction.js';
import type { Experiment, KeyValue, SearchExperimentsInput, SearchExperimentsResult, ViewType } from './types.js';

const EXPERIMENT_SCHEMA: AttributeSchema = {
  strings: ['name'],
  numbers: ['creation_time', 'last_update_time', 'experiment_id'],
  entities: ['tag'],
};

/** Experiments: MLflow's integer ids (as strings), unique names, soft delete. */
export class Experiments {
  private readonly sqlite: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.sqlite = isSqlite(db);
  }

  async create(name: string, options: { artifactLocation?: string; tags?: readonly KeyValue[] } = {}): Promise<string> {
    validateValue('name', name, LIMITS.experimentNameLength);
    if (name.trim() === '') throw new KeelError('INVALID_ARGUMENT', "Invalid experiment name: ''", { field: 'name' });
    validateTags(options.tags ?? []);
    // Ids are max + 1 under the write lock; on PostgreSQL two creators may pick the same id, and
    // the loser retries.
    for (let attempt = 0; ; attempt++) {
      try {
        return await writeTransaction(this.db, async (trx) => {
          const existing = await trx.selectFrom('experiments').select('experiment_id').where('name', '=', name).executeTakeFirst();
          if (existing) throw new KeelError('ALREADY_EXISTS', `Experiment(name=${name}) already exists.`, { field: 'name' });
          const { max } = await trx.selectFrom('experiments').select(sql<number>`coalesce(max(experiment_id), 0)`.as('max')).executeTakeFirstOrThrow();
          const id = Number(max) + 1;
          const now = Date.now();
          await trx
            .insertInto('experiments')
            .values({ experiment_id: id, name, artifact_location: options.artifactLocation ?? `mlflow-artifacts:/${id}`, lifecycle_stage: 'active', creation_time: now, last_update_time: now })
            .execute();
          if (options.tags?.length) await trx.insertInto('experiment_tags').values(options.tags.map((t) => ({ experiment_id: id, key: t.key, value: t.value }))).execute();
          return String(id);
        });
      } catch (e) {
        if (attempt < 5 && isUniqueViolation(e)) continue;
        throw e;
      }
    }
  }

  async getOrCreate(name: string): Promise<string> {
    const found = await this.db.selectFrom('experiments').select('experiment_id').where('name', '=', name).executeTakeFirst();
    if (found) return String(found.experiment_id);
    try {
      return await this.create(name);
    } catch (e) {
      if (e instanceof KeelError && e.code === 'ALREADY_EXISTS') return (await this.getByName(name)).experiment_id;
      throw e;
    }
  }

  async get(id: string): Promise<Experiment> {
    const n = parseExperimentId(id);
    const row = await this.db.selectFrom('experiments').selectAll().where('experiment_id', '=', n).executeTakeFirst();
    if (!row) throw new KeelError('NOT_FOUND', `No Experiment with id=${id} exists`, { field: 'experiment_id' });
    return toExperiment(row, await this.tagsOf(n));
  }

  async getByName(name: string): Promise<Experiment> {
    const row = await this.db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw new KeelError('NOT_FOUND', `Could not find experiment with name '${name}'`, { field: 'experiment_name' });
    return toExperiment(row, await this.tagsOf(Number(row.experiment_id)));
  }

  private async tagsOf(id: number): Promise<KeyValue[]> {
    return this.db.selectFrom('experiment_tags').select(['key', 'value']).where('experiment_id', '=', id).orderBy('key').execute();
  }

  async rename(id: string, newName: string): Promise<void> {
    validateValue('new_name', newName, LIMITS.experimentNameLength);
    const exp = await this.get(id);
    if (exp.lifecycle_stage !== 'active') throw new KeelError('FAILED_PRECONDITION', `Cannot rename a non-active experiment ${id}.`, { field: 'experiment_id', details: { mlflowCode: 'INVALID_STATE' } });
    try {
      await this.db.updateTable('experiments').set({ name: newName, last_update_time: Date.now() }).where('experiment_id', '=', Number(id)).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new KeelError('ALREADY_EXISTS', `Experiment(name=${newName}) already exists.`, { field: 'new_name' });
      throw e;
    }
  }

  async setLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    if (id === '0' && stage === 'deleted') throw new KeelError('INVALID_ARGUMENT', 'Cannot delete the default experiment (id 0).', { field: 'experiment_id' });
    await this.get(id);
    const now = Date.now();
    await writeTransaction(this.db, async (trx) => {
      await trx.updateTable('experiments').set({ lifecycle_stage: stage, last_update_time: now }).where('experiment_id', '=', Number(id)).execute();
      // MLflow deletes and restores an experiment's runs with it.
      await trx.updateTable('runs').set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null }).where('experiment_id', '=', Number(id)).execute();
    });
  }

  async setTag(id: string, key: string, value: string): Promise<void> {
    validateKey('key', key);
    validateValue('value', value, LIMITS.tagValueLength);
    await this.get(id);
    await this.db
      .insertInto('experiment_tags')
      .values({ experiment_id: Number(id), key, value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value }))
      .execute();
  }

  async search(input: SearchExperimentsInput): Promise<SearchExperimentsResult> {
    const ast = parseFilter(input.filter, EXPERIMENT_SCHEMA);
    const order = (input.orderBy ?? []).map((o, i) => parseOrderBy(o, EXPERIMENT_SCHEMA, `order_by[${i}]`));
    for (const [i, o] of order.entries()) if (o.type !== 'attribute') throw new KeelError('INVALID_ARGUMENT', `Invalid order_by '${input.orderBy![i]}': experiments sort by name, experiment_id, creation_time or last_update_time`, { field: `order_by[${i}]` });
    const limit = checkMaxResults(input.maxResults, 1000, LIMITS.searchMaxResults);
    const offset = decodePageToken(input.pageToken);
    let q = this.db.selectFrom('experiments').selectAll('experiments').where('lifecycle_stage', 'in', stagesOf(input.viewType));
    for (const c of ast) q = q.where(this.compile(sql.ref('experiments.experiment_id'), c));
    for (const o of order) q = q.orderBy(`experiments.${o.key as 'name'}`, o.ascending ? 'asc' : 'desc');
    if (order.length === 0) q = q.orderBy('experiments.last_update_time', 'desc');
    const rows = await q.orderBy('experiments.experiment_id', 'asc').limit(limit + 1).offset(offset).execute();
    const page = rows.slice(0, limit);
    const tags = page.length
      ? await this.db.selectFrom('experiment_tags').selectAll().where('experiment_id', 'in', page.map((r) => Number(r.experiment_id))).orderBy('key').execute()
      : [];
    return {
      experiments: page.map((r) => toExperiment(r, tags.filter((t) => Number(t.experiment_id) === Number(r.experiment_id)).map(({ key, value }) => ({ key, value })))),
      ...(rows.length > limit ? { next_page_token: encodePageToken(offset + limit) } : {}),
    };
  }

  private compile(idRef: ReturnType<typeof sql.ref>, c: Comparison) {
    if (c.type === 'attribute') {
      const col = sql.ref(`experiments.${c.key}`);
      return c.key === 'name' ? stringComparison(col, c.comparator, c.value, this.sqlite) : sql<boolean>`${col} ${sql.raw(c.comparator)} ${c.value as number}`;
    }
    const lookup = sql`SELECT 1 FROM experiment_tags et WHERE et.experiment_id = ${idRef} AND et.key = ${c.key}`;
    if (c.comparator === 'IS NULL') return sql<boolean>`NOT EXISTS (${lookup})`;
    if (c.comparator === 'IS NOT NULL') return sql<boolean>`EXISTS (${lookup})`;
    return sql<boolean>`EXISTS (${lookup} AND ${stringComparison(sql.ref('et.value'), c.comparator, c.value, this.sqlite)})`;
  }
}

export function stagesOf(view: ViewType | undefined): string[] {
  if (view === 'DELETED_ONLY') return ['deleted'];
  if (view === 'ALL') return ['active', 'deleted'];
  return ['active'];
}

/** Experiment ids are integers, sent as strings by MLflow clients. */
export function parseExperimentId(id: unknown, field = 'experiment_id'): number {
  const s = typeof id === 'number' ? String(id) : id;
  if (typeof s !== 'string' || !/^\d{1,15}$/.test(s)) {
    throw new KeelError('INVALID_ARGUMENT', `Invalid value '${String(id)}' for parameter '${field}': experiment ids are integers`, { field });
  }
  return Number(s);
}

