import type { Kysely } from 'kysely';

/**
 * The prediction log (predictions + late labels), monitors and their window results, alerts, and
 * the lineage of retraining runs that alerts started. `received_at` is arrival time: a record whose
 * event time (`ts`) falls in a window but which arrived after the window's grace period is late.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('predictions')
    .addColumn('request_id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('model_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('model_version', 'integer', (c) => c.notNull())
    .addColumn('deployment', 'varchar(128)')
    .addColumn('variant', 'varchar(128)')
    .addColumn('inputs_json', 'text', (c) => c.notNull())
    .addColumn('outputs_json', 'text', (c) => c.notNull())
    .addColumn('latency_ms', 'double precision', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('predictions_by_deployment_ts').on('predictions').columns(['deployment', 'ts']).execute();
  await db.schema.createIndex('predictions_by_model_ts').on('predictions').columns(['model_name', 'ts']).execute();

  await db.schema
    .createTable('prediction_labels')
    .addColumn('request_id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('label_json', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('prediction_labels_by_ts').on('prediction_labels').columns(['ts']).execute();

  await db.schema
    .createTable('monitors')
    .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('deployment', 'varchar(128)', (c) => c.notNull())
    .addColumn('config_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('monitor_windows')
    .addColumn('monitor_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('late_count', 'integer', (c) => c.notNull())
    .addColumn('labeled_count', 'integer', (c) => c.notNull())
    .addColumn('metrics_json', 'text', (c) => c.notNull())
    .addColumn('result_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_windows_pk', ['monitor_name', 'window_start'])
    .execute();

  await db.schema
    .createTable('monitor_references')
    .addColumn('dataset_ref', 'varchar(300)', (c) => c.primaryKey())
    .addColumn('stats_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('monitor_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('rule_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('metric', 'varchar(300)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('fired_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('delivery_json', 'text')
    .execute();
  await db.schema.createIndex('alerts_by_monitor').on('alerts').columns(['monitor_name', 'rule_name', 'window_end']).execute();

  await db.schema
    .createTable('retrain_runs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('alert_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('monitor_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('command', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('exit_code', 'integer')
    .addColumn('output', 'text')
    .addColumn('run_id', 'varchar(64)')
    .addColumn('model_name', 'varchar(128)')
    .addColumn('model_version', 'integer')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('retrain_runs_by_alert').on('retrain_runs').columns(['alert_id']).execute();
}
