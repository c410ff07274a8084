import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { isCi, testBackendUrls } from '../core/index.js';
import { openMetadataStore, type MetadataStore } from './metadata-store.js';

export interface TestStore {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<MetadataStore>;
}

/**
 * The metadata backends a conformance suite loops over (STYLE.md, rule 10): SQLite always, and
 * PostgreSQL when KEEL_TEST_POSTGRES_URL is set. In CI it must be set: a missing URL throws
 * rather than silently skipping the PostgreSQL half.
 */
export function testStores(env: NodeJS.ProcessEnv = process.env): TestStore[] {
  const stores: TestStore[] = [
    {
      name: 'sqlite',
      open: () => openMetadataStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'keel-test-')), 'keel.db')}`),
    },
  ];
  const postgres = testPostgresUrl(env);
  if (postgres) {
    stores.push({
      name: 'postgres',
      open: async () => {
        // Each suite gets its own schema, dropped again on close, so runs never see each other's rows.
        const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
        const store = await openMetadataStore(postgres, { schema });
        return {
          ...store,
          async close() {
            await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(store.db).catch(() => undefined);
            await store.close();
          },
        };
      },
    });
  }
  return stores;
}

/**
 * The test PostgreSQL server's URL (KEEL_TEST_POSTGRES_URL), for tests that need the server
 * itself rather than a store on it; undefined locally when it is not set. In CI it must be set:
 * a missing URL throws rather than silently skipping the PostgreSQL tests.
 */
export function testPostgresUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { postgres } = testBackendUrls(env);
  if (!postgres && isCi(env)) throw new Error('KEEL_TEST_POSTGRES_URL is not set in CI: PostgreSQL tests must not be skipped');
  return postgres;
}
