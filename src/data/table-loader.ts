import type { DuckDBConnection } from '@duckdb/node-api';
import { makeTable, newId, type Column, type LogicalType, type Table } from '../core/index.js';
import { numericExpr, quoteIdent, quoteString } from './duckdb-sql.js';

export interface LoadColumn {
  readonly name: string;
  readonly type: LogicalType;
}

/**
 * Reads a stored Parquet into the core Table, column by column from DuckDB's result chunks (no
 * row objects). Strings are dictionary-encoded inside DuckDB: each string column is cast to an
 * ENUM of its sorted distinct values and read back as integer codes, so no per-row JS string is
 * made.
 */
export async function loadParquetTable(con: DuckDBConnection, parquetPath: string, columns: readonly LoadColumn[]): Promise<Table> {
  const src = `read_parquet(${quoteString(parquetPath)})`;
  const dictionaries = new Map<number, string[]>();
  const exprs: string[] = [];
  for (const [i, c] of columns.entries()) {
    if (c.type !== 'string') {
      exprs.push(numericExpr(c.name, c.type));
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
  if (exprs.length === 0) return makeTable([]);
  const out: Column[] = columns.map((c, i): Column => {
    const dict = dictionaries.get(i);
    return dict
      ? { name: c.name, type: 'string', codes: new Int32Array(numRows), dictionary: dict }
      : { name: c.name, type: c.type as Exclude<LogicalType, 'string'>, values: new Float64Array(numRows) };
  });
  const result = await con.stream(`SELECT ${exprs.join(', ')} FROM ${src}`);
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
  return makeTable(out);
}

interface RawVector {
  readonly items?: unknown;
  readonly validity?: { readonly data?: BigUint64Array | null; readonly offset?: number };
  getItem(i: number): unknown;
}

/**
 * The first `length` numbers of a DOUBLE vector without NULLs among them (a list's values, say), as
 * a view on DuckDB's own memory where the package exposes it (as copyVector reads it), valid while
 * the result is; else copied by getItem.
 */
export function doublesOf(vector: unknown, length: number): Float64Array {
  const v = vector as RawVector;
  if (v.items instanceof Float64Array && v.items.length >= length) return v.items.subarray(0, length);
  return Float64Array.from({ length }, (_, r) => Number(v.getItem(r)));
}

/**
 * Copies one chunk's column into `out` at `offset`, `missing` where the value is NULL. The fast
 * path reads the vector's typed array and validity bitmap directly (the node-api's getItem tests
 * each bit with BigInt arithmetic, about 10x slower); it falls back to getItem if the package's
 * vector internals ever change.
 */
function copyVector(vector: unknown, out: Float64Array | Int32Array, offset: number, n: number, missing: number): void {
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
