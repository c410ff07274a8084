import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidArgument, type LogicalType } from '../core/index.js';
import { unknownColumnHints } from './column-names.js';
import { beyondDouble, isoTimestampSql, quoteIdent, quoteString } from './duckdb-sql.js';
import type { ColumnProfile, DatasetVersion, RowsPage } from './types.js';

export type { RowsPage } from './types.js';

/** Most rows one page returns. */
export const MAX_PAGE_ROWS = 10_000;

export interface RowsOptions {
  readonly limit?: number;
  readonly offset?: number;
  readonly columns?: readonly string[];
}

/**
 * Refuses a column named twice in `columns` (INVALID_ARGUMENT on `columns`): a Table or a page
 * holds a column once, and an add's `--columns i,i` is a slip that would otherwise pass unseen.
 */
export function refuseRepeatedColumns(names: readonly string[]): void {
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw invalidArgument('columns', `column '${repeated}' is listed twice`);
}

/** The named columns of a version (all when none are named), or an error naming a repeated or the unknown ones. */
export function versionColumns(v: Pick<DatasetVersion, 'name' | 'version' | 'columns'>, names: readonly string[] | undefined): readonly ColumnProfile[] {
  if (names === undefined) return v.columns;
  // Refused before anything is read.
  refuseRepeatedColumns(names);
  const byName = new Map(v.columns.map((c) => [c.name, c]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    const known = v.columns.map((c) => c.name);
    throw invalidArgument('columns', `no column ${missing.map((n) => `'${n}'`).join(', ')} in ${v.name}@${v.version}${unknownColumnHints(missing, known)} (columns: ${known.join(', ')})`);
  }
  return names.map((n) => byName.get(n)!);
}

/** Checks limit and offset: whole numbers, the limit at most MAX_PAGE_ROWS. */
export function pageBounds(options: RowsOptions): { limit: number; offset: number } {
  const limit = options.limit ?? 20;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_ROWS) throw invalidArgument('limit', `expected a whole number from 0 to ${MAX_PAGE_ROWS}, got ${limit}`);
  if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('offset', `expected a whole number from 0, got ${offset}`);
  return { limit, offset };
}

/** Reads rows `offset` to `offset + limit` of a stored Parquet, in stored order. */
export async function readRows(
  con: DuckDBConnection,
  parquetPath: string,
  columns: readonly { readonly name: string; readonly type: LogicalType }[],
  bounds: { limit: number; offset: number },
): Promise<RowsPage['rows']> {
  if (columns.length === 0 || bounds.limit === 0) return [];
  const exprs = columns.map((c) => (c.type === 'timestamp' ? isoTimestampSql(quoteIdent(c.name)) : quoteIdent(c.name)));
  const path = quoteString(parquetPath);
  // The row-number filter lets DuckDB skip whole row groups; a data column of that name keeps
  // the plain LIMIT (DuckDB keeps a scan's order).
  const sql = columns.some((c) => c.name.toLowerCase() === 'file_row_number')
    ? `SELECT ${exprs.join(', ')} FROM read_parquet(${path}) LIMIT ${bounds.limit} OFFSET ${bounds.offset}`
    : `SELECT ${exprs.join(', ')} FROM read_parquet(${path}, file_row_number = true) WHERE file_row_number >= ${bounds.offset} AND file_row_number < ${bounds.offset + bounds.limit} ORDER BY file_row_number`;
  const rows = (await con.runAndReadAll(sql)).getRows();
  return rows.map((r) => r.map((v) => (typeof v === 'bigint' ? jsonInt(v) : (v as number | string | boolean | null))));
}

/** An int as a JSON number, or beyond ±2^53 as its decimal string: a JSON number that large is rounded by JavaScript's parser (an ID of 1500000000000000995 came back as ...996). */
const jsonInt = (v: bigint): number | string => (beyondDouble(v) ? v.toString() : Number(v));
