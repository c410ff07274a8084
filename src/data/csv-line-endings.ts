/**
 * A CSV whose lines end some in `\r\n` and some in `\n` alone (lines pasted from a Windows file
 * into a Unix one) is read by pandas; DuckDB's sniffer finds no dialect for it and said only that
 * its rows did not fit the header, naming no line. Once that error is met, the head of the file
 * is looked at for both kinds, so the error can say what is wrong and where.
 */
import { basename } from 'node:path';
import { invalidArgument, readHead } from '../core/index.js';
import type { ReadOptions } from './read-options.js';

/** Bytes of a file looked at for its line endings: the error path only, so one read of them. */
const LOOK = 1024 * 1024;

const [CR, LF, QUOTE] = [0x0d, 0x0a, 0x22];

/** The first line (from 1) that ends in `\r\n` and the first that ends in `\n` alone, outside quotes, in `head`. */
export function lineEndings(head: Buffer): { crlf?: number; lf?: number } {
  const found: { crlf?: number; lf?: number } = {};
  let line = 1;
  let inQuote = false;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === QUOTE) inQuote = !inQuote;
    else if (b === LF && !inQuote) {
      if (i > 0 && head[i - 1] === CR) found.crlf ??= line;
      else found.lf ??= line;
      if (found.crlf !== undefined && found.lf !== undefined) break;
      line++;
    }
  }
  return found;
}

/** Throws when the CSV `file`'s head holds lines ending in `\r\n` beside lines ending in `\n` alone. */
export async function assertOneLineEnding(file: string, read: ReadOptions): Promise<void> {
  // UTF-16 is read by its 2-byte units, zstd not at all here: left to the error as it was.
  if (read.encoding?.startsWith('utf-16') || /\.zst$/i.test(file)) return;
  const { crlf, lf } = lineEndings(await readHead(file, LOOK));
  if (crlf === undefined || lf === undefined) return;
  throw invalidArgument(
    'file',
    `'${basename(file)}' mixes line endings: line ${crlf} ends in \\r\\n (Windows), line ${lf} in \\n alone, which DuckDB cannot read in one file; convert it to one kind (dos2unix or unix2dos)`,
  );
}
