/**
 * The longest physical line of a plain file, found without reading the file: a line of at least
 * 2·block − 1 bytes holds a whole block (block-aligned) without a line end, so the file is looked
 * at block by block, each by its first few KB (where a line end almost always is) and by the rest
 * only when they hold none. Only a block without any line end is a long line's: that line is then
 * measured by reading from the line end before it to the one after it. A 119 MB CSV is ~120 reads
 * of 4 KB. Used by csv-long-lines.ts to raise DuckDB's max_line_size before its first read.
 *
 * A UTF-16 file is looked at by its 2-byte code units: its line ends are `\n` and `\r` as units
 * (0x0A 0x00, little-endian, the only UTF-16 DuckDB reads), at even offsets; a 0x0A byte elsewhere
 * is part of another character.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { scanFile } from './csv-copy.js';

/** Bytes read at each block's start: a CSV of rows up to some KB has a line end in them. */
const PROBE = 4 << 10;

/** Bytes read at a time past the probe, and when measuring a long line. */
const CHUNK = 1 << 20;

/** Blocks probed at once (reads on libuv's threads). */
const AT_ONCE = 16;

const LF = 0x0a;
const CR = 0x0d;

/** The bytes of a file's code unit: 1, or 2 for UTF-16 (little-endian). */
export type CodeUnit = 1 | 2;

/**
 * The bytes of the longest line of `file` that holds a whole `block` (its line end counted: `\n`
 * one byte, `\r\n` two, none at the file's end; a lone `\r` ends a line too, as DuckDB reads
 * such files), or 0 when no line does. Every line of at least 2·block − 1 bytes before its line end
 * is among them. Measuring stops past `most` bytes: the answer is then more than `most`, not exact.
 * `unit`: 2 for UTF-16, whose `block` is then even (every read starts at a unit).
 */
export async function longestLine(file: string, block: number, most: number, unit: CodeUnit = 1): Promise<number> {
  // A file smaller than a block (a folder's many small parts) is not opened.
  const blocks = Math.floor((await stat(file)).size / block);
  if (blocks === 0) return 0;
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    let longest = 0, after = 0;
    for (let first = 0; first < blocks; first += AT_ONCE) {
      const batch = Array.from({ length: Math.min(AT_ONCE, blocks - first) }, (_, i) => first + i);
      const ends = await Promise.all(batch.map((k) => hasLineEnd(handle, k * block, block, unit)));
      for (const k of batch.filter((_, i) => !ends[i])) {
        // A block of a line already measured.
        if (k * block < after) continue;
        const line = await lineAround(handle, k * block, (k + 1) * block, size, most, unit);
        longest = Math.max(longest, line.bytes);
        after = line.end;
        if (longest > most) return longest;
      }
    }
    return longest;
  } finally {
    await handle.close();
  }
}

/** The bytes a gzipped file is decompressed into at a time: a line longer spans two of them. */
export const GZIP_CHUNK = 1 << 20;

/**
 * The bytes of the longest line of a gzipped `file` that is longer than GZIP_CHUNK (its line end
 * counted, as longestLine counts it), or of a shorter one: found by decompressing it as a stream,
 * as a gzipped file cannot be read at an offset. Each piece is looked at only for its first and
 * last line end: a line longer than a piece spans two. Stops past `most` bytes: the answer is
 * then more than `most`, not exact. `piece`: GZIP_CHUNK but in tests (at least 64). `unit`: 2 for
 * UTF-16.
 */
export async function longestLineGzip(file: string, most: number, piece = GZIP_CHUNK, unit: CodeUnit = 1): Promise<number> {
  // `line`: the bytes of the line so far; `cr`: those of a line ended by a `\r` at a piece's end,
  // which a `\n` starting the next makes a unit longer; `odd`: a UTF-16 piece's last byte, half
  // a unit, put before the next piece so that each piece starts at a unit.
  let longest = 0, line = 0, cr = 0;
  let odd: Buffer | undefined;
  await scanFile(file, (chunk) => {
    let piece = chunk;
    if (unit === 2) {
      if (odd) piece = Buffer.concat([odd, piece]);
      odd = piece.length % 2 === 1 ? piece.subarray(piece.length - 1) : undefined;
      if (odd) piece = piece.subarray(0, piece.length - 1);
    }
    const crlf = cr > 0 && isChar(piece, 0, LF, unit);
    if (crlf) longest = Math.max(longest, cr + unit);
    const from = crlf ? unit : 0;
    const first = lineEndIn(piece, from, unit);
    if (first < 0) {
      line += piece.length - from;
      cr = 0;
    } else {
      const bytes = line + first - from + endBytes(piece, first, unit);
      const last = lastLineEndIn(piece, unit);
      longest = Math.max(longest, bytes);
      line = piece.length - last - unit;
      cr = piece[last] === CR && line === 0 ? (last === first ? bytes : unit) : 0;
    }
    return Math.max(longest, line) > most;
  }, piece);
  return Math.max(longest, line + (odd?.length ?? 0));
}

/** Whether bytes [at, at + length) of the file hold a line end: the first PROBE bytes, then the rest. */
async function hasLineEnd(handle: FileHandle, at: number, length: number, unit: CodeUnit): Promise<boolean> {
  for (let from = at, step = PROBE; from < at + length; from += step, step = CHUNK) {
    const bytes = await readAt(handle, from, Math.min(step, at + length - from));
    if (bytes.length === 0) return false;
    if (lineEndIn(bytes, 0, unit) >= 0) return true;
  }
  return false;
}

/** The line holding [start, end) (bytes without a line end): its bytes with its line end, and where it ends. */
async function lineAround(handle: FileHandle, start: number, end: number, size: number, most: number, unit: CodeUnit): Promise<{ bytes: number; end: number }> {
  // Back to the line end before it (or the file's start).
  let from = start;
  while (from > 0) {
    const at = Math.max(0, from - CHUNK);
    const bytes = await readAt(handle, at, from - at);
    const last = lastLineEndIn(bytes, unit);
    if (last >= 0) {
      from = at + last + unit;
      break;
    }
    from = at;
  }
  // On to the line end after it (or the file's end), counting it.
  for (let at = end; at < size; at += CHUNK) {
    if (at - from > most) return { bytes: at - from, end: at };
    // One unit more: a `\r` at the chunk's end may be followed by `\n`.
    const bytes = await readAt(handle, at, CHUNK + unit);
    const found = lineEndIn(bytes, 0, unit);
    if (found >= 0 && found < CHUNK) {
      const ends = endBytes(bytes, found, unit);
      return { bytes: at + found + ends - from, end: at + found + ends };
    }
  }
  return { bytes: size - from, end: size };
}

/** Where the first line end of `bytes` at or after `from` is, or -1. `bytes` start at a unit. */
function lineEndIn(bytes: Buffer, from: number, unit: CodeUnit): number {
  const lf = firstChar(bytes, LF, from, unit), cr = firstChar(bytes, CR, from, unit);
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

/** Where the last line end of `bytes` is, or -1. */
function lastLineEndIn(bytes: Buffer, unit: CodeUnit): number {
  return Math.max(lastChar(bytes, LF, unit), lastChar(bytes, CR, unit));
}

/** The bytes of the line end at `at`: a `\r\n` two units, another one. */
const endBytes = (bytes: Buffer, at: number, unit: CodeUnit): number => (isChar(bytes, at, CR, unit) && isChar(bytes, at + unit, LF, unit) ? 2 * unit : unit);

/** Whether the unit at `at` is the ASCII character `code`: in UTF-16, at an even offset and followed by 0. */
const isChar = (bytes: Buffer, at: number, code: number, unit: CodeUnit): boolean => bytes[at] === code && (unit === 1 || (at % 2 === 0 && bytes[at + 1] === 0));

function firstChar(bytes: Buffer, code: number, from: number, unit: CodeUnit): number {
  for (let at = bytes.indexOf(code, from); at >= 0; at = bytes.indexOf(code, at + 1)) if (isChar(bytes, at, code, unit)) return at;
  return -1;
}

function lastChar(bytes: Buffer, code: number, unit: CodeUnit): number {
  for (let at = bytes.lastIndexOf(code); at >= 0; at = at > 0 ? bytes.lastIndexOf(code, at - 1) : -1) if (isChar(bytes, at, code, unit)) return at;
  return -1;
}

/** Up to `length` bytes of the file from `at` (fewer at its end). */
async function readAt(handle: FileHandle, at: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, at + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buffer.subarray(0, got);
}
