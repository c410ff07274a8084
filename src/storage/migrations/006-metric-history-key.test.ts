import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testBackendUrls } from '../../core/index.js';
import { openMetadataStore, type MetadataStore } from '../metadata-store.js';
import { MIGRATIONS } from './index.js';

const migrator = (db: Kysely<unknown>, schema?: string): Migrator =>
  new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    migrationTableName: 'keel_migrations',
    migrationLockTableName: 'keel_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });

const backends: { name: string; open: () => Promise<{ store: MetadataStore; schema?: string; drop: () => Promise<void> }> }[] = [
  {
    name: 'sqlite',
    open: async () => ({ store: await openMetadataStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'keel-m006-')), 'keel.db')}`, { skipMigrations: true }), drop: async () => undefined }),
  },
];
const pgUrl = testBackendUrls().postgres;
if (pgUrl) {
  backends.push({
    name: 'postgres',
    open: async () => {
      const schema = `m006_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const store = await openMetadataStore(pgUrl, { schema, skipMigrations: true });
      return { store, schema, drop: async () => void (await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(store.db)) };
    },
  });
}

describe.each(backends)('migration 006-metric-history-key on $name', ({ open }) => {
  it('keys the stored history like MLflow: duplicates kept once, NaN as value 0', async () => {
    const { store, schema, drop } = await open();
    try {
      const db = store.db as unknown as Kysely<unknown>;
      expect((await migrator(db, schema).migrateTo('005-monitoring')).error).toBeUndefined();
      // Rows as 002-tracking stored them: duplicates allowed, NaN as a NULL value.
      await sql`INSERT INTO run_metrics (run_id, key, value, is_nan, timestamp, step) VALUES
        ('r1', 'loss', 0.5, 0, 10, 1), ('r1', 'loss', 0.5, 0, 10, 1), ('r1', 'loss', NULL, 1, 10, 1),
        ('r1', 'loss', NULL, 1, 10, 1), ('r1', 'loss', 0.25, 0, 11, 2), ('r2', 'loss', 0.5, 0, 10, 1)`.execute(db);
      expect((await migrator(db, schema).migrateToLatest()).error).toBeUndefined();
      const rows = await store.db.selectFrom('run_metrics').selectAll().orderBy('run_id').orderBy('step').orderBy('timestamp').orderBy('value').orderBy('is_nan').execute();
      expect(rows.map((r) => [r.run_id, r.value, r.is_nan, r.timestamp, r.step])).toEqual([
        ['r1', 0, 1, 10, 1],
        ['r1', 0.5, 0, 10, 1],
        ['r1', 0.25, 0, 11, 2],
        ['r2', 0.5, 0, 10, 1],
      ]);
      // The key now refuses an exact duplicate.
      await expect(sql`INSERT INTO run_metrics (run_id, key, value, is_nan, timestamp, step) VALUES ('r2', 'loss', 0.5, 0, 10, 1)`.execute(db)).rejects.toThrow();
    } finally {
      await drop();
      await store.close();
    }
  });
});
