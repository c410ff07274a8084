import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from '../../storage/index.js';

export function isSqlite(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * A read-write transaction. On SQLite it is BEGIN IMMEDIATE: a deferred transaction that reads
 * first and writes later fails with SQLITE_BUSY (which busy_timeout does not retry) when another
 * process committed in between; taking the write lock up front makes writers queue instead, so
 * several processes can log to one SQLite file at once.
 */
export async function writeTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (!isSqlite(db)) return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (e) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw e;
    }
  });
}
