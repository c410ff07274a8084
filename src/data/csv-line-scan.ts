/**
 * The longest physical line of a plain file, found without reading the file: a line of at least
 * 2·block − 1 bytes holds a whole block (block-aligned) without a line end, so the file is looked
 * at block by block, each by its first few KB (where a line end almost always is) and by the rest
 * only when they hold none. Only a block without any line end is a long line's: that line is then
 * measured by reading from the line end before it to the one after it. A 119 MB CSV is ~120 reads
 * of 4 KB. Used by csv-long-lines.ts to raise DuckDB's max_line_size before its first read.
 */
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** Bytes read at each block's start: a CSV of rows up to some KB has a line end in them. */
const PROBE = 4 << 10;

/** Bytes read at a time past the probe, and when measuring a long line. */
const CHUNK = 1 << 20;

/** Blocks probed at once (reads on libuv's threads). */
const AT_ONCE = 16;

const LF = 0x0a;
const CR = 0x0d;

/**
 * The bytes of the longest line of `file` that holds a whole `block` (its line end counted: `\n`
 * one byte, `\r\n` two, none at the file's end; a lone `\r` ends a line too, as DuckDB reads
 * such files), or 0 when no line does. Every line of at least 2·block − 1 bytes before its line end
 * is among them. Measuring stops past `most` bytes: the answer is then more than `most`, not exact.
 */
export async function longestLine(file: string, block: number, most: number): Promise<number> {
  // A file smaller than a block (a folder's many small parts) is not opened.
  const blocks = Math.floor((await stat(file)).size / block);
  if (blocks === 0) return 0;
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    let [longest, after] = [0, 0];
    for (let first = 0; first < blocks; first += AT_ONCE) {
      const batch = Array.from({ length: Math.min(AT_ONCE, blocks - first) }, (_, i) => first + i);
      const ends = await Promise.all(batch.map((k) => hasLineEnd(handle, k * block, block)));
      for (const k of batch.filter((_, i) => !ends[i])) {
        // A block of a line already measured.
        if (k * block < after) continue;
        const line = await lineAround(handle, k * block, (k + 1) * block, size, most);
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
 * then more than `most`, not exact. `piece`: GZIP_CHUNK but in tests (at least 64).
 */
export async function longestLineGzip(file: string, most: number, piece = GZIP_CHUNK): Promise<number> {
  // `line`: the bytes of the line so far; `cr`: those of a line ended by a `\r` at a piece's end,
  // which a `\n` starting the next makes a byte longer.
  let [longest, line, cr] = [0, 0, 0];
  const done = new AbortController();
  try {
    await pipeline(createReadStream(file), createGunzip({ chunkSize: piece }), async (pieces: AsyncIterable<Buffer>) => {
      for await (const piece of pieces) {
        const crlf = cr > 0 && piece[0] === LF;
        if (crlf) longest = Math.max(longest, cr + 1);
        const from = crlf ? 1 : 0;
        const first = lineEndIn(piece, from);
        if (first < 0) {
          [line, cr] = [line + piece.length - from, 0];
        } else {
          const bytes = line + first - from + (piece[first] === CR && piece[first + 1] === LF ? 2 : 1);
          const last = Math.max(piece.lastIndexOf(LF), piece.lastIndexOf(CR));
          longest = Math.max(longest, bytes);
          line = piece.length - last - 1;
          cr = piece[last] === CR && line === 0 ? (last === first ? bytes : 1) : 0;
        }
        if (Math.max(longest, line) > most) return done.abort();
      }
    }, { signal: done.signal });
  } catch (e) {
    if (!done.signal.aborted) throw e;
  }
  return Math.max(longest, line);
}

/** Whether bytes [at, at + length) of the file hold a line end: the first PROBE bytes, then the rest. */
async function hasLineEnd(handle: FileHandle, at: number, length: number): Promise<boolean> {
  for (let from = at, step = PROBE; from < at + length; from += step, step = CHUNK) {
    const bytes = await readAt(handle, from, Math.min(step, at + length - from));
    if (bytes.length === 0) return false;
    if (lineEndIn(bytes, 0) >= 0) return true;
  }
  return false;
}

/** The line holding [start, end) (bytes without a line end): its bytes with its line end, and where it ends. */
async function lineAround(handle: FileHandle, start: number, end: number, size: number, most: number): Promise<{ bytes: number; end: number }> {
  // Back to the line end before it (or the file's start).
  let from = start;
  while (from > 0) {
    const at = Math.max(0, from - CHUNK);
    const bytes = await readAt(handle, at, from - at);
    const last = Math.max(bytes.lastIndexOf(LF), bytes.lastIndexOf(CR));
    if (last >= 0) {
      from = at + last + 1;
      break;
    }
    from = at;
  }
  // On to the line end after it (or the file's end), counting it.
  for (let at = end; at < size; at += CHUNK) {
    if (at - from > most) return { bytes: at - from, end: at };
    // One byte more: a `\r` at the chunk's end may be followed by `\n`.
    const bytes = await readAt(handle, at, CHUNK + 1);
    const found = lineEndIn(bytes, 0);
    if (found >= 0 && found < CHUNK) {
      const ends = bytes[found] === CR && bytes[found + 1] === LF ? 2 : 1;
      return { bytes: at + found + ends - from, end: at + found + ends };
    }
  }
  return { bytes: size - from, end: size };
}

/** Where the first line end of `bytes` at or after `from` is, or -1. */
function lineEndIn(bytes: Buffer, from: number): number {
  const [lf, cr] = [bytes.indexOf(LF, from), bytes.indexOf(CR, from)];
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
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
