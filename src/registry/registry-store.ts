import type { Kysely } from 'kysely';
import { KeelError, newId } from '../core/index.js';
import { isUniqueViolation, type Database } from '../storage/index.js';
import { historyFromRow, type VersionRow } from './rows.js';
import type { OrderTerm } from './paging.js';
import type { FilterClause } from './search-filter.js';
import { clauseToSql, type FilterColumn } from './sql-filter.js';
import type { HistoryEntry } from './types.js';

type ModelRow = Database['registered_models'];

export const MODEL_FILTER_COLUMNS: Record<string, FilterColumn> = { name: { ref: 'registered_models.name' } };
export const MODEL_ORDER_COLUMNS: Record<string, string> = {
  name: 'name',
  timestamp: 'updated_at',
  last_updated_timestamp: 'updated_at',
  creation_timestamp: 'created_at',
};
export const VERSION_FILTER_COLUMNS: Record<string, FilterColumn> = {
  name: { ref: 'model_versions.model_name' },
  run_id: { ref: 'model_versions.run_id' },
  source_path: { ref: 'model_versions.source' },
  version_number: { ref: 'model_versions.version', numeric: true },
  current_stage: { ref: 'model_versions.stage' },
};
export const VERSION_ORDER_COLUMNS: Record<string, string> = {
  name: 'model_name',
  version_number: 'version',
  timestamp: 'updated_at',
  last_updated_timestamp: 'updated_at',
  creation_timestamp: 'created_at',
  current_stage: 'stage',
};

// Orders history entries written in the same millisecond by one process.
let lastSeq = 0;
function nextSeq(at: number): number {
  lastSeq = Math.max(at * 1000, lastSeq + 1);
  return lastSeq;
}

const CHUNK = 500;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** The registry's SQL: one implementation, run on SQLite and PostgreSQL through Kysely. */
export class RegistryStore {
  constructor(
    readonly db: Kysely<Database>,
    readonly postgres: boolean,
  ) {}

  transaction<T>(fn: (store: RegistryStore) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new RegistryStore(trx, this.postgres)));
  }

  getModel(name: string): Promise<ModelRow | undefined> {
    return this.db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async insertModel(row: ModelRow): Promise<void> {
    try {
      await this.db.insertInto('registered_models').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new KeelError('ALREADY_EXISTS', `Registered Model (name=${row.name}) already exists.`, { field: 'name', cause: e });
      throw e;
    }
  }

  async updateModel(name: string, patch: Partial<Pick<ModelRow, 'description' | 'updated_at'>>): Promise<void> {
    await this.db.updateTable('registered_models').set(patch).where('name', '=', name).execute();
  }

  /** Moves every row of the model, its history included, to the new name. */
  async renameModel(name: string, newName: string, at: number): Promise<void> {
    try {
      await this.db.updateTable('registered_models').set({ name: newName, updated_at: at }).where('name', '=', name).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new KeelError('ALREADY_EXISTS', `Registered Model (name=${newName}) already exists.`, { field: 'new_name', cause: e });
      throw e;
    }
    for (const table of ['registered_model_tags', 'model_versions', 'model_version_tags', 'registered_model_aliases', 'registry_history'] as const) {
      await this.db.updateTable(table).set({ model_name: newName }).where('model_name', '=', name).execute();
    }
  }

  /** Deletes the model, its versions, tags and aliases; its history stays as an audit trail. */
  async deleteModel(name: string): Promise<void> {
    for (const table of ['registered_model_tags', 'model_version_tags', 'registered_model_aliases', 'model_versions'] as const) {
      await this.db.deleteFrom(table).where('model_name', '=', name).execute();
    }
    await this.db.deleteFrom('registered_models').where('name', '=', name).execute();
  }

  async modelTags(names: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>(names.map((n) => [n, {}]));
    for (const part of chunks(names)) {
      const rows = await this.db.selectFrom('registered_model_tags').selectAll().where('model_name', 'in', part).orderBy('key').execute();
      for (const r of rows) out.get(r.model_name)![r.key] = r.value;
    }
    return out;
  }

  async setModelTag(name: string, key: string, value: string): Promise<void> {
    await this.db
      .insertInto('registered_model_tags')
      .values({ model_name: name, key, value })
      .onConflict((oc) => oc.columns(['model_name', 'key']).doUpdateSet({ value }))
      .execute();
  }

  async deleteModelTag(name: string, key: string): Promise<number> {
    const r = await this.db.deleteFrom('registered_model_tags').where('model_name', '=', name).where('key', '=', key).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async searchModels(clauses: readonly FilterClause[], order: readonly OrderTerm[], limit: number, offset: number): Promise<ModelRow[]> {
    let q = this.db.selectFrom('registered_models').selectAll();
    for (const c of clauses) q = q.where(clauseToSql(c, MODEL_FILTER_COLUMNS, { table: 'registered_model_tags', join: [['model_name', 'registered_models.name']] }, this.postgres));
    for (const o of order) q = q.orderBy(o.column as 'name', o.desc ? 'desc' : 'asc');
    return q.orderBy('name', 'asc').limit(limit).offset(offset).execute();
  }

  async nextVersion(name: string): Promise<number> {
    const r = await this.db.selectFrom('model_versions').select((eb) => eb.fn.max('version').as('max')).where('model_name', '=', name).executeTakeFirst();
    return Number(r?.max ?? 0) + 1;
  }

  async insertVersion(row: VersionRow): Promise<void> {
    await this.db.insertInto('model_versions').values(row).execute();
  }

  getVersion(name: string, version: number): Promise<VersionRow | undefined> {
    return this.db.selectFrom('model_versions').selectAll().where('model_name', '=', name).where('version', '=', version).where('deleted', '=', 0).executeTakeFirst();
  }

  latestVersion(name: string): Promise<VersionRow | undefined> {
    return this.db.selectFrom('model_versions').selectAll().where('model_name', '=', name).where('deleted', '=', 0).orderBy('version', 'desc').limit(1).executeTakeFirst();
  }

  /** The newest live version in each stage, for each model named. */
  async latestPerStage(names: readonly string[]): Promise<VersionRow[]> {
    const out: VersionRow[] = [];
    for (const part of chunks(names)) {
      const rows = await this.db
        .selectFrom('model_versions as v')
        .selectAll('v')
        .where('v.model_name', 'in', part)
        .where('v.deleted', '=', 0)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('model_versions as w')
                .select('w.version')
                .whereRef('w.model_name', '=', 'v.model_name')
                .whereRef('w.stage', '=', 'v.stage')
                .where('w.deleted', '=', 0)
                .whereRef('w.version', '>', 'v.version'),
            ),
          ),
        )
        .execute();
      out.push(...rows);
    }
    return out;
  }

  /** Live versions of a model in a stage. */
  versionsInStage(name: string, stage: string): Promise<VersionRow[]> {
    return this.db.selectFrom('model_versions').selectAll().where('model_name', '=', name).where('stage', '=', stage).where('deleted', '=', 0).orderBy('version').execute();
  }

  async updateVersion(name: string, version: number, patch: Partial<Pick<VersionRow, 'description' | 'stage' | 'updated_at' | 'deleted'>>): Promise<void> {
    await this.db.updateTable('model_versions').set(patch).where('model_name', '=', name).where('version', '=', version).execute();
  }

  async deleteVersionRows(name: string, version: number): Promise<void> {
    await this.db.deleteFrom('model_version_tags').where('model_name', '=', name).where('version', '=', version).execute();
  }

  /** Tags and aliases of the given versions, keyed by `name\0version`. */
  async versionExtras(rows: readonly VersionRow[]): Promise<{ tags: Map<string, Record<string, string>>; aliases: Map<string, string[]> }> {
    const tags = new Map<string, Record<string, string>>();
    const aliases = new Map<string, string[]>();
    const names = [...new Set(rows.map((r) => r.model_name))];
    const wanted = new Set(rows.map((r) => versionKey(r.model_name, r.version)));
    // A few versions (resolve, get, a model's page): fetch exactly theirs, not every version's of the model.
    const exact = rows.length <= CHUNK && names.length === 1;
    const versions = rows.map((r) => Number(r.version));
    for (const part of chunks(names)) {
      let tagQuery = this.db.selectFrom('model_version_tags').selectAll().where('model_name', 'in', part);
      if (exact) tagQuery = tagQuery.where('version', 'in', versions);
      const tagRows = await tagQuery.orderBy('key').execute();
      for (const t of tagRows) {
        const k = versionKey(t.model_name, t.version);
        if (!wanted.has(k)) continue;
        if (!tags.has(k)) tags.set(k, {});
        tags.get(k)![t.key] = t.value;
      }
      const aliasRows = await this.db.selectFrom('registered_model_aliases').selectAll().where('model_name', 'in', part).orderBy('alias').execute();
      for (const a of aliasRows) {
        const k = versionKey(a.model_name, a.version);
        if (!aliases.has(k)) aliases.set(k, []);
        aliases.get(k)!.push(a.alias);
      }
    }
    return { tags, aliases };
  }

  async setVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    await this.db
      .insertInto('model_version_tags')
      .values({ model_name: name, version, key, value })
      .onConflict((oc) => oc.columns(['model_name', 'version', 'key']).doUpdateSet({ value }))
      .execute();
  }

  async deleteVersionTag(name: string, version: number, key: string): Promise<number> {
    const r = await this.db.deleteFrom('model_version_tags').where('model_name', '=', name).where('version', '=', version).where('key', '=', key).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async searchVersions(clauses: readonly FilterClause[], order: readonly OrderTerm[], limit: number, offset: number): Promise<VersionRow[]> {
    let q = this.db.selectFrom('model_versions').selectAll().where('deleted', '=', 0);
    const tagTable = { table: 'model_version_tags' as const, join: [['model_name', 'model_versions.model_name'], ['version', 'model_versions.version']] as const };
    for (const c of clauses) q = q.where(clauseToSql(c, VERSION_FILTER_COLUMNS, tagTable, this.postgres));
    for (const o of order) q = q.orderBy(o.column as 'version', o.desc ? 'desc' : 'asc');
    return q.orderBy('model_name', 'asc').orderBy('version', 'desc').limit(limit).offset(offset).execute();
  }

  async aliasesOf(names: readonly string[]): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>(names.map((n) => [n, {}]));
    for (const part of chunks(names)) {
      const rows = await this.db.selectFrom('registered_model_aliases').selectAll().where('model_name', 'in', part).orderBy('alias').execute();
      for (const r of rows) out.get(r.model_name)![r.alias] = Number(r.version);
    }
    return out;
  }

  async getAlias(name: string, alias: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('registered_model_aliases').select('version').where('model_name', '=', name).where('alias', '=', alias).executeTakeFirst();
    return r === undefined ? undefined : Number(r.version);
  }

  async aliasesOfVersion(name: string, version: number): Promise<string[]> {
    const rows = await this.db.selectFrom('registered_model_aliases').select('alias').where('model_name', '=', name).where('version', '=', version).orderBy('alias').execute();
    return rows.map((r) => r.alias);
  }

  async upsertAlias(name: string, alias: string, version: number): Promise<void> {
    await this.db
      .insertInto('registered_model_aliases')
      .values({ model_name: name, alias, version })
      .onConflict((oc) => oc.columns(['model_name', 'alias']).doUpdateSet({ version }))
      .execute();
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.db.deleteFrom('registered_model_aliases').where('model_name', '=', name).where('alias', '=', alias).execute();
  }

  async addHistory(entry: Omit<HistoryEntry, 'from' | 'to'> & { from: string | number | null; to: string | number | null }): Promise<void> {
    await this.db
      .insertInto('registry_history')
      .values({
        id: newId(),
        seq: nextSeq(entry.at),
        model_name: entry.model,
        kind: entry.kind,
        alias: entry.alias ?? null,
        version: entry.version,
        from_value: entry.from === null ? null : String(entry.from),
        to_value: entry.to === null ? null : String(entry.to),
        actor: entry.actor,
        at: entry.at,
      })
      .execute();
  }

  async history(name: string, options: { alias?: string; version?: number }): Promise<HistoryEntry[]> {
    let q = this.db.selectFrom('registry_history').selectAll().where('model_name', '=', name);
    if (options.alias !== undefined) q = q.where('kind', '=', 'alias').where('alias', '=', options.alias);
    // An alias move concerns both the version it left and the one it reached.
    const v = options.version;
    if (v !== undefined) q = q.where((eb) => eb.or([eb('version', '=', v), eb.and([eb('kind', '=', 'alias'), eb('from_value', '=', String(v))])]));
    const rows = await q.orderBy('seq').orderBy('id').execute();
    return rows.map(historyFromRow);
  }
}

export const versionKey = (name: string, version: number): string => `${name}\u0000${Number(version)}`;
