import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { copyFileInto, invalidArgument, makeWorkDir, writeToTarget } from '../core/index.js';
import { isoTimestampSql, openDuckDb, quoteIdent, quoteString } from './duckdb-sql.js';

export const EXPORT_FORMATS = ['parquet', 'csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What an export wrote. */
export interface ExportResult {
  readonly name: string;
  readonly version: string;
  readonly rows: number;
  readonly format: ExportFormat;
  /** The file written, absolute; `-` for a stream (stdout). */
  readonly path: string;
}

const EXTENSIONS: readonly [RegExp, ExportFormat][] = [
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.csv$/i, 'csv'],
  [/\.(ndjson|jsonl)$/i, 'ndjson'],
];

/**
 * The format given, or the one the file name implies; an unknown one names the known ones. A
 * stream (no name: stdout) defaults to CSV, the text a terminal or a pipe to `head` shows.
 */
export function resolveExportFormat(path: string | undefined, format: string | undefined): ExportFormat {
  if (format !== undefined) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw invalidArgument('format', `unknown export format '${format}' (known: ${EXPORT_FORMATS.join(', ')})`);
    return format as ExportFormat;
  }
  if (path === undefined) return 'csv';
  const hit = EXTENSIONS.find(([re]) => re.test(path));
  if (!hit) throw invalidArgument('format', `cannot tell the export format of '${path}' from its name; pass --format (known: ${EXPORT_FORMATS.join(', ')})`);
  return hit[1];
}

/**
 * Writes a stored version's Parquet to `dest` in `format` (Parquet: the stored bytes; CSV with a
 * header; NDJSON, one object per row, timestamps in ISO 8601 with Z). A file path is written as
 * writeToTarget says: a regular file or a new path whole or not at all, a symlink's target, a FIFO
 * or device in place. A stream (stdout) gets the bytes once the export is whole: DuckDB writes
 * CSV and NDJSON to a file, here a temp one in `tmpDir`; the stream is left open.
 */
export async function writeExport(parquetPath: string, dest: string | Writable, format: ExportFormat, tmpDir: string): Promise<void> {
  if (typeof dest === 'string') {
    await writeToTarget(dest, (path, inPlace) => writeAs(parquetPath, path, format, tmpDir, inPlace));
    return;
  }
  if (format === 'parquet') return copyFileInto(parquetPath, dest);
  const work = await makeWorkDir(tmpDir, 'export');
  try {
    const file = join(work, `data.${format}`);
    await writeAs(parquetPath, file, format, work, false);
    await copyFileInto(file, dest);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Writes `path` (a fresh temp file, or a FIFO or device to write in place) in `format`. */
async function writeAs(parquetPath: string, path: string, format: ExportFormat, tmpDir: string, inPlace: boolean): Promise<void> {
  if (format === 'parquet') {
    // A FIFO takes a stream; a file may take a faster copy (a reflink where the file system has them).
    if (inPlace) await pipeline(createReadStream(parquetPath), createWriteStream(path));
    else await copyFile(parquetPath, path);
    return;
  }
  const duck = await openDuckDb(tmpDir);
  try {
    const con = await duck.connect();
    const select = await exportSelect(con, parquetPath, format);
    // DuckDB's own temp file and rename are off: the path is a temp file already, or a FIFO that a rename would replace.
    const options = `${format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT json'}, USE_TMP_FILE false`;
    await con.run(`COPY (${select}) TO ${quoteString(path)} (${options})`);
  } finally {
    duck.close();
  }
}

/**
 * The query whose rows the export writes. NDJSON writes each timestamp as `data head --json` does,
 * ISO 8601 in UTC (2020-03-09T21:34:14.204Z): DuckDB's JSON writer wrote `2020-03-09 21:34:14.204`
 * and `2044-05-29 12:48:13`, which a JSON reader (Keel's add included) takes for text.
 * Milliseconds always, as head shows; microseconds in a column that has a value finer than a
 * millisecond, so that a re-add gives the same values. A CSV of one column writes a missing value
 * as `""`, as pandas' to_csv does: the empty line DuckDB wrote is skipped by a reader (Keel's add,
 * pandas), and the row was lost.
 */
async function exportSelect(con: DuckDBConnection, parquetPath: string, format: 'csv' | 'ndjson'): Promise<string> {
  const source = `read_parquet(${quoteString(parquetPath)})`;
  const columns = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRows().map((r) => ({ name: quoteIdent(String(r[0])), type: String(r[1]) }));
  if (format === 'csv') {
    const only = columns.length === 1 ? columns[0]!.name : undefined;
    return only === undefined ? `SELECT * FROM ${source}` : `SELECT coalesce(CAST(${only} AS VARCHAR), '') AS ${only} FROM ${source}`;
  }
  const stamps = columns.filter((c) => /^TIMESTAMP(_S|_MS|_NS)?$/.test(c.type)).map((c) => c.name);
  if (stamps.length === 0) return `SELECT * FROM ${source}`;
  const fine = (await con.runAndReadAll(`SELECT ${stamps.map((c) => `coalesce(bool_or(epoch_us(${c}) % 1000 <> 0), false)`).join(', ')} FROM ${source}`)).getRows()[0]!;
  const replaced = stamps.map((c, i) => `${isoTimestampSql(c, fine[i] === true)} AS ${c}`);
  return `SELECT * REPLACE (${replaced.join(', ')}) FROM ${source}`;
}
