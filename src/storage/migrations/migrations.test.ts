import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrationTestBackends, migrator } from './migration-test-backends.js';

// The migrations' tests share one file: run side by side, one's DROP SCHEMA can break the other's
// Kysely introspection (pg_get_serial_sequence of a table whose schema just went).
const backends = migrationTestBackends('mig');

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

describe.each(backends)('migration 008-dataset-updated-at on $name', ({ open }) => {
  it('gives each stored dataset the time of its newest version, as data ls printed it', async () => {
    const { store, schema, drop } = await open();
    try {
      const db = store.db as unknown as Kysely<unknown>;
      expect((await migrator(db, schema).migrateTo('007-alert-resolved-delivery')).error).toBeUndefined();
      await sql`INSERT INTO datasets (name, description, created_at) VALUES ('a', NULL, 100), ('empty', NULL, 50)`.execute(db);
      await sql`INSERT INTO dataset_versions (dataset_name, version, content_sha256, artifact_sha256, source, num_rows, profile_json, created_at) VALUES
        ('a', 'v1', 'c1', 'b1', 's', 1, '[]', 100), ('a', 'v2', 'c2', 'b2', 's', 1, '[]', 300)`.execute(db);
      expect((await migrator(db, schema).migrateToLatest()).error).toBeUndefined();
      const rows = await store.db.selectFrom('datasets').select(['name', 'updated_at']).orderBy('name').execute();
      expect(rows.map((r) => [r.name, Number(r.updated_at)])).toEqual([
        ['a', 300],
        ['empty', 50],
      ]);
    } finally {
      await drop();
      await store.close();
    }
  });
});
