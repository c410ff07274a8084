/**
 * A CSV whose lines end in more than one way, `\r\n` (Windows), `\n` alone (Unix) and `\r` alone
 * (old Mac), as files joined from several sources do, is read by pandas, whose C parser ends a
 * line at any of them outside quotes; DuckDB reads one kind in a file. Its sniffer finds no
 * dialect when two are in the sampled rows; past them, its read fails (its parser "reached an
 * invalid state", or a quoted value "unterminated" by a `\r`). Only then is the file looked at:
 * when it mixes them, a copy with every line end `\n` is read instead (a `\r` or `\n` inside a
 * quoted value is data, kept). Of several files (a folder's parts), each that mixes them is read
 * from its own copy, the others as they are.
 */
import { basename, join } from 'node:path';
import { invalidArgument, readHead } from '../core/index.js';
import { rewrittenCopy, scanFile, type CsvRewrite } from './csv-copy.js';
import type { ReadOptions } from './read-options.js';

/** Bytes of a file looked at for its line endings after the sniffer found no dialect: one read of them. */
const LOOK = 1024 * 1024;

const CR = 0x0d, LF = 0x0a, QUOTE = 0x22;

/** Marks the error of a file that mixes line endings, for the rewrite to tell it. */
const MIXED = 'mixes line endings';

/** The kinds of line end, in the order they are said. */
const KINDS = ['crlf', 'lf', 'cr'] as const;
type Kind = (typeof KINDS)[number];

/** How each kind is named in a note, and in an error. */
const SAID: Record<Kind, string> = { crlf: '\\r\\n', lf: '\\n alone', cr: '\\r alone' };
const NAMED: Record<Kind, string> = { crlf: '\\r\\n (Windows)', lf: '\\n alone', cr: '\\r alone (old Mac)' };

/**
 * Where a scan of a CSV's bytes is: in quotes or not, after a `\r` outside them (its kind told
 * by the next byte), on which line (from 1), and the line ends of each kind so far with the first
 * line of each.
 */
interface EndingScan {
  inQuote: boolean;
  cr: boolean;
  line: number;
  counts: Record<Kind, number>;
  first: Partial<Record<Kind, number>>;
}

const newScan = (): EndingScan => ({ inQuote: false, cr: false, line: 1, counts: { crlf: 0, lf: 0, cr: 0 }, first: {} });

/** The kinds of line end a scan has found. */
const found = (scan: EndingScan): Kind[] => KINDS.filter((k) => scan.counts[k] > 0);

/** Counts a line end of `kind` ending the scan's line. */
function ended(scan: EndingScan, kind: Kind): void {
  scan.counts[kind]++;
  scan.first[kind] ??= scan.line;
  scan.line++;
}

/**
 * Scans `chunk` on from `scan`. With `out` (a chunk's length and one more), writes there the bytes
 * with each line end outside quotes (`\r\n`, `\n`, a lone `\r`) written `\n` (a `\r` ending the
 * chunk waits for the next), and returns how many; with `stop` (and no `out`), stops once two
 * kinds are found.
 */
function scanEndings(chunk: Buffer, scan: EndingScan, out?: Buffer, stop = false): number {
  let o = 0;
  for (let i = 0; i < chunk.length; i++) {
    const b = chunk[i]!;
    let kind: Kind | undefined;
    if (scan.cr) {
      scan.cr = false;
      kind = b === LF ? 'crlf' : 'cr';
      ended(scan, kind);
      if (out) out[o++] = LF;
      if (stop && found(scan).length > 1) return o;
      if (kind === 'crlf') continue;
    }
    if (b === QUOTE) scan.inQuote = !scan.inQuote;
    else if (b === CR && !scan.inQuote) {
      scan.cr = true;
      continue;
    } else if (b === LF && !scan.inQuote) {
      ended(scan, 'lf');
      if (stop && found(scan).length > 1) return o;
    }
    if (out) out[o++] = b;
  }
  return o;
}

/** Ends a scan at the file's end: a `\r` last outside quotes ends its line (pandas reads it so). Returns whether it did. */
function endScan(scan: EndingScan): boolean {
  if (!scan.cr) return false;
  scan.cr = false;
  ended(scan, 'cr');
  return true;
}

/** The bytes of `chunks` with each line end outside quotes written `\n`, counted in `scan`. */
export async function* normalizedEndings(chunks: AsyncIterable<Buffer>, scan: EndingScan = newScan()): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    const out = Buffer.allocUnsafe(chunk.length + 1);
    yield out.subarray(0, scanEndings(chunk, scan, out));
  }
  if (endScan(scan)) yield Buffer.from([LF]);
}

/**
 * The first line (from 1) that ends in each kind outside quotes in `head`, up to the first of a
 * second kind; `whole`: `head` is the whole file (a `\r` last then ends a line).
 */
export function lineEndings(head: Buffer, whole = false): Partial<Record<Kind, number>> {
  const scan = newScan();
  scanEndings(head, scan, undefined, true);
  if (whole && found(scan).length < 2) endScan(scan);
  return scan.first;
}

/** Whether the file (UTF-16 and zstd are not looked at) can be scanned byte by byte here. */
const scannable = (file: string, read: ReadOptions): boolean => !read.encoding?.startsWith('utf-16') && !/\.zst$/i.test(file);

/**
 * Throws when the CSV `file`'s head holds lines ending in two kinds: the file is then read from a
 * copy (LINE_ENDINGS), alone or among several.
 */
export async function assertOneLineEnding(file: string, read: ReadOptions): Promise<void> {
  if (!scannable(file, read)) return;
  const head = await readHead(file, LOOK);
  const first = lineEndings(head, head.length < LOOK);
  const kinds = KINDS.filter((k) => first[k] !== undefined);
  if (kinds.length < 2) return;
  const lines = kinds.map((k, i) => `line ${first[k]} ${i === 0 ? 'ends ' : ''}in ${NAMED[k]}`).join(', ');
  throw invalidArgument('file', `'${basename(file)}' ${MIXED}: ${lines}, which DuckDB cannot read in one file; convert it to one kind (dos2unix or unix2dos)`);
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

/** Whether the CSV `file` has lines of two kinds, looked at up to the first line of the second. */
async function mixes(file: string): Promise<boolean> {
  const scan = newScan();
  return (await scanFile(file, (chunk) => (scanEndings(chunk, scan, undefined, true), found(scan).length > 1))) || (endScan(scan) && found(scan).length > 1);
}

/** A copy of the CSV `file` with its line ends written `\n`, in `workDir`/`folder`, and what it holds (counted by the copy's pass). */
async function normalizedCopy(file: string, workDir: string, folder: string): Promise<{ file: string; said: string; line: number }> {
  const scan = newScan();
  const copy = await rewrittenCopy(file, workDir, folder, (chunks) => normalizedEndings(chunks, scan));
  const kinds = found(scan);
  // The first line whose end differs from the first line's.
  const line = Math.min(...kinds.filter((k) => scan.first[k] !== 1).map((k) => scan.first[k]!));
  const count = (n: number) => `${n.toLocaleString('en-US')} line${n === 1 ? '' : 's'}`;
  return { file: copy, said: `(${kinds.map((k) => `${SAID[k]}: ${count(scan.counts[k])}`).join(', ')}; line ${line} is the first to end otherwise than line 1)`, line };
}

const COPY_SAYS = 'with every line ending in \\n, as pandas reads it';

/** Parts looked at (and copied) at once. */
const AT_ONCE = 4;

/** Parts named in a note; the others are counted. */
const NAMED_PARTS = 3;

/**
 * The copy of a CSV file that mixes line endings with each line end outside quotes written `\n`
 * (one pass, a chunk at a time; the same lines, so DuckDB's line numbers are the file's), when
 * its sniff or read failed as such a file's does. Of several files, each that mixes them is
 * copied (in its own folder: two parts may share a base name) and the others are read as they
 * are, in the same order; a part that does not mix is scanned to its end, only after such a failure.
 */
export const LINE_ENDINGS: CsvRewrite = {
  name: 'line-endings',
  async copy(error, files, workDir, read) {
    if (!mayMix(error)) return undefined;
    if (files.length === 1) {
      const file = files[0]!;
      if (!scannable(file, read) || !(await mixes(file))) return undefined;
      const copy = await normalizedCopy(file, workDir, 'line-endings');
      const message = `line endings are mixed ${copy.said}, which DuckDB cannot read in one file: read again from a copy ${COPY_SAYS}`;
      return { files: [copy.file], widening: { message, line: copy.line } };
    }
    const copies = new Map<number, { file: string; said: string }>();
    for (let at = 0; at < files.length; at += AT_ONCE) {
      await Promise.all(
        files.slice(at, at + AT_ONCE).map(async (file, k) => {
          const i = at + k;
          if (scannable(file, read) && (await mixes(file))) copies.set(i, await normalizedCopy(file, workDir, join('line-endings', String(i))));
        }),
      );
    }
    if (copies.size === 0) return undefined;
    const mixed = [...copies.keys()].sort((a, b) => a - b);
    const named = mixed.slice(0, NAMED_PARTS).map((i) => `'${basename(files[i]!)}' ${copies.get(i)!.said}`);
    const more = mixed.length - named.length;
    const parts = [...named, ...(more > 0 ? [`${more} more part${more === 1 ? '' : 's'}`] : [])];
    const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
    const message = `line endings are mixed in ${list}, which DuckDB cannot read in one file: ${mixed.length === 1 ? 'that part' : 'each such part'} read again from a copy ${COPY_SAYS}`;
    return { files: files.map((f, i) => copies.get(i)?.file ?? f), widening: { message } };
  },
};
