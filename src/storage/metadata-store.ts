import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect, type MigrationProvider, type Migration } from 'kysely';
import type pg from 'pg';
import { KeelError, type Logger, silentLogger } from '../core/index.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './tables.js';
import { makeFolderSync } from './make-folder.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * The driver under a store's Kysely instance, for the few hot paths that must skip query building
 * (tracking's metric ingestion: prepared statements kept for the life of the process, since
 * Kysely's SQLite driver prepares every statement anew). SQLite only: on PostgreSQL Kysely's raw
 * queries are already cheap.
 */
export type RawDriver = { readonly dialect: 'sqlite'; readonly database: SqliteDatabase.Database };

// Keyed on the instance's adapter, which Kysely makes once per instance it builds and shares with
// every instance derived from it (withPlugin, withoutPlugins, transactions).
const RAW_DRIVERS = new WeakMap<object, RawDriver>();

/** The raw driver under a Kysely instance made by openMetadataStore, or derived from one. */
export function rawDriverOf(db: Kysely<Database>): RawDriver | undefined {
  return RAW_DRIVERS.get(db.getExecutor().adapter);
}

export interface MetadataStore {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

export interface OpenMetadataStoreOptions {
  readonly logger?: Logger;
  /** PostgreSQL only: a schema to create and use (tests isolate themselves this way). */
  readonly schema?: string;
  /** Skip migrations (tools that only read). Default false. */
  readonly skipMigrations?: boolean;
}

type Pg = typeof pg;

/** How long a SQLite statement waits for another process's lock before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;
/** Tries at migrating a store that other processes may be changing at the same moment (see raced). */
const MIGRATION_ATTEMPTS = 5;
let pgLoading: Promise<Pg> | undefined;

// pg loads on the first PostgreSQL URL only, so SQLite-only commands start without it.
function loadPg(): Promise<Pg> {
  pgLoading ??= import('pg').then(({ default: pg }) => {
    // BIGINT columns hold epoch milliseconds and counts, all well inside 2^53.
    pg.types.setTypeParser(20, (v: string) => Number(v));
    return pg;
  });
  return pgLoading;
}

/** The dialects Keel knows, chosen by URL scheme in this one place (STYLE.md, rule 4). */
const DIALECTS: Record<string, (url: string, o: OpenMetadataStoreOptions) => Promise<{ dialect: DialectName; kysely: Kysely<Database> }>> = {
  sqlite: async (url) => {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') makeFolderSync(dirname(path), 'databaseUrl', "the SQLite database's folder");
    // busy_timeout (set from the start: switching a new file to WAL takes a lock too) makes
    // concurrent processes wait for the write lock instead of failing with SQLITE_BUSY; WAL lets
    // readers run beside the one writer.
    const database = new SqliteDatabase(path === ':memory:' ? ':memory:' : path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    RAW_DRIVERS.set(kysely.getExecutor().adapter, { dialect: 'sqlite', database });
    return { dialect: 'sqlite', kysely };
  },
  postgres: async (url, o) => {
    const pg = await loadPg();
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(o.schema ? { options: `-c search_path=${o.schema}` } : {}),
    });
    // An idle connection the server closes (a restart, a failover, pg_terminate_backend, a proxy's
    // idle timeout) is an 'error' event on the pool, which with no listener ended the process:
    // `keel server` died where /readyz should answer 503 and the next query reconnect.
    pool.on('error', (e) => (o.logger ?? silentLogger).warn({ err: e }, 'an idle metadata database connection was closed; the next query opens another'));
    return { dialect: 'postgres', kysely: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }) };
  },
};

function dialectOf(url: string): string {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  throw new KeelError('INVALID_ARGUMENT', `database url: unknown scheme in '${url}' (known: sqlite:, postgres://)`, { field: 'databaseUrl' });
}

export async function openMetadataStore(url: string, options: OpenMetadataStoreOptions = {}): Promise<MetadataStore> {
  const logger = options.logger ?? silentLogger;
  const name = dialectOf(url);
  if (name === 'postgres' && options.schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new KeelError('INVALID_ARGUMENT', `schema: invalid name '${options.schema}'`, { field: 'schema' });
    const pg = await loadPg();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect().catch((e: unknown) => {
      throw unreachable(url, e);
    });
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    } finally {
      await admin.end();
    }
  }
  const { dialect, kysely } = await DIALECTS[name]!(url, options);
  const store: MetadataStore = { db: kysely, dialect, close: () => kysely.destroy() };
  if (dialect === 'postgres') {
    // A database that is not there, a refused login or a host that does not answer is said so
    // here, not later as a migration that failed (which reads as a problem with the schema).
    try {
      await sql`select 1`.execute(kysely);
    } catch (e) {
      await kysely.destroy();
      throw unreachable(url, e);
    }
  }
  if (!options.skipMigrations) {
    try {
      await migrateToLatest(kysely, logger, dialect === 'postgres' ? options.schema : undefined);
    } catch (e) {
      await kysely.destroy();
      throw e;
    }
  }
  return store;
}

/** UNAVAILABLE for a PostgreSQL server that cannot be used, naming it without its password. */
function unreachable(url: string, e: unknown): KeelError {
  return new KeelError('UNAVAILABLE', `cannot connect to the metadata database${withoutPassword(url)}: ${(e as Error).message ?? e}`, { cause: e });
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return ` ${parsed.toString()}`;
  } catch {
    // The driver's message says what is wrong with it.
    return '';
  }
}

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...MIGRATIONS };
  }
}

export async function migrateToLatest(db: Kysely<Database>, logger: Logger = silentLogger, schema?: string): Promise<void> {
  // Kysely's migrator looks its tables up across all schemas; naming the schema keeps stores
  // that share one PostgreSQL database apart.
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableName: 'keel_migrations',
    migrationLockTableName: 'keel_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  // On SQLite, Kysely's migration lock holds within one process only: two processes opening a
  // new store at once both migrate, and the later fails on a table the other has just made. Its
  // transaction rolled back, so it tries again, and finds those migrations applied. On PostgreSQL
  // another store's schema dropped mid-introspection is tried again the same way (raced).
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Success') logger.debug({ migration: r.migrationName }, 'migration applied');
    }
    if (!error) return;
    if (!raced(error) || attempt >= MIGRATION_ATTEMPTS) throw new KeelError('UNAVAILABLE', `database migration failed: ${(error as Error).message ?? error}`, { cause: error });
    logger.debug({ err: error, attempt }, 'migration raced another process; trying again');
    await new Promise((r) => setTimeout(r, 20 * attempt));
  }
}

/**
 * A migration that failed because another process changed the database under it, and is worth
 * trying again (its transaction rolled back): on SQLite, another process migrating the same new
 * store; on PostgreSQL, another store's schema or table dropped while Kysely's introspection,
 * which looks across all schemas, was reading it (3F000 invalid_schema_name, 42P01
 * undefined_table; seen when test suites drop their schemas beside a migrating store).
 */
function raced(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code ?? '');
  return code.startsWith('SQLITE_') || code === '3F000' || code === '42P01';
}

/** Translates driver errors into domain errors (STYLE.md, rule 5). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
