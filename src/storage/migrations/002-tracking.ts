import { sql, SqliteAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

/** Experiment tracking: experiments, runs, params, tags, metric history, latest metrics, artifacts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  // On SQLite the key-value tables are clustered on their primary key (WITHOUT ROWID): the
  // correlated lookups of run search then cost one B-tree descent instead of two.
  const clustered = <T extends string, C extends string>(b: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> => (sqlite ? b.modifyEnd(sql`WITHOUT ROWID`) : b);
  await db.schema
    .createTable('experiments')
    .addColumn('experiment_id', 'bigint', (c) => c.primaryKey())
    .addColumn('name', 'varchar(500)', (c) => c.notNull().unique())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('experiment_tags')
    .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('experiments.experiment_id'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
    .execute();
  await db.schema
    .createTable('runs')
    .addColumn('run_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('experiments.experiment_id'))
    .addColumn('run_name', 'varchar(250)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('artifact_uri', 'text', (c) => c.notNull())
    .addColumn('deleted_time', 'bigint')
    .execute();
  await db.schema.createIndex('runs_by_experiment').on('runs').columns(['experiment_id', 'start_time']).execute();
  for (const table of ['run_params', 'run_tags']) {
    await clustered(
      db.schema
        .createTable(table)
        .addColumn('run_id', 'varchar(32)', (c) => c.notNull().references('runs.run_id'))
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['run_id', 'key']),
    ).execute();
    // Lets a filter like params.model = 'mlp' start from the matching runs instead of every run.
    await db.schema.createIndex(`${table}_by_key_value`).on(table).columns(['key', 'value']).execute();
  }
  // The history has no primary key: MLflow keeps duplicate points, and a key would slow ingestion.
  // No foreign key either: the hot insert path checks the run once per batch instead.
  await db.schema
    .createTable('run_metrics')
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('is_nan', 'smallint', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .execute();
  // In get-history's order, so reading a 100,000-point history needs no sort.
  await db.schema.createIndex('run_metrics_history').on('run_metrics').columns(['run_id', 'key', 'step', 'timestamp']).execute();
  await clustered(
    db.schema
      .createTable('run_latest_metrics')
      .addColumn('run_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('is_nan', 'smallint', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_latest_metrics_pk', ['run_id', 'key']),
  ).execute();
  // Lets `ORDER BY metrics.x` and range filters on one key read an index instead of every run.
  await db.schema.createIndex('run_latest_metrics_by_key').on('run_latest_metrics').columns(['key', 'value']).execute();
  await db.schema
    .createTable('run_artifacts')
    .addColumn('run_id', 'varchar(32)', (c) => c.notNull().references('runs.run_id'))
    .addColumn('path', 'varchar(1024)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_artifacts_pk', ['run_id', 'path'])
    .execute();
  // MLflow's Default experiment always exists with id 0.
  const now = Date.now();
  await sql`INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
    VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', ${now}, ${now})`.execute(db);
}
