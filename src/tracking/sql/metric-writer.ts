import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database, RawDriver } from '../../storage/index.js';
import type { MetricPoint } from '../types.js';

type SqliteHandle = RawDriver['database'];
type Statement = BetterSqlite3.Statement<unknown[]>;

const COLUMNS = '(run_id, key, value, is_nan, timestamp, step)';
/** Points per SQLite INSERT: ~600 parameters, short to bind, and 10 statements per full batch. */
const CHUNK = 100;

// An exact duplicate of a stored point is skipped (MLflow's metrics primary key, migration 006).
// OR IGNORE, not ON CONFLICT DO NOTHING: SQLite's upsert path costs ~60% more per row. It would
// also skip a NULL in a NOT NULL column, which cannot reach here: validateBatch checks every point.
const SQLITE_INSERT = (rows: number): string => `INSERT OR IGNORE INTO run_metrics ${COLUMNS} VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`;
// PostgreSQL: the whole batch as five array parameters read with unnest, one short statement.
const PG_ROWS = (first: number): string =>
  `SELECT $1::varchar, * FROM unnest($${first}::varchar[], $${first + 1}::float8[], $${first + 2}::smallint[], $${first + 3}::bigint[], $${first + 4}::bigint[])`;

/** The latest value per key: MLflow's rule, highest step, then timestamp, then value. */
const LATEST = (values: string): string =>
  `INSERT INTO run_latest_metrics ${COLUMNS} ${values} ` +
  `ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step ` +
  `WHERE excluded.step > run_latest_metrics.step OR (excluded.step = run_latest_metrics.step AND (excluded.timestamp > run_latest_metrics.timestamp ` +
  `OR (excluded.timestamp = run_latest_metrics.timestamp AND excluded.value > run_latest_metrics.value)))`;

const FULL_INSERT = SQLITE_INSERT(CHUNK);
const LATEST_ONE = LATEST('VALUES (?, ?, ?, ?, ?, ?)');

const PG_HISTORY = (rows: string): string => `INSERT INTO run_metrics ${COLUMNS} ${rows} ON CONFLICT DO NOTHING`;
/** PostgreSQL inside the caller's transaction (a batch with params or tags): the history, then the latest values. */
const PG_HISTORY_IN_TRX = PG_HISTORY(PG_ROWS(2));
const PG_LATEST_IN_TRX = LATEST(PG_ROWS(2));

/**
 * A batch of metrics alone in ONE PostgreSQL statement (its own transaction): the history and the
 * latest values are written only if the run is active, and the run's stage comes back to check.
 */
const RUN_ACTIVE = `WHERE EXISTS (SELECT 1 FROM run WHERE lifecycle_stage = 'active')`;
const PG_ALONE =
  `WITH run AS (SELECT lifecycle_stage FROM runs WHERE run_id = $1::varchar), ` +
  `history AS (${PG_HISTORY(`${PG_ROWS(2)} ${RUN_ACTIVE}`)}), ` +
  `latest AS (${LATEST(`${PG_ROWS(7)} ${RUN_ACTIVE}`)}) ` +
  `SELECT lifecycle_stage FROM run`;

/**
 * The hot path of metric ingestion: the history rows, then an upsert of the latest value of each
 * key of the batch, inside the caller's write transaction.
 */
export interface MetricWriter {
  write(trx: Kysely<Database>, runId: string, metrics: readonly MetricPoint[]): Promise<void>;
  /**
   * Optional: a batch of metrics alone as its own transaction, in fewer steps than a Kysely
   * transaction (the SDK's background flushes, most log-batch calls). `checkRun` is given the
   * run's lifecycle stage (undefined: no such run) and throws to refuse the batch; nothing of a
   * refused batch is stored.
   */
  writeAlone?(db: Kysely<Database>, runId: string, metrics: readonly MetricPoint[], checkRun: (stage: string | undefined) => void): Promise<void>;
}

export function metricWriterFor(driver: RawDriver | undefined, sqlite: boolean): MetricWriter {
  if (driver?.dialect === 'sqlite') return new SqliteMetricWriter(driver.database);
  if (sqlite) throw new Error('metric writer: a SQLite Kysely instance not opened by openMetadataStore has no driver to write with');
  return new PostgresMetricWriter();
}

/**
 * SQLite through better-sqlite3 statements prepared once: Kysely's SQLite driver prepares every
 * statement anew, and a batch sent as one JSON parameter costs SQLite a JSON parse per row.
 * The statements run on the connection the caller's transaction holds (SQLite has exactly one),
 * so they are part of that transaction.
 */
class SqliteMetricWriter implements MetricWriter {
  private readonly statements = new Map<string, Statement>();
  private readonly args = new Array<unknown>(CHUNK * 6);

  constructor(private readonly database: SqliteHandle) {}

  /** Prepared on first use (the tables may not exist yet when the service is built), then kept. */
  private statement(text: string): Statement {
    let s = this.statements.get(text);
    if (s === undefined) this.statements.set(text, (s = this.database.prepare<unknown[]>(text)));
    return s;
  }

  async writeAlone(db: Kysely<Database>, runId: string, metrics: readonly MetricPoint[], checkRun: (stage: string | undefined) => void): Promise<void> {
    // connection() holds Kysely's lock on SQLite's one connection while the batch runs.
    await db.connection().execute(async () => this.writeAloneNow(runId, metrics, checkRun));
  }

  private writeAloneNow(runId: string, metrics: readonly MetricPoint[], checkRun: (stage: string | undefined) => void): void {
    // IMMEDIATE: take the write lock first, so that writers in other processes queue (write-transaction.ts).
    this.statement('BEGIN IMMEDIATE').run();
    try {
      checkRun((this.statement('SELECT lifecycle_stage FROM runs WHERE run_id = ?').get(runId) as { lifecycle_stage: string } | undefined)?.lifecycle_stage);
      this.writeNow(runId, metrics);
      this.statement('COMMIT').run();
    } catch (e) {
      if (this.database.inTransaction) this.statement('ROLLBACK').run();
      throw e;
    }
  }

  async write(_trx: Kysely<Database>, runId: string, metrics: readonly MetricPoint[]): Promise<void> {
    this.writeNow(runId, metrics);
  }

  /** Synchronous: the caller holds the connection and an open write transaction. */
  writeNow(runId: string, metrics: readonly MetricPoint[]): void {
    for (let start = 0; start < metrics.length; start += CHUNK) {
      const rows = Math.min(CHUNK, metrics.length - start);
      const args = rows === CHUNK ? this.args : new Array<unknown>(rows * 6);
      for (let i = 0; i < rows; i++) {
        const p = metrics[start + i]!;
        const nan = Number.isNaN(p.value);
        const a = i * 6;
        args[a] = runId;
        args[a + 1] = p.key;
        args[a + 2] = nan ? 0 : p.value;
        args[a + 3] = nan ? 1 : 0;
        args[a + 4] = p.timestamp;
        args[a + 5] = p.step;
      }
      this.statement(rows === CHUNK ? FULL_INSERT : SQLITE_INSERT(rows)).run(args);
    }
    const latest = this.statement(LATEST_ONE);
    for (const p of latestPerKey(metrics)) {
      const nan = Number.isNaN(p.value);
      latest.run(runId, p.key, nan ? null : p.value, nan ? 1 : 0, p.timestamp, p.step);
    }
  }
}

class PostgresMetricWriter implements MetricWriter {
  async write(trx: Kysely<Database>, runId: string, metrics: readonly MetricPoint[]): Promise<void> {
    await trx.executeQuery(CompiledQuery.raw(PG_HISTORY_IN_TRX, [runId, ...pgArrays(metrics, '0')]));
    await trx.executeQuery(CompiledQuery.raw(PG_LATEST_IN_TRX, [runId, ...pgArrays(latestPerKey(metrics), 'NULL')]));
  }

  async writeAlone(db: Kysely<Database>, runId: string, metrics: readonly MetricPoint[], checkRun: (stage: string | undefined) => void): Promise<void> {
    const res = await db.executeQuery<{ lifecycle_stage: string }>(CompiledQuery.raw(PG_ALONE, [runId, ...pgArrays(metrics, '0'), ...pgArrays(latestPerKey(metrics), 'NULL')]));
    checkRun(res.rows[0]?.lifecycle_stage);
  }
}

/**
 * The five columns as PostgreSQL array literals, built here in one pass (the driver's generic
 * array encoder costs more than the database's insert of the batch). Keys are quoted and need no
 * escaping (validateKey allows no quote or backslash); ±Infinity are float8 input words; a NaN
 * value is written as `nanValue` with is_nan = 1.
 */
function pgArrays(points: readonly MetricPoint[], nanValue: '0' | 'NULL'): [string, string, string, string, string] {
  const n = points.length;
  const keys = new Array<string>(n);
  const values = new Array<string>(n);
  const nans = new Array<string>(n);
  const timestamps = new Array<number>(n);
  const steps = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const nan = Number.isNaN(p.value);
    keys[i] = `"${p.key}"`; // keys passed validateKey (/^[/\w.\- :]*$/): no quote or backslash to escape
    values[i] = nan ? nanValue : String(p.value); // String(±Infinity) is 'Infinity' / '-Infinity'
    nans[i] = nan ? '1' : '0';
    timestamps[i] = p.timestamp;
    steps[i] = p.step;
  }
  return [`{${keys.join(',')}}`, `{${values.join(',')}}`, `{${nans.join(',')}}`, `{${timestamps.join(',')}}`, `{${steps.join(',')}}`];
}

/** MLflow's "latest": the highest step, then the highest timestamp, then the highest value. */
export function latestPerKey(points: readonly MetricPoint[]): MetricPoint[] {
  const best = new Map<string, MetricPoint>();
  for (const p of points) {
    const b = best.get(p.key);
    if (b === undefined || isLater(p, b)) best.set(p.key, p);
  }
  return [...best.values()];
}

function isLater(a: MetricPoint, b: MetricPoint): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}
