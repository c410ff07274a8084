import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidArgument, makeTable, newId, type Column, type LogicalType, type Table } from '../core/index.js';
import { exactInDoubleSql, misfitSql, misfitValue, numericExpr, quoteIdent, quoteString } from './duckdb-sql.js';

export interface LoadColumn {
  readonly name: string;
  readonly type: LogicalType;
}

export interface LoadTableOptions {
  /** The columns to load, in this order (default all). */
  readonly columns?: readonly string[];
  /**
   * What an int beyond ±(2^53 - 1) (a snowflake ID), which a Float64Array cannot hold exactly,
   * does: `'error'` (the default) fails the load naming the column, so no value is rounded
   * unseen; `'nearest'` loads the nearest double, enough for statistics, drift and trees.
   */
  readonly largeInts?: 'error' | 'nearest';
}

/**
 * Refuses options a caller got wrong (from JavaScript or JSON, which no type checks), naming the
 * option, before anything is read: a `largeInts` of another spelling read as 'error' unseen, and
 * `columns: 'age'` failed with a TypeError.
 */
export function checkLoadTableOptions(options: LoadTableOptions): void {
  const { columns, largeInts } = options;
  if (columns !== undefined && (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string'))) {
    throw invalidArgument('columns', `expected a list of column names, got ${JSON.stringify(columns)}`);
  }
  if (largeInts !== undefined && largeInts !== 'error' && largeInts !== 'nearest') {
    throw invalidArgument('largeInts', `expected 'error' or 'nearest', got ${JSON.stringify(largeInts)}`);
  }
}

/** misfitSql's kind for an int beyond ±(2^53 - 1) in a load that does not round it. */
const BEYOND_DOUBLE = 'beyond-double';

/** The int column as a DOUBLE, failing on a value it would round unless `nearest`. */
function intExpr(name: string, largeInts: LoadTableOptions['largeInts']): string {
  if (largeInts === 'nearest') return numericExpr(name, 'int');
  const q = quoteIdent(name);
  return `CASE WHEN ${exactInDoubleSql(q)} THEN ${q}::DOUBLE WHEN ${q} IS NOT NULL THEN ${misfitSql(BEYOND_DOUBLE, name, q)} END`;
}

/** The KeelError for a load that met an int beyond 2^53 (intExpr's mark), else `e` itself. */
function largeIntError(e: unknown, columns: readonly LoadColumn[]): unknown {
  const message = e instanceof Error ? e.message : String(e);
  for (const c of columns) {
    const value = c.type === 'int' ? misfitValue(message, BEYOND_DOUBLE, c.name) : undefined;
    if (value === undefined) continue;
    return invalidArgument(
      'largeInts',
      `column '${c.name}' holds ${value}, an int beyond ±2^53 that a Float64Array cannot hold exactly: pass { largeInts: 'nearest' } to load the nearest double, leave the column out with { columns }, or add the file again with --type ${c.name}=string to keep its exact text`,
      e,
    );
  }
  return e;
}

/**
 * Reads a stored Parquet into the core Table, column by column from DuckDB's result chunks (no
 * row objects). Strings are dictionary-encoded inside DuckDB: each string column is cast to an
 * ENUM of its sorted distinct values and read back as integer codes, so no per-row JS string is
 * made.
 */
export async function loadParquetTable(con: DuckDBConnection, parquetPath: string, columns: readonly LoadColumn[], options: Pick<LoadTableOptions, 'largeInts'> = {}): Promise<Table> {
  const src = `read_parquet(${quoteString(parquetPath)})`;
  const dictionaries = new Map<number, string[]>();
  const exprs: string[] = [];
  for (const [i, c] of columns.entries()) {
    if (c.type !== 'string') {
      exprs.push(c.type === 'int' ? intExpr(c.name, options.largeInts) : numericExpr(c.name, c.type));
      continue;
    }
    const q = quoteIdent(c.name);
    const type = `keel_enum_${newId().slice(0, 12)}_${i}`;
    await con.run(`CREATE TYPE ${type} AS ENUM (SELECT DISTINCT ${q} FROM ${src} WHERE ${q} IS NOT NULL ORDER BY 1)`);
    // The dictionary is read back from the ENUM itself, so codes and dictionary always agree.
    const values = (await con.runAndReadAll(`SELECT unnest(enum_range(NULL::${type}))`)).getColumns()[0] ?? [];
    dictionaries.set(i, values.map(String));
    exprs.push(`enum_code(${q}::${type})::INTEGER`);
  }
  // The row count from the Parquet footer; the values streamed a chunk at a time (DuckDB does not
  // hold them all while JS copies them, and each chunk is fetched once).
  const numRows = Number((await con.runAndReadAll(`SELECT count(*) FROM ${src}`)).getRows()[0]![0]);
  // No column asked for: the Table still says how many rows the version has (makeTable would say 0).
  if (exprs.length === 0) return { numRows, columns: [] };
  const out: Column[] = columns.map((c, i): Column => {
    const dict = dictionaries.get(i);
    return dict
      ? { name: c.name, type: 'string', codes: new Int32Array(numRows), dictionary: dict }
      : { name: c.name, type: c.type as Exclude<LogicalType, 'string'>, values: new Float64Array(numRows) };
  });
  try {
    await copyRows(con, `SELECT ${exprs.join(', ')} FROM ${src}`, out, numRows);
  } catch (e) {
    throw largeIntError(e, columns);
  }
  return makeTable(out);
}

/** Streams the query's rows into the columns `out`, a chunk at a time. */
async function copyRows(con: DuckDBConnection, sql: string, out: readonly Column[], numRows: number): Promise<void> {
  const result = await con.stream(sql);
  let offset = 0;
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const n = chunk.rowCount;
    if (offset + n > numRows) throw new Error(`the Parquet holds more rows than its footer's ${numRows}`);
    out.forEach((col, i) => {
      const vector = chunk.getColumnVector(i);
      if (col.type === 'string') copyVector(vector, col.codes, offset, n, -1);
      else copyVector(vector, col.values, offset, n, NaN);
    });
    offset += n;
  }
  if (offset !== numRows) throw new Error(`the Parquet holds ${offset} rows, its footer says ${numRows}`);
}

interface RawVector {
  readonly items?: unknown;
  readonly validity?: { readonly data?: BigUint64Array | null; readonly offset?: number };
  getItem(i: number): unknown;
}

/**
 * Copies one chunk's column into `out` at `offset`, `missing` where the value is NULL. The fast
 * path reads the vector's typed array and validity bitmap directly (the node-api's getItem tests
 * each bit with BigInt arithmetic, about 10x slower); it falls back to getItem if the package's
 * vector internals ever change.
 */
export function copyVector(vector: unknown, out: Float64Array | Int32Array, offset: number, n: number, missing: number): void {
  const v = vector as RawVector;
  const items = v.items;
  const fast = (items instanceof Float64Array && out instanceof Float64Array) || (items instanceof Int32Array && out instanceof Int32Array);
  if (!fast || (v.validity?.offset ?? 0) !== 0 || (items as Float64Array | Int32Array).length < n) {
    for (let r = 0; r < n; r++) {
      const x = v.getItem(r) as number | null;
      out[offset + r] = x === null ? missing : x;
    }
    return;
  }
  const typed = items as Float64Array | Int32Array;
  out.set(typed.subarray(0, n), offset);
  const bits = v.validity?.data;
  if (!bits) return;
  const bytes = new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  // A byte at a time: most bytes say eight valid values, and those cost one comparison.
  for (let b = 0, end = (n + 7) >> 3; b < end; b++) {
    const byte = bytes[b]!;
    if (byte === 0xff) continue;
    for (let r = b << 3, last = Math.min(n, r + 8), bit = 1; r < last; r++, bit <<= 1) if ((byte & bit) === 0) out[offset + r] = missing;
  }
}
