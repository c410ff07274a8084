import { sql, type Kysely } from 'kysely';

/**
 * A dataset records when it last changed (`updated_at`): a new version, or a new description
 * (which an add of content already stored can bring), as MLflow's `last_updated_timestamp` of a
 * registered model moves on a description edit. The datasets stored before are given the time
 * of their newest version, what `data ls` printed for them until now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('datasets').addColumn('updated_at', 'bigint').execute();
  await sql`UPDATE datasets SET updated_at = COALESCE((SELECT MAX(v.created_at) FROM dataset_versions v WHERE v.dataset_name = datasets.name), datasets.created_at)`.execute(db);
}
