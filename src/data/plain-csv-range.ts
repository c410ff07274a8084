/**
 * The plain CSV parser (plain-csv-parse.ts) over a byte range of a file, so that worker threads
 * can each parse a part: reads in 4 MiB chunks into one reused buffer, synchronously (a worker has
 * nothing else to do), and feeds the parser the complete lines of each.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { PlainCsvParser, type Bail, type ParsedPart, type PlainCsvOptions } from './plain-csv-parse.js';

const LF = 0x0a;
const CHUNK = 4 << 20;
const SLICE = 64 << 10;

/**
 * Parses the file's byte range [from, to) (from at a line start, after the header; to at a line
 * start or the file's end), reading 4 MiB chunks with fs.readSync into one reused buffer.
 */
export function parsePlainRange(path: string, from: number, to: number, width: number, delimiter: number, options: PlainCsvOptions = {}): ParsedPart | Bail {
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, to - from)));
    let parser: PlainCsvParser | undefined;
    let position = from;
    // The bytes of an unfinished line, kept at the buffer's start.
    let kept = 0;
    while (position < to) {
      if (kept === buffer.length) {
        // A line longer than the buffer.
        const longer = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(longer, 0, 0, kept);
        buffer = longer;
      }
      const read = readSync(fd, buffer, kept, Math.min(buffer.length - kept, to - position), position);
      if (read === 0) break; // the file is shorter than `to`
      position += read;
      const filled = kept + read;
      parser ??= new PlainCsvParser(width, delimiter, estimateRows(buffer, filled, to - from), options);
      const atEnd = position >= to;
      const lineEnd = atEnd ? filled : buffer.lastIndexOf(LF, filled - 1) + 1;
      if (!feedInSlices(parser, buffer, lineEnd, atEnd)) return { bail: parser.bail! };
      buffer.copyWithin(0, lineEnd, filled);
      kept = filled - lineEnd;
    }
    parser ??= new PlainCsvParser(width, delimiter, 0, options);
    if (kept > 0 && !parser.feed(buffer, 0, kept, true)) return { bail: parser.bail! };
    return parser.bail === undefined ? parser.finish() : { bail: parser.bail };
  } finally {
    closeSync(fd);
  }
}

/**
 * Feeds buffer[0, end) in slices of about 64 KB: V8 then optimizes the parser's loop for calls
 * (the many short ones), not only on the stack of one long call (OSR), which took a second
 * compile, the next chunk interpreted meanwhile.
 */
function feedInSlices(parser: PlainCsvParser, buffer: Buffer, end: number, last: boolean): boolean {
  let start = 0;
  for (let cut = buffer.indexOf(LF, SLICE) + 1; cut > 0 && cut < end; cut = buffer.indexOf(LF, start + SLICE) + 1) {
    if (!parser.feed(buffer, start, cut)) return false;
    start = cut;
  }
  return parser.feed(buffer, start, end, last);
}

/** The rows of `total` bytes, estimated from the lines in the first chunk and a little over, so that the arrays rarely grow. */
function estimateRows(buffer: Buffer, filled: number, total: number): number {
  let lines = 0;
  for (let i = buffer.indexOf(LF); i >= 0 && i < filled; i = buffer.indexOf(LF, i + 1)) lines++;
  return lines === 0 ? 1024 : Math.ceil((total * lines * 1.03) / filled) + 16;
}

/**
 * `parts` byte offsets splitting [from, size) at line starts (just after a '\n'), about equal: the
 * start of each part, the first `from`; part k ends where part k + 1 starts, the last at `size`.
 * A part is empty (its start the next one's) when no line starts in its share of the bytes.
 */
export function splitAtLines(path: string, from: number, size: number, parts: number): number[] {
  const starts = [from];
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(64 << 10);
    for (let k = 1; k < parts; k++) {
      // The first line start at or after the even share's offset (a '\n' just before it makes it one).
      const target = Math.max(starts[k - 1]!, from + Math.round(((size - from) * k) / parts));
      let start = target > from ? size : from;
      for (let at = target - 1; start === size && at < size; ) {
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - at), at);
        if (read === 0) break;
        const lf = buffer.subarray(0, read).indexOf(LF);
        if (lf >= 0) start = at + lf + 1;
        at += read;
      }
      starts.push(Math.max(start, starts[k - 1]!));
    }
  } finally {
    closeSync(fd);
  }
  return starts;
}
