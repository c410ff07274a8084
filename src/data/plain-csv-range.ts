/**
 * The plain CSV parser (plain-csv-parse.ts) over a byte range of a file, so that worker threads
 * can each parse a part: reads in 4 MiB chunks into one reused buffer, synchronously (a worker has
 * nothing else to do), and feeds the parser the complete lines of each.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { PlainCsvParser, type Bail, type ParsedPart, type PlainCsvOptions } from './plain-csv-parse.js';
import { threadArena, type Arena } from './plain-wasm.js';

const LF = 0x0a;
const CHUNK = 4 << 20;

/**
 * Parses the file's byte range [from, to) (from at a line start, after the header; to at a line
 * start or the file's end), reading 4 MiB chunks with fs.readSync into one reused buffer.
 */
export function parsePlainRange(path: string, from: number, to: number, width: number, delimiter: number, options: PlainCsvOptions = {}): ParsedPart | Bail {
  const fd = openSync(path, 'r');
  try {
    // The chunks are read into the parse loop's memory (plain-wasm.ts), with a byte to spare after them (feedArena).
    const arena = threadArena();
    let size = Math.max(1, Math.min(CHUNK, to - from));
    let at = arena.alloc(size + 1);
    let parser: PlainCsvParser | undefined;
    let position = from;
    // The bytes of an unfinished line, kept at the buffer's start.
    let kept = 0;
    while (position < to) {
      if (kept === size) {
        // A line longer than the buffer.
        const longer = arena.alloc(size * 2 + 1);
        arena.bytes.copy(arena.bytes, longer, at, at + kept);
        at = longer;
        size *= 2;
      }
      const buffer = arena.bytes.subarray(at, at + size);
      const read = readSync(fd, buffer, kept, Math.min(size - kept, to - position), position);
      if (read === 0) break; // the file is shorter than `to`
      position += read;
      const filled = kept + read;
      parser ??= new PlainCsvParser(width, delimiter, estimateRows(arena, at, filled, to - from), options);
      const atEnd = position >= to;
      const lineEnd = atEnd ? filled : buffer.lastIndexOf(LF, filled - 1) + 1;
      if (!parser.feedArena(at, at + lineEnd, atEnd)) return { bail: parser.bail! };
      buffer.copyWithin(0, lineEnd, filled);
      kept = filled - lineEnd;
    }
    parser ??= new PlainCsvParser(width, delimiter, 0, options);
    if (kept > 0 && !parser.feedArena(at, at + kept, true)) return { bail: parser.bail! };
    return parser.bail === undefined ? parser.finish() : { bail: parser.bail };
  } finally {
    closeSync(fd);
  }
}

/** The rows of the part, from its first chunk's line ends (counted by wasm/column-counts.ts's countByte: an indexOf a line took 14 ms of a 4 MiB chunk). */
function estimateRows(arena: Arena, at: number, filled: number, total: number): number {
  const lines = arena.wasm.countByte(at, filled, LF);
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
