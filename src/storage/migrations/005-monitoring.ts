import type { Kysely } from 'kysely';

// Placeholder number reserved for this subsystem; its issue fills in the tables.
export async function up(_db: Kysely<unknown>): Promise<void> {}
