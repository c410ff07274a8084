import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const { postgres } = testBackendUrls(env);
  if (postgres) {
    stores.push({
      name: 'postgres',
      open: () => openMetadataStore(postgres, { schema: `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}` }),
    });
  } else if (isCi(env)) {
    throw new Error('KEEL_TEST_POSTGRES_URL is not set in CI: PostgreSQL tests must not be skipped');
  }
  return stores;
}
