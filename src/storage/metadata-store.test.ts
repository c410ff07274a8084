import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError } from '../core/index.js';
import { isUniqueViolation, openMetadataStore, type MetadataStore } from './metadata-store.js';
import { testPostgresUrl, testStores } from './test-stores.js';
import { MIGRATIONS } from './migrations/index.js';

describe.each(testStores())('metadata store on $name', ({ open }) => {
  let store: MetadataStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('applies every migration once, in order', async () => {
    const rows = await store.db
      .selectFrom('keel_migrations' as never)
      .select('name' as never)
      .orderBy('name' as never)
      .execute();
    expect(rows.map((r) => (r as { name: string }).name)).toEqual(Object.keys(MIGRATIONS).sort());
  });

  it('stores and reads rows, and reports unique violations as such', async () => {
    await store.db.insertInto('datasets').values({ name: 'iris', description: null, created_at: 1700000000123, updated_at: 1700000000123 }).execute();
    const row = await store.db.selectFrom('datasets').selectAll().where('name', '=', 'iris').executeTakeFirstOrThrow();
    expect(row.created_at).toBe(1700000000123);
    let caught: unknown;
    try {
      await store.db.insertInto('datasets').values({ name: 'iris', description: null, created_at: 1, updated_at: 1 }).execute();
    } catch (e) {
      caught = e;
    }
    expect(isUniqueViolation(caught)).toBe(true);
  });

  it('rolls back a failed transaction', async () => {
    await expect(
      store.db.transaction().execute(async (tx) => {
        await tx.insertInto('datasets').values({ name: 'half', description: null, created_at: 1, updated_at: 1 }).execute();
        throw new Error('crash in the middle');
      }),
    ).rejects.toThrow('crash in the middle');
    const row = await store.db.selectFrom('datasets').selectAll().where('name', '=', 'half').executeTakeFirst();
    expect(row).toBeUndefined();
  });
});

const postgres = testPostgresUrl();
describe.skipIf(!postgres)('metadata store on a PostgreSQL server that closes its idle connection', () => {
  it('opens another on the next query, instead of ending the process', async () => {
    const [pgStore] = testStores().filter((s) => s.name === 'postgres');
    const store = await pgStore!.open();
    const admin = await openMetadataStore(postgres!, { skipMigrations: true });
    try {
      const { rows: [mine] } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      // The connection is idle in the pool now; the server ends it, as a restart would.
      await sql`select pg_terminate_backend(${mine!.pid})`.execute(admin.db);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { rows: [again] } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      expect(again!.pid).not.toBe(mine!.pid);
    } finally {
      await admin.close();
      await store.close();
    }
  });
});

describe.skipIf(!postgres)('metadata store on a PostgreSQL server it cannot use', () => {
  it('says it cannot connect, naming the database without its password, not that a migration failed', async () => {
    const missing = new URL(postgres!);
    missing.pathname = '/keel_no_such_database';
    missing.password = 'secret';
    const err = await openMetadataStore(missing.toString()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeelError);
    expect((err as KeelError).code).toBe('UNAVAILABLE');
    missing.password = '***';
    expect((err as KeelError).message).toBe(`cannot connect to the metadata database ${missing.toString()}: database "keel_no_such_database" does not exist`);
  });
});
