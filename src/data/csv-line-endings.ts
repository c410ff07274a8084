/**
 * A CSV whose lines end some in `\r\n` and some in `\n` alone (files from Windows and Unix joined)
 * is read by pandas; DuckDB reads one kind in a file. Its sniffer finds no dialect when both are in
 * the sampled rows; past them, its read fails (its parser "reached an invalid state", or a quoted
 * value "unterminated" by a `\r`). Only then is the file looked at: when it mixes them, a copy
 * with every line end `\n` is read instead (a `\r\n` inside a quoted value is data, kept). A file
 * added with others is refused, naming a line of each kind.
 */
import { basename } from 'node:path';
import { invalidArgument, readHead } from '../core/index.js';
import { rewrittenCopy, scanFile, type CsvRewrite } from './csv-copy.js';
import type { ReadOptions } from './read-options.js';

/** Bytes of a file looked at for its line endings after the sniffer found no dialect: one read of them. */
const LOOK = 1024 * 1024;

const [CR, LF, QUOTE] = [0x0d, 0x0a, 0x22];

/** Marks the refusal of a file that mixes line endings, for the rewrite to tell it. */
const MIXED = 'mixes line endings';

/**
 * Where a scan of a CSV's bytes is: in quotes or not, after a `\r` outside them (not yet written),
 * on which line (from 1), and the line ends of each kind so far with the first line of each.
 */
interface EndingScan {
  inQuote: boolean;
  cr: boolean;
  line: number;
  crlf: number;
  lf: number;
  firstCrlf?: number;
  firstLf?: number;
}

const newScan = (): EndingScan => ({ inQuote: false, cr: false, line: 1, crlf: 0, lf: 0 });

/**
 * Scans `chunk` on from `scan`. With `out` (a chunk's length and one more), writes there the bytes
 * but for the `\r` of each `\r\n` outside quotes (a `\r` ending the chunk waits for the next), and
 * returns how many; with `stop`, stops once both kinds are found.
 */
function scanEndings(chunk: Buffer, scan: EndingScan, out?: Buffer, stop = false): number {
  let o = 0;
  for (let i = 0; i < chunk.length; i++) {
    const b = chunk[i]!;
    const afterCr = scan.cr;
    scan.cr = false;
    // A lone `\r` is kept as it is.
    if (afterCr && b !== LF && out) out[o++] = CR;
    if (b === QUOTE) scan.inQuote = !scan.inQuote;
    else if (b === CR && !scan.inQuote) {
      scan.cr = true;
      continue;
    } else if (b === LF && !scan.inQuote) {
      if (afterCr) {
        scan.crlf++;
        scan.firstCrlf ??= scan.line;
      } else {
        scan.lf++;
        scan.firstLf ??= scan.line;
      }
      scan.line++;
      if (stop && scan.crlf > 0 && scan.lf > 0) return o;
    }
    if (out) out[o++] = b;
  }
  return o;
}

/** The bytes of `chunks` with each `\r\n` outside quotes written `\n`, counted in `scan`. */
export async function* normalizedEndings(chunks: AsyncIterable<Buffer>, scan: EndingScan = newScan()): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    const out = Buffer.allocUnsafe(chunk.length + 1);
    yield out.subarray(0, scanEndings(chunk, scan, out));
  }
  if (scan.cr) yield Buffer.from([CR]);
}

/** The first line (from 1) that ends in `\r\n` and the first that ends in `\n` alone, outside quotes, in `head`. */
export function lineEndings(head: Buffer): { crlf?: number; lf?: number } {
  const scan = newScan();
  scanEndings(head, scan, undefined, true);
  return { ...(scan.firstCrlf === undefined ? {} : { crlf: scan.firstCrlf }), ...(scan.firstLf === undefined ? {} : { lf: scan.firstLf }) };
}

/** Whether the file (UTF-16 and zstd are not looked at) can be scanned byte by byte here. */
const scannable = (file: string, read: ReadOptions): boolean => !read.encoding?.startsWith('utf-16') && !/\.zst$/i.test(file);

/**
 * Throws when the CSV `file`'s head holds lines ending in `\r\n` beside lines ending in `\n`
 * alone: a file added alone is then read from a copy (LINE_ENDINGS), one of several is refused.
 */
export async function assertOneLineEnding(file: string, read: ReadOptions): Promise<void> {
  if (!scannable(file, read)) return;
  const { crlf, lf } = lineEndings(await readHead(file, LOOK));
  if (crlf === undefined || lf === undefined) return;
  throw invalidArgument(
    'file',
    `'${basename(file)}' ${MIXED}: line ${crlf} ends in \\r\\n (Windows), line ${lf} in \\n alone, which DuckDB cannot read in a file added with others; convert it to one kind (dos2unix or unix2dos), or add it alone`,
  );
}

/** Whether `error` (or one it was caused by) may come of mixed line endings: then the file is looked at. */
function mayMix(error: unknown): boolean {
  for (let e = error as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const m = typeof e.message === 'string' ? e.message : '';
    if (m.includes(MIXED) || m.includes('state machine reached an invalid state')) return true;
    // A quoted value then `\r\n` in a file read as `\n` (or `\n` in one read as `\r\n`).
    if (m.includes('Value with unterminated quote found') && /new_line = \S+ \(Auto-Detected\)/.test(m)) return true;
  }
  return false;
}

/** Whether the CSV `file` has lines of both kinds, looked at up to the first line of the second. */
async function mixes(file: string): Promise<boolean> {
  const scan = newScan();
  return scanFile(file, (chunk) => (scanEndings(chunk, scan, undefined, true), scan.crlf > 0 && scan.lf > 0));
}

/**
 * The copy of a CSV file that mixes line endings with each `\r\n` outside quotes written `\n`
 * (one pass, a chunk at a time; the same lines, so DuckDB's line numbers are the file's), when its
 * sniff or read failed as such a file's does.
 */
export const LINE_ENDINGS: CsvRewrite = {
  name: 'line-endings',
  async copy(error, file, workDir, read) {
    if (!scannable(file, read) || !mayMix(error) || !(await mixes(file))) return undefined;
    const scan = newScan();
    const copy = await rewrittenCopy(file, workDir, 'line-endings', (chunks) => normalizedEndings(chunks, scan));
    // The first line whose end differs from the first line's.
    const line = Math.max(scan.firstCrlf!, scan.firstLf!);
    const count = (n: number) => `${n.toLocaleString('en-US')} line${n === 1 ? '' : 's'}`;
    const message = `line endings are mixed (\\r\\n: ${count(scan.crlf)}, \\n alone: ${count(scan.lf)}; line ${line} is the first to end otherwise than line 1), which DuckDB cannot read in one file: read again from a copy with every line ending in \\n, as pandas reads it`;
    return { file: copy, widening: { message, line } };
  },
};
