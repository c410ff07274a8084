import type { Kysely } from 'kysely';

/**
 * Validation: schemas versioned per dataset name (1, 2, ...), and reference statistics stored
 * once per dataset version (the JSON lives in the artifact store; the row points at it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('validation_schemas')
    .addColumn('dataset_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('schema_json', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('validation_schemas_pk', ['dataset_name', 'version'])
    .execute();
  await db.schema
    .createTable('validation_references')
    .addColumn('dataset_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('dataset_version', 'varchar(64)', (c) => c.notNull())
    .addColumn('artifact_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('columns', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('validation_references_pk', ['dataset_name', 'dataset_version'])
    .execute();
}
