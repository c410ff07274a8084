import { open } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidArgument, KeelError } from '../core/index.js';
import { mapDuckDbType, quoteIdent, quoteString } from './duckdb-sql.js';
import type { LogicalType } from '../core/index.js';

export const DATASET_FORMATS = ['csv', 'parquet', 'json', 'ndjson'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

const EXTENSIONS: readonly [RegExp, DatasetFormat][] = [
  [/\.(csv|tsv|txt)(\.gz|\.zst)?$/i, 'csv'],
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.(ndjson|jsonl)(\.gz)?$/i, 'ndjson'],
  [/\.json(\.gz)?$/i, 'json'],
];

export function isDatasetFormat(f: string): f is DatasetFormat {
  return (DATASET_FORMATS as readonly string[]).includes(f);
}

/** The format given, or the one the file name implies; an unknown one names the known ones. */
export function resolveFormat(path: string, format: string | undefined): DatasetFormat {
  if (format !== undefined) {
    if (!isDatasetFormat(format)) throw invalidArgument('format', `unknown format '${format}' (known: ${DATASET_FORMATS.join(', ')})`);
    return format;
  }
  const hit = EXTENSIONS.find(([re]) => re.test(path));
  if (!hit) throw invalidArgument('format', `cannot tell the format of '${path}' from its name; pass --format (known: ${DATASET_FORMATS.join(', ')})`);
  return hit[1];
}

/** Opens the file once to turn "missing", "a directory" or "unreadable" into a clear error. */
export async function assertReadableFile(path: string): Promise<number> {
  let size: number;
  try {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw invalidArgument('file', `'${path}' is not a regular file`);
      size = st.size;
      // Reading one byte catches EISDIR and permission problems that open() alone may not.
      await fh.read(Buffer.alloc(1), 0, 1, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof KeelError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw invalidArgument('file', `cannot read '${path}' (${code}: ${(e as Error).message})`, e);
  }
  if (size === 0) throw invalidArgument('file', `'${path}' is empty`);
  return size;
}

/**
 * The DuckDB table function that reads the file. CSV always has a header on its first line (as
 * pandas assumes) and a fixed delimiter: left to sniff, DuckDB reads a broken CSV as one text
 * column, or skips the rows above the first one it likes and takes that for the header, instead
 * of failing.
 */
export function sourceSql(path: string, format: DatasetFormat): string {
  const p = quoteString(path);
  switch (format) {
    case 'csv':
      return `read_csv(${p}, header = true, skip = 0, delim = ${/\.tsv(\.gz|\.zst)?$/i.test(path) ? "'\\t'" : "','"}, strict_mode = true)`;
    case 'parquet':
      return `read_parquet(${p})`;
    case 'json':
      return `read_json(${p}, format = 'auto')`;
    case 'ndjson':
      return `read_json(${p}, format = 'newline_delimited')`;
  }
}

export interface SourceColumn {
  readonly name: string;
  readonly duckType: string;
  readonly type: LogicalType;
  readonly storeExpr: string;
}

/** Sniffs the file's columns (DuckDB reads only a sample here) and maps their types. */
export async function describeSource(con: DuckDBConnection, source: string, format: DatasetFormat): Promise<SourceColumn[]> {
  const reader = await runSource(con, `DESCRIBE SELECT * FROM ${source}`, format);
  const rows = reader.getRows();
  if (rows.length === 0) throw invalidArgument('file', 'the file has no columns');
  return rows.map((r) => {
    const name = String(r[0]);
    const duckType = String(r[1]);
    const mapping = mapDuckDbType(duckType);
    if (!mapping) {
      throw new KeelError('INVALID_ARGUMENT', `column '${name}' has type ${duckType}, which Keel datasets cannot hold (supported: numbers, booleans, strings, dates and timestamps)`, { field: `columns.${name}` });
    }
    return { name, duckType, type: mapping.type, storeExpr: `${mapping.storeExpr(name)} AS ${quoteIdent(name)}` };
  });
}

/** Runs SQL that reads the user's file, turning DuckDB's parse errors into INVALID_ARGUMENT. */
export async function runSource(con: DuckDBConnection, sql: string, format: DatasetFormat): ReturnType<DuckDBConnection['runAndReadAll']> {
  try {
    return await con.runAndReadAll(sql);
  } catch (e) {
    throw sourceError(e, format);
  }
}

export function sourceError(e: unknown, format: DatasetFormat): KeelError {
  if (e instanceof KeelError) return e;
  const msg = (e as Error).message ?? String(e);
  // DuckDB's own message names the line and the problem; keep its first lines.
  const short = msg.split('\n').filter((l) => l.trim() !== '').slice(0, 4).join(' ').slice(0, 600);
  // DuckDB's sniffer lists the dialects it tried; what the user needs to hear is the likely cause.
  if (format === 'csv' && /not possible to automatically detect the CSV parsing dialect/.test(msg)) {
    return new KeelError('INVALID_ARGUMENT', "file: not a readable CSV file: its rows do not all have the header's fields (a row with more or fewer fields than the first line, or an unclosed quote?)", { field: 'file', cause: e });
  }
  return new KeelError('INVALID_ARGUMENT', `file: not a readable ${format.toUpperCase()} file: ${short}`, { field: 'file', cause: e });
}
