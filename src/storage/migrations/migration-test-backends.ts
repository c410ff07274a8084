import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { testBackendUrls } from '../../core/index.js';
import { openMetadataStore, type MetadataStore } from '../metadata-store.js';
import { MIGRATIONS } from './index.js';

/** A migrator over the numbered migrations, to stop at one of them and fill rows as it left them. */
export const migrator = (db: Kysely<unknown>, schema?: string): Migrator =>
  new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    migrationTableName: 'keel_migrations',
    migrationLockTableName: 'keel_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });

export interface UnmigratedStore {
  readonly store: MetadataStore;
  readonly schema?: string;
  readonly drop: () => Promise<void>;
}

/** A store with no migration applied on SQLite, and on PostgreSQL (its own schema) when its URL is set. */
export function migrationTestBackends(label: string): { name: string; open: () => Promise<UnmigratedStore> }[] {
  const backends: { name: string; open: () => Promise<UnmigratedStore> }[] = [
    {
      name: 'sqlite',
      open: async () => ({ store: await openMetadataStore(`sqlite:${join(mkdtempSync(join(tmpdir(), `keel-${label}-`)), 'keel.db')}`, { skipMigrations: true }), drop: async () => undefined }),
    },
  ];
  const pgUrl = testBackendUrls().postgres;
  if (pgUrl) {
    backends.push({
      name: 'postgres',
      open: async () => {
        const schema = `${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
        const store = await openMetadataStore(pgUrl, { schema, skipMigrations: true });
        return { store, schema, drop: async () => void (await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(store.db)) };
      },
    });
  }
  return backends;
}
