/**
 * What the sniff of a CSV reads: how many rows (fewer on a file of wide rows), and which bytes (a
 * plain copy of the first rows of a gzipped or large file, the leading parts of a folder); whether
 * parts share one header; a file's first rows, read in JS where a DuckDB query costs more.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readHead } from '../core/index.js';
import { fileDelimiter, type ReadOptions } from './read-options.js';

/** Rows DuckDB's sniffer reads at most (its default sample_size). */
const SNIFF_ROWS = 20_480;

/**
 * Bytes of rows the sniffer reads at most: on a wide file, 20,480 rows are most of the file, read
 * on one thread (0.5-0.7 s of a 60 MB, 300-column CSV; 1.4-1.6 s of the same rows as 123 MB of
 * NDJSON, against 0.4 s for 2,048 rows). A value past the sniffed rows that does not fit costs a
 * second read (csv-columns.ts, source-reader.ts), not a wrong type.
 */
const SNIFF_BYTES = 4 << 20;

/** Rows the sniffer reads at least (one DuckDB vector). */
const MIN_SNIFF_ROWS = 2_048;

/**
 * The rows to sniff in a CSV or NDJSON file: SNIFF_ROWS, or fewer when they would take more than
 * SNIFF_BYTES (by the first MiB's lines, decompressed for a .gz).
 */
export async function sniffRows(path: string): Promise<number> {
  if (!/\.(csv|tsv|txt|ndjson|jsonl)(\.gz)?$/i.test(path)) return SNIFF_ROWS;
  const head = await headLines(path);
  if (head === undefined || head.lines < 2 || head.bytes < HEAD_BYTES) return SNIFF_ROWS;
  return Math.max(MIN_SNIFF_ROWS, Math.min(SNIFF_ROWS, Math.floor((SNIFF_BYTES * head.lines) / head.bytes)));
}

/** The bytes of a file (plain, not UTF-16: headRows reads no other) sniffedEveryRow may tell read whole: within what the sniff reads. */
export const WHOLE_FILE_BYTES = SNIFF_BYTES;

/**
 * Whether the sniffer, reading `rows` rows, saw every row of the plain CSV at `path`, and headRows
 * (`rows` rows) can: at most WHOLE_FILE_BYTES, fewer line ends (`\n` and `\r` both) than `rows`.
 */
export async function sniffedEveryRow(path: string, read: ReadOptions, rows: number): Promise<boolean> {
  if (!/\.(csv|tsv|txt)$/i.test(path) || read.encoding === 'utf-16') return false;
  const file = await readHead(path, WHOLE_FILE_BYTES + 1).catch(() => undefined);
  if (file === undefined || file.length > WHOLE_FILE_BYTES) return false;
  let ends = 0;
  for (const byte of [0x0a, 0x0d]) for (let i = file.indexOf(byte); i >= 0 && ends < rows; i = file.indexOf(byte, i + 1)) ends++;
  return ends < rows;
}

/**
 * The line ends in a file's first MiB (decompressed for a .gz), and its bytes; undefined when it
 * cannot be read (DuckDB's to report). The last file's answer is kept while its size and time
 * stay: an add asks it for the rows to sniff, then for the rows to write (sniffRows, estimatedRows).
 */
async function headLines(path: string): Promise<{ lines: number; bytes: number } | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) return undefined;
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  if (lastHead?.key === key) return lastHead.found;
  const head = await readHead(path, HEAD_BYTES).catch(() => undefined);
  if (head === undefined) return undefined;
  let lines = 0;
  for (let i = head.indexOf(10); i >= 0; i = head.indexOf(10, i + 1)) lines++;
  lastHead = { key, found: { lines, bytes: head.length } };
  return lastHead.found;
}

let lastHead: { key: string; found: { lines: number; bytes: number } } | undefined;

/** Files whose sizes estimatedRows adds up at most (a folder of more parts is rarely short). */
const MAX_ESTIMATED_FILES = 100;

/**
 * About how many rows CSV (or NDJSON) `files` hold: their sizes (a .gz's times GZIP_RATIO) over
 * the first file's bytes per line in its first MiB; undefined when that cannot be told.
 */
export async function estimatedRows(files: readonly string[]): Promise<number | undefined> {
  if (files.length > MAX_ESTIMATED_FILES) return undefined;
  const head = await headLines(files[0]!);
  if (head === undefined || head.lines === 0) return undefined;
  let bytes = 0;
  for (const f of files) bytes += await contentBytes(f);
  return Math.ceil((bytes * head.lines) / head.bytes);
}

/** The bytes whose rows tell how long a file's rows are. */
const HEAD_BYTES = 1 << 20;

/** How many times its size a gzipped CSV is, about. */
const GZIP_RATIO = 4;

/** About how many bytes of text a file holds: its size, or a .gz's times GZIP_RATIO. */
export const contentBytes = async (file: string): Promise<number> => (await stat(file)).size * (/\.gz$/i.test(file) ? GZIP_RATIO : 1);

/** The first files that hold SAMPLE_BYTES of rows (by their sizes), or all of them. */
export async function leadingFiles(files: readonly string[]): Promise<readonly string[]> {
  let bytes = 0;
  for (let i = 0; i < files.length; i++) {
    bytes += await contentBytes(files[i]!);
    if (bytes >= SAMPLE_BYTES) return files.slice(0, i + 1);
  }
  return files;
}

/** The (decompressed) bytes of a CSV that plainSample keeps: more than the sniff reads (SNIFF_BYTES, by sniffRows). */
const SAMPLE_BYTES = SNIFF_BYTES + HEAD_BYTES;

/**
 * What the sniff and the looks at the sampled rows of one CSV file read: a plain copy of its first
 * rows (SAMPLE_BYTES, cut after a whole row) when it is gzipped or larger than that, else the file.
 * DuckDB decompresses a .gz from its start in large blocks for its sniffer and for each look at
 * the sampled rows: on the benchmark's 53 MB .csv.gz, 0.36-0.39 s a sniff and 0.15 s a look,
 * against 0.06-0.07 s and 0.03 s for the same rows in a plain file. A large plain file's first
 * buffer is parsed whole: on the 119 MB benchmark file a sniff took 26-141 ms and the first look
 * at its text columns (256 rows) 14-146 ms, against 20-22 ms and 8-50 ms on a 5 MB copy.
 * (A UTF-16 file is read itself: the cut after a newline byte would split a character.)
 */
export async function sampleFile(path: string, workDir: string, read: ReadOptions): Promise<string> {
  if (/\.gz$/i.test(path)) return plainSample(path, workDir, read);
  if (!/\.(csv|tsv|txt)$/i.test(path) || read.encoding === 'utf-16') return path;
  const large = await stat(path).then((s) => s.size > SAMPLE_BYTES, () => false);
  return large ? plainSample(path, workDir, read) : path;
}

/** The file's first rows as a plain file of the same name under `workDir` (or the file itself when no whole row ends in them). */
async function plainSample(path: string, workDir: string, read: ReadOptions): Promise<string> {
  // A file that does not gunzip is DuckDB's to report, as any other unreadable file.
  const head = await readHead(path, SAMPLE_BYTES).catch(() => undefined);
  if (head === undefined) return path;
  // After the last whole row: a row cut in half would mislead the sniffer.
  const end = head.length < SAMPLE_BYTES ? head.length : wholeRowsEnd(head, read);
  if (end === 0) return path;
  const dir = join(workDir, 'sample');
  await mkdir(dir, { recursive: true });
  const file = join(dir, basename(path));
  await writeFile(file, head.subarray(0, end));
  return file;
}

/**
 * The lines a read passes over, asked of each line in turn at its start (`at` in `head`): comment
 * lines anywhere, and the first `skip` other lines (comment lines do not count among them), as
 * DuckDB reads them.
 */
export function passedLines(read: ReadOptions): (head: Buffer, at: number) => boolean {
  const comment = read.comment === undefined ? undefined : Buffer.from(read.comment);
  let skipped = 0;
  return (head, at) => {
    if (comment !== undefined && at + comment.length <= head.length && head.compare(comment, 0, comment.length, at, at + comment.length) === 0) return true;
    if (skipped >= (read.skip ?? 0)) return false;
    skipped++;
    return true;
  };
}

/**
 * Where the last whole row of `head` ends: after a line end outside quotes. The `skip` lines and
 * comment lines are passed over whole, as DuckDB reads them: a quote in one (`# 5'10"`) opens
 * nothing.
 */
export function wholeRowsEnd(head: Buffer, read: ReadOptions): number {
  const passed = passedLines(read);
  let end = 0, i = 0;
  // The next quote at or after `from` (found once per quote: a file without any costs one search).
  let quote = -1;
  const quoteFrom = (from: number): number => {
    if (quote !== Infinity && quote < from) {
      const at = head.indexOf(0x22, from);
      quote = at < 0 ? Infinity : at;
    }
    return quote;
  };
  while (i < head.length) {
    if (passed(head, i)) {
      const line = head.indexOf(0x0a, i);
      if (line < 0) return end;
      i = end = line + 1;
      continue;
    }
    // A row: its line end is the first outside quotes (a quoted field may hold line ends).
    for (let j = i; ; ) {
      const line = head.indexOf(0x0a, j), q = quoteFrom(j);
      if (line < 0) return end;
      if (q > line) {
        i = end = line + 1;
        break;
      }
      // The quote opens a field; its closing quote (a doubled one reopens at once) is the next.
      const close = quoteFrom(q + 1);
      if (close === Infinity) return end;
      j = close + 1;
    }
  }
  return end;
}

/** Bytes of each part that must hold its header line for sameHeaders to compare it. */
const HEADER_BYTES = 64 << 10;

/** Parts whose heads sameHeaders reads at once. */
const HEADS_AT_ONCE = 32;

/**
 * Whether every part opens with the first part's header: the same bytes in its header line (the
 * first line after the `skip` lines and comment lines, which may differ). Their columns are then the same, in the same order,
 * and the parts can be read by position as one file's rows, with one sniff instead of one per part.
 * False for zstd parts (readHead does not decompress them), and for a header not closed within
 * HEADER_BYTES or holding a quoted line break.
 */
export async function sameHeaders(files: readonly string[], read: ReadOptions): Promise<boolean> {
  if (files.some((f) => /\.zst$/i.test(f))) return false;
  const headerOf = async (file: string): Promise<Buffer | undefined> => {
    const head = await readHead(file, HEADER_BYTES).catch(() => undefined);
    if (head === undefined) return undefined;
    // The header: the first line the read does not pass over.
    const passed = passedLines(read);
    let start = 0, end = -1;
    do {
      start = end + 1;
      end = head.indexOf(0x0a, start);
      if (end < 0) return undefined;
    } while (passed(head, start));
    const header = head.subarray(start, end + 1);
    let quotes = 0;
    for (const b of header) if (b === 0x22) quotes++;
    return quotes % 2 === 0 ? header : undefined;
  };
  const first = await headerOf(files[0]!);
  if (first === undefined) return false;
  for (let i = 1; i < files.length; i += HEADS_AT_ONCE) {
    const heads = await Promise.all(files.slice(i, i + HEADS_AT_ONCE).map(headerOf));
    if (heads.some((h) => h === undefined || !h.equals(first))) return false;
  }
  return true;
}

/**
 * The first `count` rows of a CSV file (the header line among them, when it has one) after its
 * `skip` lines and comment lines, each as its fields (quotes taken off), read from the file's
 * first `bytes` (a MiB): fewer when that holds fewer whole rows. Undefined for a zstd or UTF-16 file, or one
 * that cannot be read (DuckDB's to report). Non-ASCII characters come out as Latin-1.
 */
export async function headRows(path: string, read: ReadOptions, count: number, bytes = HEAD_BYTES): Promise<string[][] | undefined> {
  if (/\.zst$/i.test(path) || read.encoding === 'utf-16') return undefined;
  const file = await readHead(path, bytes).catch(() => undefined);
  if (file === undefined) return undefined;
  const head = file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf ? file.subarray(3) : file;
  // Latin-1 keeps every byte one character (the offsets in `text` are those in `head`), and the
  // delimiter and quote are ASCII.
  const text = head.toString('latin1');
  const passed = passedLines(read);
  const delimiter = fileDelimiter(read.delimiter, path);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false, lineStart = true, i = 0;
  while (i < text.length && rows.length < count) {
    if (lineStart && passed(head, i)) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    lineStart = false;
    const ch = text[i]!;
    if (quoted) {
      // Up to the next quote: a doubled one is a quote in the field, another closes the quotes.
      const q = text.indexOf('"', i);
      if (q < 0) break;
      field += text.slice(i, q);
      if (text[q + 1] === '"') field += '"';
      else quoted = false;
      i = q + (quoted ? 2 : 1);
    } else if (ch === '"') {
      quoted = true;
      i++;
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      lineStart = true;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else if (text.startsWith(delimiter, i)) {
      row.push(field);
      field = '';
      i += delimiter.length;
    } else {
      field += ch;
      i++;
    }
  }
  // The file's last row, without a line end.
  if (file.length < bytes && rows.length < count && !quoted && !lineStart) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
