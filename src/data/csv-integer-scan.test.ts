import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/index.js';
import { plainIntegerColumns, plainIntegers } from './csv-integer-scan.js';
import { openDuckDb } from './duckdb-sql.js';
import type { ReadOptions } from './read-options.js';
import { describeSource } from './source-reader.js';
import { sqliteTestService } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-int-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const csv = (text: string | Buffer, name = `f${files++}.csv`): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** The scan's answer by a plain split of every line (no quotes in the file): a field is `-` and 1 to 15 digits, or empty. */
const bySplit = (text: string, fields: number): boolean[] => {
  const rows = text.split(/\r\n|\n|\r/).slice(1).filter((l) => l !== '').map((l) => l.split(','));
  return Array.from({ length: fields }, (_, i) => rows.every((r) => /^(-?[0-9]{1,15})?$/.test(r[i]!)));
};

describe('plainIntegerColumns: the columns whose every field is a plain integer below 2^53, or empty', () => {
  it('calls plain only digits with a leading minus, up to 15 of them, and empty fields; not the header', async () => {
    const file = csv('a,b,c,d,e,f,g,h,i,j,k,l\n1,1,1,1,1,1,1,1,1,1,1,1\n-7,1.5,1e3, 5,+5,123456789012345,1234567890123456,"5",-,,0x1F,007\n');
    expect(await plainIntegerColumns(file, {}, 12)).toEqual([true, false, false, false, false, true, false, false, false, true, false, true]);
    // Without a header the first line is a row: its names are not plain.
    expect(await plainIntegerColumns(file, { header: false }, 12)).toEqual(Array(12).fill(false));
  });

  it('reads rows as DuckDB does: quoted delimiters and line ends, CRLF and CR line ends, a byte order mark, a last row without a line end', async () => {
    const quoted = csv('a,b,c\n1,"x,\n""y""",2\n3,"",4.5');
    expect(await plainIntegerColumns(quoted, {}, 3)).toEqual([true, false, false]);
    expect(await plainIntegerColumns(csv('a,b\r\n1,2\r\n3,4.5\r\n'), {}, 2)).toEqual([true, false]);
    expect(await plainIntegerColumns(csv('a,b\r1,2\r3.5,4\r'), {}, 2)).toEqual([false, true]);
    expect(await plainIntegerColumns(csv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('1;2\n3;4\n')]), 'bom.csv'), { delimiter: ';', header: false }, 2)).toEqual([true, true]);
    // A CRLF whose CR ends the first chunk the scan reads (64 KiB) and whose LF opens the next.
    let crlf = 'a,b\r\n';
    while (crlf.length < 65_535 - 20) crlf += '1,2\r\n';
    crlf += `${'1'.repeat(10)},${'2'.repeat(65_535 - crlf.length - 11)}\r\n3,4.5\r\n`;
    expect(crlf.indexOf('\r\n3,4.5')).toBe(65_535);
    expect(await plainIntegerColumns(csv(crlf), {}, 2)).toEqual([true, false]);
    // Tab-separated by its name.
    expect(await plainIntegerColumns(csv('a\tb\n1\t2.5\n', 'tabs.tsv'), {}, 2)).toEqual([true, false]);
  });

  it('agrees with a split of every line on a file of many chunks, whatever the line ends', async () => {
    const r = mulberry32(3);
    const [plain, odd] = [['1', '-22', '', '333', '-123456789012345'], ['4.5', '1e3', '9999999999999999', ' 7', '-', '1_000']];
    // Columns 0-3 plain; 4-7 plain but for a value or so in 6,000.
    const value = (j: number) => (j < 4 || r() < 0.9998 ? plain[Math.floor(r() * plain.length)]! : odd[Math.floor(r() * odd.length)]!);
    for (const end of ['\n', '\r\n', '\r']) {
      const rows = Array.from({ length: 6000 }, () => Array.from({ length: 8 }, (_, j) => value(j)).join(','));
      const text = `${Array.from({ length: 8 }, (_, j) => `c${j}`).join(',')}${end}${rows.join(end)}${end}`;
      const expected = bySplit(text, 8);
      // Some columns of each kind, in a file of several 64 KiB chunks.
      expect(expected.some((p) => p) && expected.some((p) => !p) && text.length > 200_000).toBe(true);
      expect(await plainIntegerColumns(csv(text), {}, 8)).toEqual(expected);
    }
  });

  it('gives up on rows it cannot be sure to read as DuckDB does', async () => {
    // A row of other fields than the header's, a quote inside a field or text after a closing one.
    for (const text of ['a,b\n1,2\n3\n', 'a,b\n1,2\n3,4,5\n', 'a,b\n1,2\n\n3,4\n', 'a,b\n1,2"x"\n', 'a,b\n1,"2"x\n', 'a,b\n1,"2\n']) {
      expect(await plainIntegerColumns(csv(text), {}, 2)).toBeUndefined();
    }
    // Options under which its rows are not the file's lines, and encodings and delimiters it does not read.
    const file = csv('a,b\n1,2\n');
    const reads: ReadOptions[] = [{ skip: 1 }, { comment: '#' }, { fillShortRows: true }, { encoding: 'utf-16' }, { delimiter: ', ' }];
    for (const read of reads) {
      expect(await plainIntegerColumns(file, read, 2)).toBeUndefined();
    }
  });
});

describe('plainIntegers: the integer columns a scan proves plain, when the file is short enough to be worth it', () => {
  it('names the plain integer columns only, and scans no file longer than 32 KiB a column', async () => {
    const types = [{ name: 'i', duckType: 'BIGINT' }, { name: 'f', duckType: 'BIGINT' }, { name: 'd', duckType: 'DOUBLE' }, { name: 't', duckType: 'VARCHAR' }];
    const rows = (n: number, f: string) => Array.from({ length: n }, (_, k) => `${k},${k === n - 1 ? f : '1'},2,x`).join('\n');
    expect([...(await plainIntegers(csv(`i,f,d,t\n${rows(100, '1.5')}\n`), {}, types))]).toEqual(['i']);
    expect([...(await plainIntegers(csv(`i,f,d,t\n${rows(100, '3')}\n`), {}, types))]).toEqual(['i', 'f']);
    // 2 integer columns: at most 64 KiB. This file of 7,000 rows is longer.
    expect([...(await plainIntegers(csv(`i,f,d,t\n${rows(7000, '3')}\n`), {}, types))]).toEqual([]);
  });
});

describe('a wide CSV longer than the sniffed rows: its plain integer columns read as BIGINT without the check', () => {
  const t = sqliteTestService();

  it('reads a fraction and hex past the sniffed rows as pandas does, saying so as before, and checks only their columns', async () => {
    // 300 columns of 12,000 rows (7.2 MB): the sniff reads about 7,000 (sniffRows, of a copy of the
    // first 5 MiB), the scan all of them. The last row's 1.5 and 0x10 come after the sniffed rows.
    const names = Array.from({ length: 300 }, (_, i) => `c${i}`);
    const row = (k: number) => names.map((_, i) => String((k + i) % 10)).join(',');
    const last = ['1.5', '0x10', ...names.slice(2).map(() => '2')].join(',');
    const file = join(t.dir, 'wide-late.csv');
    writeFileSync(file, `${names.join(',')}\n${Array.from({ length: 11_999 }, (_, k) => row(k)).join('\n')}\n${last}\n`);
    const duck = await openDuckDb(join(t.dir, 'tmp'));
    try {
      const described = await describeSource(await duck.connect(), [file], 'csv', {}, t.dir);
      // c2 onwards are read as BIGINT, unchecked; c0 and c1 as DOUBLE with the check.
      expect(described.source).toContain(`'c2': 'BIGINT'`);
      expect(described.source).toContain(`'c0': 'DOUBLE'`);
      expect(described.source).toContain(`'c1': 'DOUBLE'`);
      expect(described.source).toContain("keel-misfit:1:fraction:");
      expect(described.source).not.toContain("keel-misfit:2:");
    } finally {
      duck.close();
    }
    const messages: string[] = [];
    const v = await t.service.add('wide-late', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    // pandas.read_csv: c0 float64, c1 object, the others int64; the last row [1.5, '0x10', 2, 2, ...].
    expect(v.columns.slice(0, 4).map((c) => `${c.name}:${c.type}`)).toEqual(['c0:float', 'c1:string', 'c2:int', 'c3:int']);
    expect(v.columns.filter((c) => c.type === 'int').length).toBe(298);
    expect((await t.service.rows(`wide-late@${v.version}`, { offset: 11_998, columns: ['c0', 'c1', 'c2', 'c299'] })).rows).toEqual([
      [8, '9', 0, 7],
      [1.5, '0x10', 2, 2],
    ]);
    expect(messages).toContain('reading again: column \'c0\' holds "1.5", so it is DOUBLE instead of BIGINT');
    expect(messages).toContain('reading again: column \'c1\' holds "0x10" on line 12001, so it is VARCHAR instead of BIGINT');
  });
});
