/**
 * Lines of only spaces and tabs, which pandas skips as blank (skip_blank_lines) and DuckDB reads
 * as a row: one field, an error in a file of more columns, a value `"   "` in a one-column one.
 * A file's normal read pays nothing for them: only when DuckDB's read fails at such a line (its
 * error shows the line) is the file copied without them, in one pass, and the copy read.
 */
import { rewrittenCopy, type CsvRewrite } from './csv-copy.js';
import { fileDelimiter, type ReadOptions } from './read-options.js';

/** DuckDB's reader shows the line it failed at: `Original Line: ...` (one space, then the line). */
const ORIGINAL_LINE = /CSV Error on Line: (\d+)\nOriginal Line: ([ \t]+)\n/;

/** The error a one-column read stops with at a value of only spaces (csv-sniff.ts): a line of them, or a quoted one. */
export const SPACE_VALUE_MARK = 'keel-space-value';

/** The line of `error` (or an error it was caused by) that holds only spaces and tabs other than the delimiter, if any (0: a one-column file's, its line untold). */
function spaceLineOf(error: unknown, read: ReadOptions, path: string): number | undefined {
  const delimiter = fileDelimiter(read.delimiter, path);
  for (let e = error as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.message === 'string' && e.message.includes(SPACE_VALUE_MARK)) return 0;
    const m = typeof e.message === 'string' ? ORIGINAL_LINE.exec(e.message) : null;
    if (m && ![...m[2]!].some((c) => delimiter.includes(c))) return Number(m[1]);
  }
  return undefined;
}

const SPACE = 0x20, TAB = 0x09, CR = 0x0d, LF = 0x0a, QUOTE = 0x22;

/**
 * A plain copy of the CSV `path` in `workDir` (csv-copy.ts) without its lines of only spaces and
 * tabs outside quotes; the first `skip` lines are kept as they are. Undefined for a UTF-16 file (not read byte by byte here).
 */
async function withoutSpaceLines(path: string, workDir: string, read: ReadOptions): Promise<string | undefined> {
  if (read.encoding?.startsWith('utf-16')) return undefined;
  const delimiter = fileDelimiter(read.delimiter, path);
  const blank = new Set([SPACE, TAB].filter((b) => !delimiter.includes(String.fromCharCode(b))));
  let skip = read.skip ?? 0;
  let inQuote = false;
  // The current line's bytes so far while they are all blank (and it began outside quotes), else undefined.
  let pending: number[] | undefined = [];
  async function* lines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      // Into a buffer of its own size (bytes, not a JS array: 119 MB took 5.8 s so, with a line of
      // spaces half way); it holds the blank bytes carried from the last chunk too.
      const out = Buffer.allocUnsafe(chunk.length + (pending?.length ?? 0));
      let o = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (pending !== undefined) {
          if (blank.has(b) || b === CR) {
            pending.push(b);
            continue;
          }
          if (b === LF && skip === 0) {
            pending = [];
            continue;
          }
          for (const p of pending) out[o++] = p;
          pending = undefined;
        }
        out[o++] = b;
        if (b === QUOTE) inQuote = !inQuote;
        else if (b === LF && !inQuote) {
          if (skip > 0) skip--;
          pending = [];
        }
      }
      yield out.subarray(0, o);
    }
    if (pending !== undefined && skip > 0) yield Buffer.from(pending);
  }
  return rewrittenCopy(path, workDir, 'space-lines', lines);
}

/** The copy without lines of only spaces, when the sniff or read failed at one (the message says which line, when DuckDB's did). */
export const SPACE_LINES: CsvRewrite = {
  name: 'space-lines',
  async copy(error, files, workDir, read) {
    // Of several files, none: each would need its own look.
    const file = files.length === 1 ? files[0]! : undefined;
    const line = file === undefined ? undefined : spaceLineOf(error, read, file);
    const copy = line === undefined ? undefined : await withoutSpaceLines(file!, workDir, read);
    if (copy === undefined) return undefined;
    const message = `${line === 0 ? 'a line' : `line ${line}`} holds only spaces, which pandas skips as blank: read again without such lines`;
    return { files: [copy], widening: { message, ...(line === 0 ? {} : { line }) } };
  },
};
