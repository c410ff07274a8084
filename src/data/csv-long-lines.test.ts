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
  // DuckDB's reading: the JS path for plain files (plain-csv-read.ts) has no line limit.
  const t = sqliteTestService({ plainCsvMinBytes: Infinity });
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
      // A plain or gzipped file's line is found before the read, and read at once (its size with
      // its line end; a UTF-16 one's taken at 1.5 times its bytes as UTF-8, an upper bound). A
      // zstd file's, met by the sniff or by the read, is said as the file is read again (DuckDB's
      // sniffer counts its line end, its reader not).
      const note = /^plain-\d+\.csv(\.gz)?$/.test(file)
        ? 'a line is 3,000,003 bytes long with its line end, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 4,194,304 bytes'
        : /^u16-\d+\.csv$/.test(file)
        ? 'a line is 6,000,006 bytes of UTF-16 long with its line end, up to 9,000,009 bytes as UTF-8, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 16,777,216 bytes'
        : expect.stringMatching(`^a line is 3,000,00[23] bytes long${read.encoding === 'utf-16' ? ' as UTF-8' : ''}, more than the 2,000,000 bytes DuckDB reads in one line by default: read again reading lines of up to 4,194,304 bytes$`);
      expect({ file, ...found }).toEqual({ file, rowCount: before + 2, columns: ['a:int', 'b:string'], rows: [[2, FIELD, 'yyy'], [3, 1, 'z']], notes: [note] });
    }
  });

  it('is not left out as the last row, in a plain or gzipped file, UTF-8 or UTF-16', { timeout: 120_000 }, async () => {
    // DuckDB 1.5.6's parallel read left such a row out without an error (11,943 rows of 11,944;
    // so on the 1,000,000-row benchmark file with the row appended), where it refused a line
    // ending before byte 128,000,000 or in the middle of the file: 11,943 rows of 10,000 bytes, then
    // a line of 10,000,003 from byte 119,430,004 on. Found by the look before the read, it is read.
    // So in UTF-16 (11,943 rows of 11,944 before UTF-16 files were looked at too).
    const row = `1,${'x'.repeat(9997)}\n`;
    const text = `a,b\n${row.repeat(11_943)}2,${'y'.repeat(10_000_000)}\n`;
    const [bytes, wide] = [Buffer.from(text), utf16(text)];
    const note = 'a line is 10,000,003 bytes long with its line end, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 16,777,216 bytes';
    const wideNote = 'a line is 20,000,006 bytes of UTF-16 long with its line end, up to 30,000,009 bytes as UTF-8, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 33,554,432 bytes';
    const files = [['last.csv', bytes, {}, note], ['last.csv.gz', gzipSync(bytes, { level: 1 }), {}, note], ['last16.csv', wide, { encoding: 'utf-16' }, wideNote], ['last16.csv.gz', gzipSync(wide, { level: 1 }), { encoding: 'utf-16' }, wideNote]] as const;
    for (const [name, content, read, note] of files) {
      writeFileSync(join(t.dir, name), content);
      const v = await t.service.add(name.replace(/\./g, '-'), join(t.dir, name), read);
      const last = (await t.service.rows(`${name.replace(/\./g, '-')}@${v.version}`, { offset: v.rows - 1 })).rows.map(([a, b]) => [a, String(b).length]);
      expect({ name, rows: v.rows, last, notes: v.notes }).toEqual({ name, rows: 11_944, last: [[2, 10_000_000]], notes: [note] });
    }
  });

  it('is read in a folder\'s part', async () => {
    const parts = join(t.dir, 'parts');
    mkdirSync(parts);
    writeFileSync(join(parts, 'p1.csv'), 'a,b\n1,x\n');
    writeFileSync(join(parts, 'p2.csv'), text(3));
    // Each part is looked at before the read: the line is read at once.
    const note = 'a line is 3,000,003 bytes long with its line end, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 4,194,304 bytes';
    expect(await added('parts', parts)).toMatchObject({ rowCount: 6, columns: ['a:int', 'b:string'], rows: [[2, FIELD, 'yyy'], [3, 1, 'z']], notes: [note] });
  });

  it('is found before the read in a Latin-1 file, plain or gzipped, by its size as UTF-8', async () => {
    // 1,500,000 × é: 1,500,003 bytes of Latin-1 with its line end, 3,000,003 as UTF-8, which DuckDB refuses by default.
    const latin1 = Buffer.concat([Buffer.from('a,b\n1,x\n2,'), Buffer.alloc(1_500_000, 0xe9), Buffer.from('\n3,z\n')]);
    const note = 'a line is 1,500,003 bytes of Latin-1 long with its line end, up to 3,000,006 bytes as UTF-8, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 4,194,304 bytes';
    for (const [file, bytes] of [['l1.csv', latin1], ['l1.csv.gz', gzipSync(latin1)]] as const) {
      writeFileSync(join(t.dir, file), bytes);
      const found = await added(file.replace(/\./g, '-'), join(t.dir, file), { encoding: 'latin-1' });
      expect({ file, ...found }).toEqual({ file, rowCount: 3, columns: ['a:int', 'b:string'], rows: [[2, 1_500_000, 'ééé'], [3, 1, 'z']], notes: [note] });
    }
  });

  it('is found before the read from 2,000,001 bytes with its line end, and a long row of short lines is read again', async () => {
    const cases: [string, string, unknown][] = [
      // DuckDB reads 2,000,000 bytes with the line end, and refuses one more: so does the scan.
      ['lf-fits', `a,b\n2,${'y'.repeat(1_999_997)}\n3,z\n`, undefined],
      ['lf-long', `a,b\n2,${'y'.repeat(1_999_998)}\n3,z\n`, 'a line is 2,000,001 bytes long with its line end, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 2,097,152 bytes'],
      ['crlf-long', `a,b\r\n2,${'y'.repeat(1_999_997)}\r\n3,z\r\n`, 'a line is 2,000,001 bytes long with its line end, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 2,097,152 bytes'],
      // A quoted field of 3,000 short lines: one row of 3,003,000 bytes, which only DuckDB sees.
      ['quoted', `a,b\n2,"${'y'.repeat(1000).concat('\n').repeat(3000)}"\n3,z\n`, expect.stringMatching(/^a line is 3,003,00[45] bytes long, more than the 2,000,000 bytes DuckDB reads in one line by default: read again reading lines of up to 4,194,304 bytes$/)],
    ];
    for (const [name, content, note] of cases) {
      writeFileSync(join(t.dir, `${name}.csv`), content);
      const v = await t.service.add(name, join(t.dir, `${name}.csv`));
      const rows = (await t.service.rows(`${name}@${v.version}`)).rows.map(([a, b]) => [a, String(b).length]);
      const field = name === 'quoted' ? 3_003_000 : content.indexOf('\n3,z') - content.indexOf('2,') - 2 - (name.startsWith('crlf') ? 1 : 0);
      expect({ name, rows, notes: v.notes }).toEqual({ name, rows: [[2, field], [3, 1]], notes: note === undefined ? undefined : [note] });
    }
  });

  it('reads again a long row of short lines after the scan raised the limit for a long line', async () => {
    // A line of 3,000,003 bytes (the limit raised to 4 MiB), then a quoted row of 5,005,000.
    const file = join(t.dir, 'both.csv');
    writeFileSync(file, `a,b\n1,${'x'.repeat(3_000_000)}\n2,"${'y'.repeat(1000).concat('\n').repeat(5000)}"\n3,z\n`);
    const v = await t.service.add('both', file);
    expect(v.notes).toEqual([
      'a line is 3,000,003 bytes long with its line end, more than the 2,000,000 bytes DuckDB reads in one line by default: read with lines of up to 4,194,304 bytes',
      expect.stringMatching(/^a line is 5,005,00\d bytes long, more than the 4,194,304 bytes the read allowed in one line: read again reading lines of up to 8,388,608 bytes$/),
    ]);
    const rows = (await t.service.rows(`both@${v.version}`)).rows.map(([a, b]) => [a, String(b).length]);
    expect(rows).toEqual([[1, 3_000_000], [2, 5_005_000], [3, 1]]);
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
