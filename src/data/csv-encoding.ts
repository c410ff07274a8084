/**
 * A UTF-16 CSV read as UTF-8 (or latin-1) fails on a row that seems to lack fields, or reads as
 * garbage; its first bytes tell it: a byte order mark, or a NUL beside each ASCII character.
 * DuckDB's utf-16 reads little-endian text only, so a big-endian file is refused whatever the
 * encoding given (read as utf-16 it was one column of garbage and no rows).
 */
import { basename } from 'node:path';
import { invalidArgument, readHead } from '../core/index.js';
import type { ReadOptions } from './read-options.js';
import { adviceError } from './advice-error.js';

/** The bytes looked at: a header line or two. */
const HEAD_BYTES = 1024;

/** Whether text starts as UTF-16 does, and by what sign; undefined when it does not. */
export function utf16Sign(head: Uint8Array): { order: 'little' | 'big'; by: string } | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return { order: 'little', by: 'it starts with the byte order mark FF FE' };
  if (head[0] === 0xfe && head[1] === 0xff) return { order: 'big', by: 'it starts with the byte order mark FE FF' };
  const pairs = head.length >> 1;
  if (pairs < 2) return undefined;
  let first = 0;
  let second = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) first++;
    if (head[i + 1] === 0) second++;
  }
  // ASCII text in UTF-16 has a NUL in each pair, always on the same side; other characters rarely do.
  const by = 'a NUL byte beside each character';
  if (second >= pairs / 2 && first <= second / 8) return { order: 'little', by };
  if (first >= pairs / 2 && second <= first / 8) return { order: 'big', by };
  return undefined;
}

/** Throws when the CSV looks like UTF-16 text that the encoding given would not read. */
export async function assertNotMisreadUtf16(path: string, read: ReadOptions): Promise<void> {
  // readHead does not decompress zstd: its compressed bytes would be looked at as text.
  if (/\.zst$/i.test(path)) return;
  // A file that cannot be read is DuckDB's to report, as any other.
  const head = await readHead(path, HEAD_BYTES).catch(() => undefined);
  const sign = head && utf16Sign(head);
  if (sign === undefined) return;
  const name = basename(path);
  if (sign.order === 'big') {
    throw invalidArgument('file', `'${name}' looks like UTF-16 big-endian text (${sign.by}), which Keel cannot read: convert it to UTF-8 first (iconv -f UTF-16BE -t UTF-8)`);
  }
  if (read.encoding !== 'utf-16') {
    throw adviceError('file', (say) => `'${name}' looks like UTF-16 text (${sign.by}), not ${read.encoding ?? 'utf-8'}: pass ${say('encoding', 'utf-16')}`);
  }
}

/**
 * Throws when the header's names, as the sniffer read them, hold a NUL: UTF-16 text read as
 * another encoding, in a file whose head assertNotMisreadUtf16 could not look at (zstd). Its
 * names would otherwise reach SQL, whose parser stops at the NUL.
 */
export function assertNoUtf16Names(path: string, names: readonly string[], read: ReadOptions): void {
  if (read.encoding === 'utf-16' || !names.some((n) => n.includes('\0'))) return;
  throw adviceError('file', (say) => `'${basename(path)}' looks like UTF-16 text (a NUL byte in its header's names), not ${read.encoding ?? 'utf-8'}: pass ${say('encoding', 'utf-16')}`);
}
