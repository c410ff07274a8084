import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/index.js';
import { longestLine, longestLineGzip } from './csv-line-scan.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-line-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileOf = (name: string, bytes: Buffer | string): string => {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

/** The code units of a file's text: its bytes, or in UTF-16 its characters' units (little-endian). */
const unitsOf = (bytes: Buffer, unit: 1 | 2): ArrayLike<number> => (unit === 1 ? bytes : Array.from({ length: bytes.length / 2 }, (_, i) => bytes.readUInt16LE(2 * i)));

/**
 * What longestLine answers, worked out line by line: the longest line (with its line end) whose
 * bytes before the line end hold a whole block. In bytes; worked out on code units.
 */
function expected(bytes: Buffer, block: number, unit: 1 | 2 = 1): number {
  const units = unitsOf(bytes, unit);
  let longest = 0;
  for (let start = 0; start < units.length; ) {
    let end = start;
    while (end < units.length && units[end] !== 0x0a && units[end] !== 0x0d) end++;
    const ends = end === units.length ? 0 : units[end] === 0x0d && units[end + 1] === 0x0a ? 2 : 1;
    const firstBlock = Math.ceil(start / (block / unit)) * (block / unit);
    if (firstBlock + block / unit <= end) longest = Math.max(longest, end - start + ends);
    start = end + ends;
  }
  return longest * unit;
}

/**
 * Characters for UTF-16 files: `x`, and characters whose bytes are those of line ends (U+0A0D is
 * 0D 0A, U+0A00 then U+0D0A is 00 0A 0A 0D, U+4E0A 上 is 0A 4E).
 */
const LOOKALIKES = ['x', 'x', 'x', '\u0a0d', '\u0a00', '\u0d0a', '\u4e0a', '\u0d00'];

/**
 * Random lines of `chars`, ended by `\n`, `\r\n` or `\r`, mostly shorter than `size`, some of up
 * to `long` times it, maybe with a last line without an end.
 */
function randomText(random: () => number, size: number, lines: number, chars: readonly string[] = ['x'], long = 4): string {
  const ends = ['\n', '\r\n', '\r'];
  const lineOf = (length: number) => (chars.length === 1 ? chars[0]!.repeat(length) : Array.from({ length }, () => chars[Math.floor(random() * chars.length)]).join(''));
  let text = '';
  for (let n = Math.floor(random() * lines); n > 0; n--) {
    const length = random() < 0.2 ? Math.floor(random() * size * long) : Math.floor(random() * size);
    text += lineOf(length) + ends[Math.floor(random() * 3)]!;
  }
  if (random() < 0.5) text += lineOf(Math.floor(random() * size * 3));
  return text;
}

describe('longestLine', () => {
  it('finds the longest line holding a whole block, with its line end, in files of random lines', async () => {
    const random = mulberry32(3);
    for (let round = 0; round < 300; round++) {
      const block = 1 + Math.floor(random() * 40);
      // Mostly short lines, some of a few blocks.
      const bytes = Buffer.from(randomText(random, block, 30));
      const file = fileOf(`r${round}.csv`, bytes);
      expect({ round, block, found: await longestLine(file, block, 1 << 30) }).toEqual({ round, block, found: expected(bytes, block) });
    }
  });

  it('finds every line of 2·block − 1 bytes or more, wherever it starts', async () => {
    const block = 100;
    for (let start = 0; start < block; start += 7) {
      const file = fileOf(`s${start}.csv`, `${'a'.repeat(Math.max(0, start - 1))}${start > 0 ? '\n' : ''}${'b'.repeat(2 * block - 1)}\n${'c\n'.repeat(300)}`);
      expect(await longestLine(file, block, 1 << 30)).toBe(2 * block);
    }
    // A shorter line may hold no whole block.
    expect(await longestLine(fileOf('short.csv', `a\n${'b'.repeat(2 * block - 3)}\nc\n`), block, 1 << 30)).toBe(0);
    // Blocks larger than the bytes looked at first (4 KB): lines of 9,000 bytes leave every
    // block of 10,000 a line end, some only past its first 4 KB; one of 19,999 holds a block.
    const rows = `${'r'.repeat(8999)}\n`.repeat(20);
    expect(await longestLine(fileOf('rows.csv', rows), 10_000, 1 << 30)).toBe(0);
    expect(await longestLine(fileOf('rows-long.csv', `${rows}${'l'.repeat(19_999)}\n${rows}`), 10_000, 1 << 30)).toBe(20_000);
  });

  it('counts a \\r\\n that straddles a read of the line, and stops measuring past `most`', async () => {
    // The line's end is read 1 MiB at a time from the end of its first block (bytes 1,000 on).
    for (const content of [1000 + (1 << 20) - 1, 1000 + (1 << 20)]) {
      const crlf = fileOf('crlf.csv', `${'x'.repeat(content)}\r\nend\r\n`);
      expect(await longestLine(crlf, 1000, 1 << 30)).toBe(content + 2);
    }
    // 8 MiB without a line end: measuring stops after 2 MiB, more than `most`.
    const found = await longestLine(fileOf('open.csv', Buffer.alloc(8 << 20, 0x61)), 1000, 1 << 20);
    expect(found).toBeGreaterThan(1 << 20);
    expect(found).toBeLessThan(8 << 20);
  });

  it('finds a UTF-16 file\'s longest line by its line ends alone, not by bytes of other characters that look like them', async () => {
    const random = mulberry32(7);
    for (let round = 0; round < 300; round++) {
      const block = 2 * (1 + Math.floor(random() * 20));
      const bytes = Buffer.from(randomText(random, block / 2, 30, LOOKALIKES), 'utf16le');
      const file = fileOf(`u${round}.csv`, bytes);
      expect({ round, block, found: await longestLine(file, block, 1 << 30, 2) }).toEqual({ round, block, found: expected(bytes, block, 2) });
    }
    // Read as bytes, U+0A0D's 0D 0A ends lines that are not there.
    const text = Buffer.from(`a\n${'\u0a0d'.repeat(5000)}\nb\n`, 'utf16le');
    expect([await longestLine(fileOf('u-long.csv', text), 1000, 1 << 30, 2), await longestLine(fileOf('u-long.csv', text), 1000, 1 << 30)]).toEqual([10_002, 0]);
  });
});

/** The longest line of `bytes`, its line end counted (`\r\n` two units, `\n` or `\r` one, none at the end). */
function longestOf(bytes: Buffer, unit: 1 | 2 = 1): number {
  const units = unitsOf(bytes, unit);
  let longest = 0;
  for (let start = 0; start < units.length; ) {
    let end = start;
    while (end < units.length && units[end] !== 0x0a && units[end] !== 0x0d) end++;
    const ends = end === units.length ? 0 : units[end] === 0x0d && units[end + 1] === 0x0a ? 2 : 1;
    longest = Math.max(longest, end - start + ends);
    start = end + ends;
  }
  return longest * unit;
}

describe('longestLineGzip', () => {
  it('measures every line longer than a piece decompressed, whatever splits its line end', async () => {
    const random = mulberry32(5);
    const PIECE = 64;
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.from(randomText(random, PIECE, 40, ['x'], 5));
      const found = await longestLineGzip(fileOf(`g${round}.csv.gz`, gzipSync(bytes)), 1 << 30, PIECE);
      // A line longer than a piece is measured exactly; a shorter longest line may be missed.
      const longest = longestOf(bytes);
      if (longest > PIECE) expect({ round, found }).toEqual({ round, found: longest });
      else expect(found).toBeLessThanOrEqual(longest);
    }
  });

  it('finds a long last line, a \r\n across two pieces, and stops past `most`', async () => {
    const last = Buffer.from(`a,b\n${'1,x\n'.repeat(1000)}2,${'y'.repeat(3_000_000)}\n`);
    expect(await longestLineGzip(fileOf('last.csv.gz', gzipSync(last)), 1 << 30)).toBe(3_000_003);
    // The `\r` ends the second piece of 64 bytes, the `\n` starts the third.
    const straddle = Buffer.from(`${'x'.repeat(127)}\r\n${'z'.repeat(10)}\r\n`);
    expect(await longestLineGzip(fileOf('straddle.csv.gz', gzipSync(straddle)), 1 << 30, 64)).toBe(129);
    const crlf = Buffer.from(`${'x'.repeat(200)}\r\nend\r\n`);
    expect(await longestLineGzip(fileOf('crlf.csv.gz', gzipSync(crlf)), 1 << 30, 64)).toBe(202);
    const found = await longestLineGzip(fileOf('open.csv.gz', gzipSync(Buffer.alloc(8 << 20, 0x61))), 1 << 20);
    expect(found).toBeGreaterThan(1 << 20);
    expect(found).toBeLessThan(8 << 20);
    // Not gzip: an error, which the caller leaves to DuckDB.
    await expect(longestLineGzip(fileOf('not.csv.gz', 'a,b\n'), 1 << 30)).rejects.toThrow();
  });

  it('measures a UTF-16 file\'s lines by their line ends alone, in pieces of any parity', async () => {
    const random = mulberry32(9);
    for (let round = 0; round < 300; round++) {
      // Odd pieces: units split between two.
      const piece = 64 + Math.floor(random() * 3);
      const bytes = Buffer.from(randomText(random, piece / 2, 40, LOOKALIKES), 'utf16le');
      const found = await longestLineGzip(fileOf(`gu${round}.csv.gz`, gzipSync(bytes)), 1 << 30, piece, 2);
      const longest = longestOf(bytes, 2);
      if (longest > piece) expect({ round, found }).toEqual({ round, found: longest });
      else expect(found).toBeLessThanOrEqual(longest);
    }
  });
});
