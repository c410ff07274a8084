import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { headRows, sameHeaders, sampleFile, sniffedEveryRow, wholeRowsEnd } from './csv-sample.js';

describe('sameHeaders: parts that can be read by position as one file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-csv-sample-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  /** The files holding these texts (`.gz` ones gzipped). */
  const parts = (...texts: (string | Buffer)[]): string[] =>
    texts.map((text) => {
      const gz = typeof text !== 'string';
      const file = join(dir, `p${n++}.csv${gz ? '.gz' : ''}`);
      writeFileSync(file, gz ? gzipSync(text) : text);
      return file;
    });

  it('holds when every part opens with the same header line', async () => {
    expect(await sameHeaders(parts('a,b\n1,2\n', 'a,b\n3,4\n5,6\n', 'a,b\n'), {})).toBe(true);
    // Gzipped parts are compared by their text.
    expect(await sameHeaders(parts(Buffer.from('a,b\n1,2\n'), Buffer.from('a,b\n3,4\n')), {})).toBe(true);
    // Lines above the header may differ: the header comes after them.
    expect(await sameHeaders(parts('made 1 May\na,b\n1,2\n', 'made 2 May\na,b\n3,4\n'), { skip: 1 })).toBe(true);
    expect(await sameHeaders(parts('"a ""x""",b\n1,2\n', '"a ""x""",b\n3,4\n'), {})).toBe(true);
    // Comment lines above the header are passed over, and do not count as lines to skip.
    expect(await sameHeaders(parts('# by x\nmade 1 May\na,b\n', 'made 2 May\n# by y\n# z\na,b\n'), { skip: 1, comment: '#' })).toBe(true);
  });

  it('fails for another order, another column, another spelling of the same names, or a header it cannot tell', async () => {
    expect(await sameHeaders(parts('a,b\n1,2\n', 'b,a\n3,4\n'), {})).toBe(false);
    expect(await sameHeaders(parts('a,b\n1,2\n', 'a,b,c\n3,4,5\n'), {})).toBe(false);
    // A byte-order mark, line ends, quotes: the same names, but not the same bytes.
    expect(await sameHeaders(parts('a,b\n1,2\n', '\ufeffa,b\n3,4\n'), {})).toBe(false);
    expect(await sameHeaders(parts('a,b\n1,2\n', 'a,b\r\n3,4\r\n'), {})).toBe(false);
    expect(await sameHeaders(parts('a,b\n1,2\n', '"a",b\n3,4\n'), {})).toBe(false);
    expect(await sameHeaders(parts('made 1 May\na,b\n1,2\n', 'made 2 May\na,b\n3,4\n'), {})).toBe(false);
    // The same comment line above other headers: the headers are what is compared.
    expect(await sameHeaders(parts('# exported\na,b\n1,2\n', '# exported\nb,a\n3,4\n'), { comment: '#' })).toBe(false);
    // An empty part, a header without its line end, a quoted line break in the header.
    expect(await sameHeaders(parts('a,b\n1,2\n', ''), {})).toBe(false);
    expect(await sameHeaders(parts('a,b', 'a,b'), {})).toBe(false);
    expect(await sameHeaders(parts('"a\nx",b\n1,2\n', '"a\nx",b\n3,4\n'), {})).toBe(false);
    // A header longer than the bytes compared (64 KiB).
    const long = `${Array.from({ length: 10_000 }, (_, i) => `column_${i}`).join(',')}\n1\n`;
    expect(await sameHeaders(parts(long, long), {})).toBe(false);
    // zstd parts are not decompressed here.
    const zst = join(dir, 'p.csv.zst');
    writeFileSync(zst, 'a,b\n');
    expect(await sameHeaders([...parts('a,b\n'), zst], {})).toBe(false);
  });
});

describe('headRows: the first rows of a CSV, read in JS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-head-rows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('splits fields at the delimiter outside quotes, takes quotes off and reads doubled ones as one', async () => {
    const path = file('q.csv', 'a,"b,c",d\r\n1,"say ""hi""\nthere",\n2,3,4');
    expect(await headRows(path, {}, 5)).toEqual([['a', 'b,c', 'd'], ['1', 'say "hi"\nthere', ''], ['2', '3', '4']]);
    expect(await headRows(path, {}, 2)).toEqual([['a', 'b,c', 'd'], ['1', 'say "hi"\nthere', '']]);
    // A tab-separated file by its name; a delimiter given; a byte-order mark.
    expect(await headRows(file('t.tsv', 'a\tb\n1\t2\n'), {}, 5)).toEqual([['a', 'b'], ['1', '2']]);
    expect(await headRows(file('s.csv', '\ufeffa; b\n1; 2\n'), { delimiter: '; ' }, 5)).toEqual([['a', 'b'], ['1', '2']]);
    expect(await headRows(file('g.csv.gz', gzipSync('a,b\n1,2\n')), {}, 5)).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('skips the lines above the header and comment lines', async () => {
    const path = file('c.csv', 'made today\n# note\na,b\n# more\n1,2\n');
    expect(await headRows(path, { skip: 1, comment: '#' }, 5)).toEqual([['a', 'b'], ['1', '2']]);
    expect(await headRows(path, {}, 2)).toEqual([['made today'], ['# note']]);
  });

  it('leaves out a row cut off by the end of the first MiB, and says nothing of a file it cannot read', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},${'x'.repeat(i % 30)}`);
    const read = (await headRows(file('long.csv', `${rows.join('\n')}\n`), {}, 100_000))!;
    expect(read.length).toBeGreaterThan(30_000);
    expect(read.at(-1)).toEqual(rows[read.length - 1]!.split(','));
    expect(await headRows(file('open.csv', `a,b\n1,"${'x'.repeat(2 << 20)}"\n`), {}, 5)).toEqual([['a', 'b']]);
    expect(await headRows(join(dir, 'missing.csv'), {}, 5)).toBeUndefined();
    expect(await headRows(file('u.csv', 'a,b\n'), { encoding: 'utf-16' }, 5)).toBeUndefined();
  });
});

describe("the plain copy of a large CSV's first rows", () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-sample-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const end = (text: string, read = {}) => wholeRowsEnd(Buffer.from(text), read);

  it('ends after the last line end outside quotes', () => {
    expect(end('a,b\n1,2\n3,4')).toBe(8);
    expect(end('a,b\n1,"x\ny"\n3,"z\n')).toBe(12);
    expect(end('a,b\n1,"say ""hi""\nthere"\n3,4')).toBe(25);
    expect(end('a,b,c,d')).toBe(0);
    // A quote in a comment line or a line above the header opens nothing.
    expect(end('# 5\'10"\na,b\n1,2\n3,4', { comment: '#' })).toBe(16);
    expect(end('made "today\na,b\n1,2\n3', { skip: 1 })).toBe(20);
    // Without those options the same quote is taken to open a field that never closes.
    expect(end('made "today\na,b\n1,2\n3')).toBe(0);
  });

  it('is cut after a whole row when the file is over 5 MiB, and is the file itself when smaller', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i},"${i % 3 ? 'plain' : 'two\nlines'}",${'x'.repeat(40)}`);
    const big = join(dir, 'big.csv');
    const original = `# a "note\nn,s,pad\n${rows.join('\n')}\n`;
    writeFileSync(big, original);
    const copy = await sampleFile(big, dir, { comment: '#' });
    expect(copy).not.toBe(big);
    // The file's first 5 MiB up to the end of a row: the next row starts right after.
    const text = readFileSync(copy, 'utf8');
    expect(text.length).toBeGreaterThan(5_200_000);
    expect(original.startsWith(text)).toBe(true);
    const next = Number(/^(\d+),/.exec(original.slice(text.length))![1]);
    expect(next).toBeGreaterThan(50_000);
    expect(text.endsWith(`\n${rows[next - 1]}\n`)).toBe(true);
    const small = join(dir, 'small.csv');
    writeFileSync(small, 'a,b\n1,2\n');
    expect(await sampleFile(small, dir, {})).toBe(small);
  });
});

describe('sniffedEveryRow: a file whose every row the sniff and the head look saw', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-csv-every-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('holds for a short plain file, of fewer line ends (\\n and \\r both counted) than the rows looked at', async () => {
    const five = 'a,b\n1,2\n3,4\n5,6\n7,8\n';
    expect(await sniffedEveryRow(file('five.csv', five), {}, 32)).toBe(true);
    expect(await sniffedEveryRow(file('five.csv', five), {}, 5)).toBe(false);
    expect(await sniffedEveryRow(file('crlf.csv', five.replaceAll('\n', '\r\n')), {}, 6)).toBe(false);
    expect(await sniffedEveryRow(file('cr.csv', five.replaceAll('\n', '\r')), {}, 5)).toBe(false);
    // A wide row: 1,200,000 bytes, one line.
    expect(await sniffedEveryRow(file('wide.csv', `${'1,'.repeat(600_000)}\n`), {}, 32)).toBe(true);
  });

  it('fails for a file larger than the sniff reads (4 MiB), a compressed or a UTF-16 file', async () => {
    expect(await sniffedEveryRow(file('large.csv', `${'1,'.repeat(2_200_000)}\n`), {}, 32)).toBe(false);
    expect(await sniffedEveryRow(file('five.csv.gz', gzipSync('a\n1\n')), {}, 32)).toBe(false);
    expect(await sniffedEveryRow(file('utf16.csv', 'a\n1\n'), { encoding: 'utf-16' }, 32)).toBe(false);
  });
});
