import { rmSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { makeWorkDir, type LogicalType } from '../core/index.js';

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * One short-lived in-memory DuckDB per operation: nothing is shared between adds and loads, and
 * spills go to a folder of its own in `tmpDir` (Keel's tmp directory), removed on close.
 */
export async function openDuckDb(tmpDir: string): Promise<{ instance: DuckDBInstance; connect(): Promise<DuckDBConnection>; interrupt(): void; close(): void }> {
  // Loaded on first use: `keel --help` or `keel data ls` need not pay ~100 ms for DuckDB.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  // No rewrite of a long IN list into a join (DuckDB's in_clause optimizer): the NA-spelling test
  // of a text-read column (`x IN ('', '#N/A', ...)`, csv-columns.ts) then made a mark join, and a
  // read of several CSV files through it wrote their rows out of file order (tiny first parts last,
  // in most runs of a test).
  // A folder of its own for the spill files: DuckDB names them by a counter
  // (duckdb_temp_storage_S32K-0.tmp), so two processes' met in a shared folder, and a closing
  // DuckDB removes every duckdb_temp_ file in its folder, another live one's too. A killed
  // process's folder is removed by the next one made (makeWorkDir).
  const spill = await makeWorkDir(tmpDir, 'duckdb');
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(':memory:', { temp_directory: spill, disabled_optimizers: 'in_clause' });
  } catch (e) {
    rmSync(spill, { recursive: true, force: true });
    throw e;
  }
  // Parquet footers parsed once per file, not once per read_parquet: the statistics read one file
  // in hundreds of subqueries, and a 2,000-column footer took ~4 ms to parse each time. (Not a
  // create option: the parquet extension is not loaded yet then.)
  const setup = await instance.connect();
  await setup.run('SET GLOBAL parquet_metadata_cache = true');
  // Times in UTC whatever the machine's zone (TZ): a TIMESTAMPTZ (a stored time with an offset,
  // `12:00:00+02:00`) cast to TIMESTAMP or to text goes by the session's zone, which DuckDB takes
  // from the machine, and Keel's timestamps are UTC. (Not a create option: ICU is not loaded then.)
  await setup.run("SET GLOBAL TimeZone = 'UTC'");
  setup.closeSync();
  const connections: DuckDBConnection[] = [];
  return {
    instance,
    async connect() {
      const c = await instance.connect();
      connections.push(c);
      // Progress tracking on (its printing off): without it a query's progress reads -1
      // throughout, and `keel data add`'s bar jumped from 0 to 60 % when the read ended.
      await c.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
      return c;
    },
    /** Stops the running query of every connection (it fails with DuckDB's INTERRUPT error). */
    interrupt() {
      for (const c of connections) c.interrupt();
    },
    close() {
      for (const c of connections) c.closeSync();
      instance.closeSync();
      rmSync(spill, { recursive: true, force: true });
    },
  };
}

/** A DuckDB MAP value's entries (none when it is NULL, as histogram() of no rows is). */
export function mapEntries(v: unknown): readonly { key: unknown; value: unknown }[] {
  return (v as { entries?: { key: unknown; value: unknown }[] } | null)?.entries ?? [];
}

/** How a DuckDB column type is stored (the cast into the Parquet) and which logical type it is. */
export interface TypeMapping {
  readonly type: LogicalType;
  /** SQL that turns the source column into the stored one. */
  readonly storeExpr: (col: string) => string;
}

/** A TIMESTAMP as the rows' JSON gives it, ISO 8601 in UTC with milliseconds (`2020-03-09T21:34:14.204Z`), or microseconds with `micros`. */
export const isoTimestampSql = (expr: string, micros = false): string => `strftime(${expr}, '%Y-%m-%dT%H:%M:%S.${micros ? '%f' : '%g'}Z')`;

/** Whether a DOUBLE cannot hold the integer exactly (beyond ±(2^53 - 1)): statistics, rows and reads treat such ints apart. */
export const beyondDouble = (v: bigint): boolean => v > MAX_EXACT || v < -MAX_EXACT;
/** Digits every integer of which a DOUBLE holds exactly: 15 (2^53 has 16), so a plain integer of up to 15 needs no beyondDouble. */
export const EXACT_DIGITS = 15;
/** beyondDouble's bound in SQL: whether the integer `expr` is one a DOUBLE holds exactly. */
export const exactInDoubleSql = (expr: string): string => `${expr} BETWEEN ${-MAX_EXACT} AND ${MAX_EXACT}`;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** DuckDB's integer types that a BIGINT holds. */
const INT_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER']);
/** DuckDB's wider integer types. */
const WIDE_INT_TYPES = new Set(['HUGEINT', 'UBIGINT', 'UHUGEINT']);
/** A DuckDB integer type, of any width. */
export const isIntegerType = (t: string): boolean => INT_TYPES.has(t) || WIDE_INT_TYPES.has(t);
/** A DuckDB type of numbers with a fraction. */
export const isFractionalType = (t: string): boolean => t === 'FLOAT' || t === 'DOUBLE' || t.startsWith('DECIMAL');
const TIMESTAMP_TYPES = new Set(['DATE', 'TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ']);
const STRING_LIKE = new Set(['VARCHAR', 'UUID', 'TIME', 'INTERVAL', 'JSON', 'TIME WITH TIME ZONE']);

/** A DuckDB struct, map, union or list type. */
export const isNestedType = (t: string): boolean => /^(STRUCT|MAP|UNION)\(/i.test(t) || /\[\d*\]$/.test(t);

/**
 * SQL that fails a read with a mark a widening finds again (misfitValue): `kind`, the column, and
 * the value `x` as text. (A CSV's checks mark theirs by column position: csv-columns.ts.)
 */
export const misfitSql = (kind: string, column: string, x: string): string => `error(${quoteString(`keel-${kind}:${column}:`)} || ${x}::VARCHAR)`;

/** The value a read failed on by misfitSql's mark of `kind` and `column`, as DuckDB made it text; undefined for another error. */
export function misfitValue(message: string, kind: string, column: string): string | undefined {
  const mark = `keel-${kind}:${column}:`;
  const at = message.indexOf(mark);
  return at < 0 ? undefined : message.slice(at + mark.length).split(/\s/)[0];
}

/** misfitSql's kind for a column of a wider integer type holding a value beyond BIGINT. */
export const BEYOND_INT = 'beyond-int';

/** Maps a DuckDB type name; undefined when Keel cannot store it (nested, binary). */
export function mapDuckDbType(duckType: string): TypeMapping | undefined {
  const t = duckType.toUpperCase();
  const id = (c: string) => quoteIdent(c);
  // A nested value (a Parquet struct or list, DECIMAL(9,2)[] say) is its JSON text, as pandas keeps
  // it in an object column. (A JSON file's nested fields are read as JSON, their own text: source-reader.ts.)
  if (isNestedType(t)) return { type: 'string', storeExpr: (c) => `to_json(${id(c)})::VARCHAR` };
  if (t === 'BOOLEAN') return { type: 'bool', storeExpr: id };
  if (t === 'BIGINT') return { type: 'int', storeExpr: id };
  if (INT_TYPES.has(t)) return { type: 'int', storeExpr: (c) => `${id(c)}::BIGINT` };
  // A wider integer (a Parquet UBIGINT, a JSON number beyond 2^63) is an int while its values fit
  // one; one that does not stops the read, and the column is read again as its exact text
  // (source-reader.ts), as a CSV column of such numbers is.
  if (WIDE_INT_TYPES.has(t)) {
    return { type: 'int', storeExpr: (c) => `CASE WHEN ${id(c)} IS NULL THEN NULL WHEN ${id(c)} BETWEEN ${-(2n ** 63n)} AND ${2n ** 63n - 1n} THEN ${id(c)}::BIGINT ELSE ${misfitSql(BEYOND_INT, c, id(c))} END` };
  }
  if (isFractionalType(t)) {
    // NaN counts as missing everywhere in Keel (as in pandas), and so do ±Infinity (pandas'
    // `use_inf_as_na`): no statistic, JSON value or learner has a use for them. Stored as NULL.
    return { type: 'float', storeExpr: (c) => `CASE WHEN isfinite(${id(c)}::DOUBLE) THEN ${id(c)}::DOUBLE END` };
  }
  if (t === 'TIMESTAMP' || t === 'TIMESTAMP WITH TIME ZONE' || t === 'TIMESTAMPTZ') return { type: 'timestamp', storeExpr: id };
  if (TIMESTAMP_TYPES.has(t)) return { type: 'timestamp', storeExpr: (c) => `${id(c)}::TIMESTAMP` };
  // DuckDB's JSON reader types a field whose values mix types as JSON: a string value is then
  // stored as itself, not as its JSON text with quotes (pandas' object column holds `x`, not `"x"`).
  if (t === 'JSON') return { type: 'string', storeExpr: (c) => `json_extract_string(${id(c)}, '$')` };
  if (STRING_LIKE.has(t) || t.startsWith('ENUM')) return { type: 'string', storeExpr: t === 'VARCHAR' ? id : (c) => `${id(c)}::VARCHAR` };
  return undefined;
}

/**
 * The column as a DOUBLE for statistics and for the Table (timestamps as epoch ms, their
 * microseconds floored as `data head` and a JS Date drop them: DuckDB's epoch_ms truncates toward
 * zero, which made 1969-12-31 23:59:59.999999 the epoch itself).
 */
export const numericExpr = (col: string, type: LogicalType): string => numericOf(quoteIdent(col), type);

/** A value of the column's stored type as numericExpr makes it. */
export function numericOf(expr: string, type: LogicalType): string {
  if (type === 'timestamp') return `epoch_ms(date_trunc('millisecond', ${expr}))::DOUBLE`;
  return `(${expr})::DOUBLE`;
}

/** The stored DuckDB type of a logical type (what storeExpr makes). */
export const STORED_TYPE: Readonly<Record<LogicalType, string>> = { int: 'BIGINT', float: 'DOUBLE', bool: 'BOOLEAN', timestamp: 'TIMESTAMP', string: 'VARCHAR' };
