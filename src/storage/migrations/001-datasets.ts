import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('datasets')
    .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('dataset_versions')
    .addColumn('dataset_name', 'varchar(128)', (c) => c.notNull().references('datasets.name'))
    .addColumn('version', 'varchar(64)', (c) => c.notNull())
    .addColumn('content_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('artifact_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('num_rows', 'bigint', (c) => c.notNull())
    .addColumn('profile_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dataset_versions_pk', ['dataset_name', 'version'])
    .execute();
  await db.schema.createIndex('dataset_versions_by_time').on('dataset_versions').columns(['dataset_name', 'created_at']).execute();
}
