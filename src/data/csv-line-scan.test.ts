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

/**
 * What longestLine answers, worked out line by line: the longest line (with its line end) whose
 * bytes before the line end hold a whole block.
 */
function expected(bytes: Buffer, block: number): number {
  let longest = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = start;
    while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
    const ends = end === bytes.length ? 0 : bytes[end] === 0x0d && bytes[end + 1] === 0x0a ? 2 : 1;
    const firstBlock = Math.ceil(start / block) * block;
    if (firstBlock + block <= end) longest = Math.max(longest, end - start + ends);
    start = end + ends;
  }
  return longest;
}

describe('longestLine', () => {
  it('finds the longest line holding a whole block, with its line end, in files of random lines', async () => {
    const random = mulberry32(3);
    const ends = ['\n', '\r\n', '\r'];
    for (let round = 0; round < 300; round++) {
      const block = 1 + Math.floor(random() * 40);
      let text = '';
      for (let lines = Math.floor(random() * 30); lines > 0; lines--) {
        // Mostly short lines, some of a few blocks.
        const length = random() < 0.2 ? Math.floor(random() * block * 4) : Math.floor(random() * block);
        text += 'x'.repeat(length) + ends[Math.floor(random() * 3)]!;
      }
      if (random() < 0.5) text += 'y'.repeat(Math.floor(random() * block * 3));
      const bytes = Buffer.from(text);
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
});

/** The longest line of `bytes`, its line end counted (`\r\n` two bytes, `\n` or `\r` one, none at the end). */
function longestOf(bytes: Buffer): number {
  let longest = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = start;
    while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
    const ends = end === bytes.length ? 0 : bytes[end] === 0x0d && bytes[end + 1] === 0x0a ? 2 : 1;
    longest = Math.max(longest, end - start + ends);
    start = end + ends;
  }
  return longest;
}

describe('longestLineGzip', () => {
  it('measures every line longer than a piece decompressed, whatever splits its line end', async () => {
    const random = mulberry32(5);
    const ends = ['\n', '\r\n', '\r'];
    const PIECE = 64;
    for (let round = 0; round < 300; round++) {
      let text = '';
      for (let lines = Math.floor(random() * 40); lines > 0; lines--) {
        const length = random() < 0.2 ? Math.floor(random() * PIECE * 5) : Math.floor(random() * PIECE);
        text += 'x'.repeat(length) + ends[Math.floor(random() * 3)]!;
      }
      if (random() < 0.5) text += 'y'.repeat(Math.floor(random() * PIECE * 3));
      const bytes = Buffer.from(text);
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
});
