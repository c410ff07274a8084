/**
 * When DuckDB's sniffer finds no dialect for a CSV whose delimiter and quotes Keel fixes, the file
 * has a row that does not fit its header. The sniffer does not say which; a read of the file as
 * text, with as many columns as its header line has fields, stops at that row and names its line.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { basename } from 'node:path';
import { invalidArgument, KeelError, readHead } from '../core/index.js';
import { headRows } from './csv-sample.js';
import { quoteString } from './duckdb-sql.js';
import type { ReadOptions } from './read-options.js';
import { rowError, typeStruct } from './source-sql.js';
import { adviceError } from './advice-error.js';
import { assertOneLineEnding } from './csv-line-endings.js';

/**
 * Throws the error that names the first row of the files that does not fit its header line (a
 * field more or less, an unclosed quote), when `error` is the sniffer's "no dialect" and the read
 * finds one; else `error` itself. `options`: the files' read_csv options (csv-sniff.ts).
 */
export async function whyNoDialect(con: DuckDBConnection, error: unknown, files: readonly string[], options: string, read: ReadOptions): Promise<never> {
  if (!isNoDialect(error)) throw error;
  const message = causeMessage(error);
  // Several files: the one the sniffer names, or (it names none after a sample of them, or the
  // plain copy of a gzipped file's first rows) each in turn.
  const named = /Error when sniffing file "(.+?)"/.exec(message)?.[1];
  for (const file of named !== undefined && files.includes(named) ? [named] : files) {
    const fields = (await headRows(file, read, 1))?.[0]?.length;
    if (fields === undefined) continue;
    const columns = typeStruct(Array.from({ length: fields }, (_, i) => ({ name: `c${i}`, duckType: 'VARCHAR' })));
    try {
      await con.run(`SELECT count(*) FROM read_csv(${quoteString(file)}, ${options}, auto_detect = false, columns = ${columns})`);
    } catch (e) {
      const why = rowError((e as Error).message ?? '');
      if (why) throw adviceError('file', (say) => `not a readable CSV file: ${why(say)}`, e);
    }
  }
  // No row found: lines ending in two ways fail the sniffer as such a row does (then read from a
  // copy: csv-line-endings.ts).
  for (const file of files) await assertOneLineEnding(file, read);
  for (const file of files) await assertNoControlBytes(file, read);
  throw error;
}

/**
 * Throws when the head of `file` holds a control byte no text has (not a tab, line break or form
 * feed): binary bytes named .csv, which DuckDB's sniffer took for rows that do not fit a header.
 */
async function assertNoControlBytes(file: string, read: ReadOptions): Promise<void> {
  if (read.encoding?.startsWith('utf-16') || /\.zst$/i.test(file)) return;
  const head = await readHead(file, 64 * 1024);
  const at = head.findIndex((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d);
  if (at < 0) return;
  const hex = head[at]!.toString(16).padStart(2, '0');
  throw invalidArgument('file', `'${basename(file)}' does not look like CSV text: byte ${at + 1} is 0x${hex}, a control character (binary data, or another format?)`);
}

const causeMessage = (error: unknown): string => ((error instanceof KeelError ? error.cause : error) as Error | undefined)?.message ?? '';

/** Whether `error` is DuckDB's sniffer finding no dialect (a row that does not fit the header, among others). */
export const isNoDialect = (error: unknown): boolean => /not possible to automatically detect the CSV parsing dialect/.test(causeMessage(error));

/**
 * The fields of `file`'s header line (its first line after those skipped; given names' count),
 * from its head; undefined where the head cannot be looked at (UTF-16, zstd).
 */
export async function headerFields(file: string, read: ReadOptions): Promise<number | undefined> {
  if (read.names !== undefined) return read.names.length;
  return (await headRows(file, read, 1))?.[0]?.length;
}
