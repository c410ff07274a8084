import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { makeTable, type Column, type LogicalType, type Table } from '../core/index.js';
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
    const type = `keel_enum_${i}`;
    await con.run(`CREATE TYPE ${type} AS ENUM (SELECT DISTINCT ${q} FROM ${src} WHERE ${q} IS NOT NULL ORDER BY 1)`);
    // The dictionary is read back from the ENUM itself, so codes and dictionary always agree.
    const values = (await con.runAndReadAll(`SELECT unnest(enum_range(NULL::${type}))`)).getColumns()[0] ?? [];
    dictionaries.set(i, values.map(String));
    exprs.push(`enum_code(${q}::${type})::INTEGER`);
  }
  const sql = exprs.length > 0 ? `SELECT ${exprs.join(', ')} FROM ${src}` : `SELECT count(*) FROM ${src}`;
  const result = (await con.run(sql)) as DuckDBMaterializedResult;
  let numRows = 0;
  for (let k = 0; k < result.chunkCount; k++) numRows += result.getChunk(k).rowCount;
  if (exprs.length === 0) return makeTable([]);
  const out: Column[] = columns.map((c, i): Column => {
    const dict = dictionaries.get(i);
    return dict
      ? { name: c.name, type: 'string', codes: new Int32Array(numRows), dictionary: dict }
      : { name: c.name, type: c.type as Exclude<LogicalType, 'string'>, values: new Float64Array(numRows) };
  });
  let offset = 0;
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const n = chunk.rowCount;
    out.forEach((col, i) => {
      const vector = chunk.getColumnVector(i);
      if (col.type === 'string') {
        const codes = col.codes;
        for (let r = 0; r < n; r++) {
          const v = vector.getItem(r) as number | null;
          codes[offset + r] = v === null ? -1 : v;
        }
      } else {
        const values = col.values;
        for (let r = 0; r < n; r++) {
          const v = vector.getItem(r) as number | null;
          values[offset + r] = v === null ? NaN : v;
        }
      }
    });
    offset += n;
  }
  return makeTable(out);
}
