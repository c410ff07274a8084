/**
 * A CSV line longer than DuckDB reads by default (its max_line_size, 2,000,000 bytes), which pandas
 * reads as any other. A plain or gzipped file (UTF-8, Latin-1 or UTF-16) is looked at beside
 * DuckDB's sniff (csv-line-scan.ts): max_line_size is raised before the read to cover its longest
 * line (scannedLinesRead). A line the look cannot see (zstd, or a row of short lines joined by
 * quoted line breaks) is refused by DuckDB with the line pasted whole (its sniffer as "line 1" wherever it is,
 * and, when it sniffs several parts at once, without the file), but its size said: the sniff and
 * read are then done again with max_line_size raised to cover it (longerLinesRead), up to
 * MAX_LINE_BYTES. A line past that is refused by an error that names the file, the line and its
 * size, in any encoding or compression (the line is found by DuckDB's own read, as Keel cannot
 * look into a UTF-16 or zstd file).
 */
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidArgument, type KeelError } from '../core/index.js';
import { quoteString } from './duckdb-sql.js';
import { GZIP_CHUNK, longestLine, longestLineGzip, type CodeUnit } from './csv-line-scan.js';
import { fileDelimiter, type ReadOptions } from './read-options.js';

/** DuckDB's words for a line past its max_line_size: the limit and the line's bytes. */
const TOO_LONG = /Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+) bytes/;

/**
 * The longest line Keel has DuckDB read: 1 GiB. DuckDB holds a whole line in memory (and a
 * string value past 4 GiB is beyond it); such a line is more often a quote left open than data.
 */
export const MAX_LINE_BYTES = 1 << 30;

/** DuckDB's default max_line_size. */
const DEFAULT_LINE_BYTES = 2_000_000;

/**
 * The read options with max_line_size raised to cover the line `error` says is too long, or
 * undefined for another error, a line past MAX_LINE_BYTES, or a limit already there.
 */
export function longerLinesRead(error: unknown, read: ReadOptions): { read: ReadOptions; message: string } | undefined {
  const found = TOO_LONG.exec(longLineMessage(error) ?? '');
  if (!found) return undefined;
  const size = Number(found[2]);
  const now = read.maxLineSize ?? DEFAULT_LINE_BYTES;
  const next = raisedLimit(size, now);
  if (next === undefined) return undefined;
  const message = `a line is ${bytes(size)} bytes long${asUtf8(read)}, more than the ${bytes(now)} bytes ${now === DEFAULT_LINE_BYTES ? 'DuckDB reads in one line by default' : 'the read allowed in one line'}: read again reading lines of up to ${bytes(next)} bytes`;
  return { read: { ...read, maxLineSize: next }, message };
}

/**
 * The read options with max_line_size raised to cover the longest line of `files` found before
 * any read (csv-line-scan.ts), or undefined when none is longer than DuckDB's default (or longer
 * than MAX_LINE_BYTES: refused as before). Plain and gzipped files are looked at (a gzipped one
 * decompressed as a stream: DuckDB 1.5.6's parallel read of a gzipped file, as of a plain one,
 * left out a long last line without an error, so waiting for its refusal is not enough; so of a
 * UTF-16 one); zstd files are not (Node 20 has no zstd). A long row of short lines (quoted line
 * breaks) is not seen either: those are still read again (longerLinesRead).
 */
export async function scannedLinesRead(files: readonly string[], read: ReadOptions): Promise<{ read: ReadOptions; message: string } | undefined> {
  const text = TEXT[read.encoding ?? 'utf-8'];
  if (read.maxLineSize !== undefined || text === undefined) return undefined;
  // DuckDB measures a line as UTF-8: a line is looked for from 1/grow of the bytes it must have
  // as UTF-8 and taken at grow times its size, an upper bound.
  const { grow, unit } = text;
  const units = (bytes: number): number => Math.floor(bytes / grow / unit) * unit;
  const looked = files.filter((f) => !/\.zst$/i.test(f));
  const scanOf = (f: string): Promise<number> => (/\.gz$/i.test(f) ? longestLineGzip(f, MAX_LINE_BYTES, units(GZIP_CHUNK), unit) : longestLine(f, units(SCAN_BLOCK), MAX_LINE_BYTES, unit));
  let size = 0;
  for (let i = 0; i < looked.length; i += SCANS_AT_ONCE) {
    // A file that cannot be read (or a gzip file that is corrupt) is DuckDB's to report.
    const found = await Promise.all(looked.slice(i, i + SCANS_AT_ONCE).map((f) => scanOf(f).catch(() => 0)));
    size = Math.max(size, ...found);
  }
  const most = Math.ceil(size * grow);
  const next = most > DEFAULT_LINE_BYTES ? raisedLimit(most, DEFAULT_LINE_BYTES) : undefined;
  if (next === undefined) return undefined;
  const long = grow === 1 ? `${bytes(size)} bytes long with its line end` : `${bytes(size)} bytes of ${text.name} long with its line end, up to ${bytes(most)} bytes as UTF-8`;
  const message = `a line is ${long}, more than the ${bytes(DEFAULT_LINE_BYTES)} bytes DuckDB reads in one line by default: read with lines of up to ${bytes(next)} bytes`;
  return { read: { ...read, maxLineSize: next }, message };
}

/**
 * The encodings looked at: the most bytes DuckDB counts (as UTF-8) for each byte of the file (a
 * Latin-1 byte is one or two in UTF-8; a 2-byte UTF-16 unit one to three, a pair of them four),
 * and their code unit.
 */
const TEXT: Record<string, { name: string; grow: number; unit: CodeUnit } | undefined> = {
  'utf-8': { name: 'UTF-8', grow: 1, unit: 1 },
  'latin-1': { name: 'Latin-1', grow: 2, unit: 1 },
  'utf-16': { name: 'UTF-16', grow: 1.5, unit: 2 },
};

/**
 * The scan's block: every line DuckDB refuses by default (its bytes and line end past
 * DEFAULT_LINE_BYTES) holds a whole one.
 */
const SCAN_BLOCK = DEFAULT_LINE_BYTES / 2;

/** A folder's parts looked at at once: most are smaller than a block, and cost one stat. */
const SCANS_AT_ONCE = 8;

/**
 * The limit that covers a line of `size` bytes: the next power of two above it (so that a file of
 * lines growing longer is read again only a few times), at most MAX_LINE_BYTES; undefined past
 * that, or when the limit `now` is not lower.
 */
function raisedLimit(size: number, now: number): number | undefined {
  if (size > MAX_LINE_BYTES || now >= MAX_LINE_BYTES) return undefined;
  const next = Math.min(MAX_LINE_BYTES, 2 ** Math.ceil(Math.log2(size + 1)));
  return next > now ? next : undefined;
}

/** A byte count as the messages write it (3,000,002). */
const bytes = (n: number): string => n.toLocaleString('en-US');

/** DuckDB counts a UTF-16 line's bytes as it decoded them: the messages say so. */
const asUtf8 = (read: ReadOptions): string => (read.encoding === 'utf-16' ? ' as UTF-8' : '');

/** The message of `error` or of the errors it was caused by that says a line is too long, if any. */
function longLineMessage(error: unknown): string | undefined {
  for (let e = error as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.message === 'string' && TOO_LONG.test(e.message)) return e.message;
  }
  return undefined;
}

/**
 * The error naming the file and line that `error` (DuckDB's, or a KeelError caused by it) found
 * longer than DuckDB reads, or undefined for other errors. `files`: those read (one, or the parts).
 */
export async function longLineError(con: DuckDBConnection, error: unknown, files: readonly string[], read: ReadOptions): Promise<KeelError | undefined> {
  const message = longLineMessage(error);
  if (message === undefined) return undefined;
  // DuckDB names the file it read (a plain copy of a sample has the file's name); none when it
  // sniffed several parts at once: then each is read in turn.
  const named = /\n\s*file = (.+)\n/.exec(message)?.[1];
  const file = files.find((f) => f === named) ?? files.find((f) => named !== undefined && basename(f) === basename(named));
  for (const f of file !== undefined ? [file] : files) {
    const found = await lineOf(con, f, read);
    if (found === undefined) continue;
    const limit = Number(found[1]), size = Number(found[2]);
    const utf8 = asUtf8(read);
    const most = limit >= MAX_LINE_BYTES ? `${bytes(MAX_LINE_BYTES)} bytes (1 GiB) Keel reads` : `${bytes(limit)} bytes DuckDB reads`;
    return invalidArgument('file', `not a readable CSV file: line ${found.line} of ${basename(f)} is ${bytes(size)} bytes long${utf8}, more than the ${most} in one line (a quote left open above it, or text that is not CSV? Keel has no option to read longer lines)`, error);
  }
  return undefined;
}

/**
 * Where DuckDB's read of `file` as one column of text stops at a line too long: its line (counted
 * as DuckDB counts rows, the header line among them) and TOO_LONG's match; undefined when it reads.
 * Strict mode off: the fields past the first are passed over, not refused.
 */
async function lineOf(con: DuckDBConnection, file: string, read: ReadOptions): Promise<(RegExpExecArray & { line: number }) | undefined> {
  const delim = quoteString(fileDelimiter(read.delimiter, file));
  const comment = read.comment === undefined ? '' : `, comment = ${quoteString(read.comment)}`;
  const lineSize = read.maxLineSize === undefined ? '' : `, max_line_size = ${read.maxLineSize}`;
  const options = `header = false, delim = ${delim}, quote = '"', escape = '"', strict_mode = false, encoding = '${read.encoding ?? 'utf-8'}'${lineSize}${comment}, auto_detect = false, columns = {'c0': 'VARCHAR'}`;
  try {
    await con.run(`SELECT count(*) FROM read_csv(${quoteString(file)}, ${options})`);
  } catch (e) {
    const text = (e as Error).message ?? '';
    const found = TOO_LONG.exec(text);
    const line = /CSV Error on Line: (\d+)/.exec(text)?.[1];
    if (found && line !== undefined) return Object.assign(found, { line: Number(line) });
  }
  return undefined;
}
