import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { longerLinesRead, MAX_LINE_BYTES } from './csv-long-lines.js';
import type { AddDatasetOptions } from './dataset-service.js';
import { sqliteTestService } from './test-helpers.js';

// A line longer than DuckDB reads by default (2,000,000 bytes). pandas (1.5) reads it as any other
// row; so does Keel, sniffing and reading again with DuckDB's max_line_size raised to cover it, in
// any encoding or compression and in a folder's parts.

describe('a line longer than DuckDB reads by default', () => {
  const t = sqliteTestService();
  const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const FIELD = 3_000_000;
  /** A header, `before` rows, then a row with a field of 3,000,000 bytes, and one more. */
  const text = (before: number) => `a,b\n${'1,x\n'.repeat(before)}2,${'y'.repeat(FIELD)}\n3,z\n`;
  /** The version's columns, rows, and its rows from the long one on (their second field's length and first characters). */
  const added = async (name: string, file: string, read: AddDatasetOptions = {}) => {
    const v = await t.service.add(name, file, read);
    const from = v.rows - 2;
    const rows = (await t.service.rows(`${name}@${v.version}`, { offset: from })).rows.map(([a, b]) => [a, String(b).length, String(b).slice(0, 3)]);
    return { rowCount: v.rows, columns: v.columns.map((c) => `${c.name}:${c.type}`), rows, notes: v.notes };
  };

  it('is read, among the sampled rows and past them, in UTF-16, gzip and zstd files too', { timeout: 120_000 }, async () => {
    const files: [string, Buffer, AddDatasetOptions][] = [];
    // 25,000 rows (DuckDB sniffs 20,480): the read meets the line, not the sniff.
    for (const before of [2, 25_000]) {
      const plain = Buffer.from(text(before));
      files.push([`plain-${before}.csv`, plain, {}], [`plain-${before}.csv.gz`, gzipSync(plain), {}], [`plain-${before}.csv.zst`, zstdFrame(plain), {}]);
      files.push([`u16-${before}.csv`, utf16(text(before)), { encoding: 'utf-16' }], [`u16-${before}.csv.zst`, zstdFrame(utf16(text(before))), { encoding: 'utf-16' }]);
    }
    for (const [file, bytes, read] of files) {
      writeFileSync(join(t.dir, file), bytes);
      const before = Number(/-(\d+)\./.exec(file)![1]);
      const found = await added(file.replace(/\./g, '-'), join(t.dir, file), read);
      // Met by the sniff or by the read, the line is said in a note (DuckDB's sniffer counts its line end, its reader not).
      const note = expect.stringMatching(`^a line is 3,000,00[23] bytes long${read.encoding === 'utf-16' ? ' as UTF-8' : ''}, more than the 2,000,000 bytes DuckDB reads in one line by default: read again reading lines of up to 4,194,304 bytes$`);
      expect({ file, ...found }).toEqual({ file, rowCount: before + 2, columns: ['a:int', 'b:string'], rows: [[2, FIELD, 'yyy'], [3, 1, 'z']], notes: [note] });
    }
  });

  it('is read in a folder\'s part', async () => {
    const parts = join(t.dir, 'parts');
    mkdirSync(parts);
    writeFileSync(join(parts, 'p1.csv'), 'a,b\n1,x\n');
    writeFileSync(join(parts, 'p2.csv'), text(3));
    expect(await added('parts', parts)).toMatchObject({ rowCount: 6, columns: ['a:int', 'b:string'], rows: [[2, FIELD, 'yyy'], [3, 1, 'z']] });
  });

  it('says why the file is read again, and raises the limit to a power of two up to 1 GiB', () => {
    const tooLong = (size: number, limit = 2_000_000) => new Error(`Invalid Input Error: CSV Error on Line: 1\nOriginal Line: 2,yyy\nMaximum line size of ${limit} bytes exceeded. Actual Size:${size} bytes.`);
    const once = longerLinesRead(tooLong(3_000_002), {});
    expect(once).toEqual({ read: { maxLineSize: 4_194_304 }, message: 'a line is 3,000,002 bytes long, more than the 2,000,000 bytes DuckDB reads in one line by default: read again reading lines of up to 4,194,304 bytes' });
    // A longer line met after the raise raises it again; one past 1 GiB is refused (longLineError names it).
    expect(longerLinesRead(tooLong(5_000_000, 4_194_304), once!.read)?.read.maxLineSize).toBe(8_388_608);
    expect(longerLinesRead(tooLong(MAX_LINE_BYTES - 1), {})?.read.maxLineSize).toBe(MAX_LINE_BYTES);
    expect(longerLinesRead(tooLong(MAX_LINE_BYTES + 1), {})).toBeUndefined();
    expect(longerLinesRead(new Error('Invalid Input Error: something else'), {})).toBeUndefined();
  });
});

/** `bytes` as one zstd frame of raw (stored) blocks of at most 128 KiB, its window 128 KiB: Node 20 has no zstd. */
function zstdFrame(bytes: Buffer): Buffer {
  const BLOCK = 128 << 10;
  // Magic number; frame header descriptor 0 (no content size, no checksum); window 2^(10+7).
  const out: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3])];
  for (let at = 0; at < bytes.length || at === 0; at += BLOCK) {
    const block = bytes.subarray(at, at + BLOCK);
    const header = (block.length << 3) | (at + BLOCK >= bytes.length ? 1 : 0); // its size, raw, last or not
    out.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, header >> 16]), block);
  }
  return Buffer.concat(out);
}
