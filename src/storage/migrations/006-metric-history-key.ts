import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * The metric history gets MLflow's primary key (run, key, step, timestamp, value, is_nan), in
 * get-history's order:
 * - on SQLite the table is clustered on it (WITHOUT ROWID): one B-tree per point instead of a
 *   table plus an index, which halves the cost of ingestion, and a history is one range scan;
 * - an exact duplicate point is stored once, as MLflow's SQL store does (its `metric_pk`);
 * - NaN is stored as value 0 with is_nan = 1 (a key column cannot be NULL), as MLflow does.
 * Existing rows are copied over, duplicates dropped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const table = db.schema
    .createTable('run_metrics_keyed')
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('is_nan', 'smallint', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_metrics_pk', ['run_id', 'key', 'step', 'timestamp', 'value', 'is_nan']);
  await (sqlite ? table.modifyEnd(sql`WITHOUT ROWID`) : table).execute();
  await sql`INSERT INTO run_metrics_keyed (run_id, key, value, is_nan, timestamp, step)
    SELECT DISTINCT run_id, key, CASE WHEN is_nan = 1 THEN 0 ELSE value END, is_nan, timestamp, step FROM run_metrics`.execute(db);
  await db.schema.dropTable('run_metrics').execute();
  await db.schema.alterTable('run_metrics_keyed').renameTo('run_metrics').execute();
}
