/**
 * JSON files that are not rows of objects but look readable: a table of columns, as pandas'
 * `to_json()` writes by default (`{"a": {"0": 1, "1": 2}, "b": {...}}`, orient='columns'; its
 * 'index', 'split' and 'table' orients and a dict of lists look alike). DuckDB reads such a file as
 * one row whose values are objects or lists (or fails on one of more than 16 MiB: source-sql.ts), which Keel
 * stored as one row of JSON text; pandas' read_json reads its columns. Such a file is refused
 * here; pandas' shapes are then read as rows (json-table.ts), and the others stay refused, with
 * how to write them as rows.
 */
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidArgument, KeelError, readHead } from '../core/index.js';
import { isNestedType } from './duckdb-sql.js';
import { runSource, sourceError, sourceSql, type SniffedType } from './source-sql.js';

/** The error for a JSON file that is one object of columns. */
export function columnsShapeError(file: string, cause?: unknown): KeelError {
  return invalidArgument(
    'file',
    `'${basename(file)}' is one JSON object of columns or lists ({"a": {"0": 1, ...}, ...}, as pandas' to_json() writes by default), not rows: ` +
      `Keel reads rows, each an object. Write it with df.to_json(path, orient='records', lines=True) (NDJSON) or orient='records' (a JSON array of objects); a single row goes in [ ]`,
    cause,
  );
}

/**
 * Whether `error` refused a JSON file that may be a table of columns (columnsShapeError, or an
 * object past DuckDB's 16 MiB: source-sql.ts), which json-table.ts then reads as rows.
 */
export const mayBeTable = (error: unknown): boolean =>
  error instanceof KeelError && /^file: '[^']*' (is one JSON object of columns or lists|holds a JSON object of more than 16 MiB)/.test(error.message);

/** Whether the (first) file's text starts with `{`: one object, or NDJSON, not an array. */
export async function startsWithObject(file: string): Promise<boolean> {
  const head = await readHead(file, 4096).catch(() => undefined);
  return head !== undefined && /^\s*\{/.test(head.toString('utf8'));
}

/**
 * Throws columnsShapeError when a JSON file (format json, one file) is a single object whose
 * values are all objects or lists: DuckDB declared every column nested, and the read holds one row.
 */
export async function assertRowsShape(con: DuckDBConnection, files: readonly string[], plain: string, declared: readonly SniffedType[]): Promise<void> {
  if (files.length !== 1 || declared.length === 0 || !declared.every((d) => isNestedType(d.duckType) || d.duckType === 'JSON')) return;
  if (!(await startsWithObject(files[0]!))) return;
  const rows = (await con.runAndReadAll(`SELECT count(*) FROM (SELECT 1 FROM ${plain} LIMIT 2)`).catch(() => undefined))?.getRows()[0]?.[0];
  if (Number(rows) === 1) throw columnsShapeError(files[0]!);
}

/**
 * Throws when the (first) file starts with a UTF-8 byte order mark, which JSON does not allow and
 * DuckDB refuses: in an array it took the file for values that are not objects, and in NDJSON it
 * named line 2. pandas refuses it too.
 */
export async function assertNoBom(files: readonly string[]): Promise<void> {
  const head = await readHead(files[0]!, 3).catch(() => undefined);
  if (head?.length === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    const name = basename(files[0]!);
    throw invalidArgument('file', `'${name}' starts with a UTF-8 byte order mark (EF BB BF), which JSON does not allow: remove it (sed -i '1s/^\\xEF\\xBB\\xBF//' ${name}), or have the tool that wrote it write UTF-8 without one`);
  }
}

/**
 * Throws when JSON files hold no rows of objects with fields: DuckDB reads `[]`, blank lines or
 * `[{}]` (no objects, or none with a field) and `[1, 2, 3]` (values, not objects) as one column
 * named `json`. Such a file is refused as an empty one is. (Objects with a field `json` are
 * records: DuckDB reads them with records = true.)
 */
export async function assertRecords(con: DuckDBConnection, files: readonly string[], format: 'json' | 'ndjson', declared: readonly SniffedType[]): Promise<void> {
  if (declared.length !== 1 || declared[0]!.name !== 'json') return;
  try {
    await con.run(`DESCRIBE SELECT * FROM ${sourceSql(files, format, ', records = true')}`);
    return;
  } catch (e) {
    if (!/expected records/.test((e as Error).message)) throw sourceError(e, format);
  }
  const where = files.length === 1 ? `'${basename(files[0]!)}' holds` : `the ${files.length} files hold`;
  // Each value read as JSON text: to_json() of DuckDB's typed value crashed the process (a
  // segmentation fault, leaving the add's temp folder) on lists nested 10,000 deep ([[[...]]]).
  const values = sourceSql(files, format, ", records = false, columns = {'json': 'JSON'}");
  const [other, objects] = (await runSource(con, `SELECT (SELECT "json"::VARCHAR FROM ${values} WHERE json_type("json") <> 'OBJECT' LIMIT 1), (SELECT count(*) FROM ${values} WHERE json_type("json") = 'OBJECT')`, format)).getRows()[0]!;
  if (other !== null) {
    const shown = String(other).length > 40 ? `${String(other).slice(0, 40)}...` : String(other);
    throw invalidArgument('file', `${where} a JSON value that is not an object (${shown}): each row must be an object, {"column": value, ...}`);
  }
  throw invalidArgument('file', Number(objects) > 0 ? `${where} only empty JSON objects ({}): no columns to read` : `${where} no JSON objects: no rows to read`);
}
