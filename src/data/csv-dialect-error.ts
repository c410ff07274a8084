/**
 * When DuckDB's sniffer finds no dialect for a CSV whose delimiter and quotes Keel fixes, the file
 * has a row that does not fit its header. The sniffer does not say which; a read of the file as
 * text, with as many columns as its header line has fields, stops at that row and names its line.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidArgument, KeelError, readHead } from '../core/index.js';
import { quoteString } from './duckdb-sql.js';
import { isTsv, type ReadOptions } from './read-options.js';
import { rowError, typeStruct } from './source-sql.js';

/** Bytes read to find the header line. */
const HEAD_BYTES = 1 << 20;

/**
 * Throws the error that names the first row of the files that does not fit its header line (a
 * field more or less, an unclosed quote), when `error` is the sniffer's "no dialect" and the read
 * finds one; else `error` itself. `options`: the files' read_csv options (csv-sniff.ts).
 */
export async function whyNoDialect(con: DuckDBConnection, error: unknown, files: readonly string[], options: string, read: ReadOptions): Promise<never> {
  const cause = error instanceof KeelError ? error.cause : error;
  const message = (cause as Error | undefined)?.message ?? '';
  if (!/not possible to automatically detect the CSV parsing dialect/.test(message)) throw error;
  // Several files: the one the sniffer names, or (it names none after a sample of them, or the
  // plain copy of a gzipped file's first rows) each in turn.
  const named = /Error when sniffing file "(.+?)"/.exec(message)?.[1];
  for (const file of named !== undefined && files.includes(named) ? [named] : files) {
    const fields = await headerFields(file, read);
    if (fields === undefined) continue;
    const columns = typeStruct(Array.from({ length: fields }, (_, i) => ({ name: `c${i}`, duckType: 'VARCHAR' })));
    try {
      await con.run(`SELECT count(*) FROM read_csv(${quoteString(file)}, ${options}, auto_detect = false, columns = ${columns})`);
    } catch (e) {
      const why = rowError((e as Error).message ?? '');
      if (why) throw invalidArgument('file', `not a readable CSV file: ${why}`, e);
    }
  }
  throw error;
}

/**
 * The fields of the file's first line (after `skip` lines and comment lines), counted outside
 * quotes; undefined for a zstd or UTF-16 file, or a line longer than HEAD_BYTES.
 */
async function headerFields(path: string, read: ReadOptions): Promise<number | undefined> {
  if (/\.zst$/i.test(path) || read.encoding === 'utf-16') return undefined;
  const head = await readHead(path, HEAD_BYTES).catch(() => undefined);
  if (head === undefined) return undefined;
  // Latin-1 keeps every byte one character, and the delimiter and quote are ASCII.
  const text = head.toString('latin1').replace(/^\xef\xbb\xbf/, '');
  const delimiter = read.delimiter ?? (isTsv(path) ? '\t' : ',');
  let [fields, quoted, skipped] = [1, false, 0];
  for (let i = 0; i < text.length; ) {
    const atLineStart = i === 0 || text[i - 1] === '\n';
    if (atLineStart && !quoted && (skipped < (read.skip ?? 0) || (read.comment !== undefined && text.startsWith(read.comment, i)))) {
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      if (!(read.comment !== undefined && text.startsWith(read.comment, i))) skipped++;
      i = end + 1;
      continue;
    }
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return fields;
    else if (!quoted && text.startsWith(delimiter, i)) {
      fields++;
      i += delimiter.length;
      continue;
    }
    i++;
  }
  return undefined;
}

