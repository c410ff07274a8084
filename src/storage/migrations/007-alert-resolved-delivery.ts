import type { Kysely } from 'kysely';

/**
 * An alert records how its `alert.resolved` webhook went, beside its `alert.firing` one
 * (`delivery_json`): the same JSON { status, attempts, httpStatus?, error? }, null until a
 * resolution sent one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('alerts').addColumn('resolved_delivery_json', 'text').execute();
}
