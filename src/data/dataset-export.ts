import { copyFile, open, rename, rm } from 'node:fs/promises';
import { invalidArgument, newId } from '../core/index.js';
import { openDuckDb, quoteString } from './duckdb-sql.js';

export const EXPORT_FORMATS = ['parquet', 'csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What an export wrote. */
export interface ExportResult {
  readonly name: string;
  readonly version: string;
  readonly rows: number;
  readonly format: ExportFormat;
  readonly path: string;
}

const EXTENSIONS: readonly [RegExp, ExportFormat][] = [
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.csv$/i, 'csv'],
  [/\.(ndjson|jsonl)$/i, 'ndjson'],
];

/** The format given, or the one the file name implies; an unknown one names the known ones. */
export function resolveExportFormat(path: string, format: string | undefined): ExportFormat {
  if (format !== undefined) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw invalidArgument('format', `unknown export format '${format}' (known: ${EXPORT_FORMATS.join(', ')})`);
    return format as ExportFormat;
  }
  const hit = EXTENSIONS.find(([re]) => re.test(path));
  if (!hit) throw invalidArgument('format', `cannot tell the export format of '${path}' from its name; pass --format (known: ${EXPORT_FORMATS.join(', ')})`);
  return hit[1];
}

/**
 * Writes a stored version's Parquet to `dest` in `format` (Parquet: the stored bytes; CSV with a
 * header; NDJSON, one object per row), whole or not at all: into a temp file beside `dest`, renamed
 * over it when complete.
 */
export async function writeExport(parquetPath: string, dest: string, format: ExportFormat, tmpDir: string): Promise<void> {
  const tmp = `${dest}.${newId().slice(0, 12)}.tmp`;
  try {
    // Created here first: a missing or read-only folder is Node's clear error, not DuckDB's.
    await (await open(tmp, 'wx')).close();
    if (format === 'parquet') {
      await copyFile(parquetPath, tmp);
    } else {
      const duck = await openDuckDb(tmpDir);
      try {
        const options = format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT json';
        await (await duck.connect()).run(`COPY (SELECT * FROM read_parquet(${quoteString(parquetPath)})) TO ${quoteString(tmp)} (${options})`);
      } finally {
        duck.close();
      }
    }
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EISDIR') throw invalidArgument('file', `cannot write '${dest}' (${code})`, e);
    throw e;
  }
}
