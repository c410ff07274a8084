import type { Kysely } from 'kysely';

/**
 * The model registry: registered models, their auto-numbered versions, tags, aliases, and the
 * history of every alias and stage move. No foreign keys: a rename rewrites `model_name` in
 * every table inside one transaction, which FK checks would order awkwardly on SQLite.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('registered_models')
    .addColumn('name', 'varchar(256)', (c) => c.primaryKey())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('registered_model_tags')
    .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_tags_pk', ['model_name', 'key'])
    .execute();
  await db.schema
    .createTable('model_versions')
    .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('run_id', 'varchar(64)')
    .addColumn('artifact_sha256', 'varchar(64)')
    .addColumn('artifact_size', 'bigint')
    .addColumn('signature_json', 'text', (c) => c.notNull())
    .addColumn('metrics_json', 'text', (c) => c.notNull())
    .addColumn('lineage_json', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(256)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // Deleted versions stay as tombstones so that their numbers are never reused (as MLflow does).
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('model_versions_pk', ['model_name', 'version'])
    .execute();
  await db.schema.createIndex('model_versions_by_run').on('model_versions').column('run_id').execute();
  await db.schema
    .createTable('model_version_tags')
    .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_version_tags_pk', ['model_name', 'version', 'key'])
    .execute();
  await db.schema
    .createTable('registered_model_aliases')
    .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('alias', 'varchar(256)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_aliases_pk', ['model_name', 'alias'])
    .execute();
  await db.schema
    .createTable('registry_history')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('alias', 'varchar(256)')
    .addColumn('version', 'integer')
    .addColumn('from_value', 'varchar(256)')
    .addColumn('to_value', 'varchar(256)')
    .addColumn('actor', 'varchar(256)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_history_by_model').on('registry_history').columns(['model_name', 'seq']).execute();
}
