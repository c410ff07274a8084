import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { KeelError, silentLogger, type LogicalType } from '../core/index.js';
import { LocalArtifactStore, openMetadataStore, type MetadataStore } from '../storage/index.js';
import { DatasetService, type DatasetServiceHooks } from './dataset-service.js';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import { profileParquet, type ProfileLimits } from './profile.js';

export interface TestService {
  readonly service: DatasetService;
  readonly dir: string;
  readonly artifactsDir: string;
  /** Every blob file in the artifact store (not counting its tmp/ folder). */
  blobs(): string[];
}

/** Test settings of a service: `plainCsvMinBytes: Infinity` for tests of DuckDB's reading of files the JS path would read (plain-csv-read.ts). */
export interface TestServiceOptions {
  readonly plainCsvMinBytes?: number;
}

export function makeTestService(store: MetadataStore, hooks?: DatasetServiceHooks, options: TestServiceOptions = {}): TestService {
  const dir = mkdtempSync(join(tmpdir(), 'keel-data-'));
  const artifactsDir = join(dir, 'artifacts');
  const service = new DatasetService({ db: store.db, artifacts: new LocalArtifactStore(artifactsDir), logger: silentLogger, tmpDir: join(dir, 'tmp'), ...(hooks ? { hooks } : {}), ...options });
  return {
    service,
    dir,
    artifactsDir,
    blobs: () =>
      readdirSync(artifactsDir)
        .filter((d) => d !== 'tmp' && statSync(join(artifactsDir, d)).isDirectory())
        .flatMap((d) => readdirSync(join(artifactsDir, d)).map((f) => d + f)),
  };
}

/**
 * A TestService on a fresh in-memory SQLite store for the tests of the describe block that calls
 * it: made in its beforeAll, closed in its afterAll (its fields are there once the tests run).
 */
export function sqliteTestService(options: TestServiceOptions = {}): TestService {
  let store: MetadataStore | undefined;
  let made: TestService | undefined;
  beforeAll(async () => {
    store = await openMetadataStore('sqlite::memory:');
    made = makeTestService(store, undefined, options);
  });
  afterAll(async () => store?.close());
  const ready = (): TestService => {
    if (!made) throw new Error('the test service is made in beforeAll: use it inside a test');
    return made;
  };
  return {
    get service() { return ready().service; },
    get dir() { return ready().dir; },
    get artifactsDir() { return ready().artifactsDir; },
    blobs: () => ready().blobs(),
  };
}

/** Awaits `p`, expecting it to fail with a KeelError of `code` whose message matches `pattern`. */
export async function expectKeelError(p: Promise<unknown>, code: string, pattern: RegExp): Promise<KeelError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(KeelError);
  expect((e as KeelError).code).toBe(code);
  expect((e as KeelError).message).toMatch(pattern);
  return e as KeelError;
}

/** Profiles the Parquet that DuckDB writes from a query, as the given columns. */
export async function profileQuery(select: string, columns: { name: string; type: LogicalType }[], limits: ProfileLimits, onProgress?: (done: number, total: number) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'keel-profile-'));
  const duck = await openDuckDb(dir);
  try {
    const con = await duck.connect();
    const parquet = join(dir, 'p.parquet');
    await con.run(`COPY (${select}) TO ${quoteString(parquet)} (FORMAT parquet)`);
    return await profileParquet([con, await duck.connect()], parquet, columns, limits, onProgress);
  } finally {
    duck.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
