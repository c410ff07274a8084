import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/index.js';
import { plainHeader } from './plain-csv-parse.js';
import { parsePlainRange, splitAtLines } from './plain-csv-range.js';
import { parseText, randomPlainCsv, referenceValues, valuesOf, type Columns, type Value } from './plain-csv-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-plain-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileOf = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text, 'latin1');
  return file;
};
const headerOf = (file: string): { names: string[]; end: number } => {
  const header = plainHeader(readFileSync(file), 44);
  if ('bail' in header) throw new Error(header.bail);
  return header;
};

/** The values of parts one after another (their dictionaries are their own). */
const concatenated = (parts: readonly (Columns | { bail: string })[]): Value[][] | { bail: string } => {
  const bail = parts.find((p) => 'bail' in p);
  if (bail) return bail as { bail: string };
  return (parts as Columns[])[0]!.columns.map((_, c) => (parts as Columns[]).flatMap((p) => p.columns[c]!));
};

describe('parsePlainRange', () => {
  // More than 4 MiB: several chunks, lines cut at each chunk's end.
  const big = randomPlainCsv(mulberry32(21), 160_000, 7);
  const bigFile = fileOf('big.csv', big);

  it('reads a file of several chunks as the reference does', () => {
    expect(statSync(bigFile).size).toBeGreaterThan(4 << 20);
    const { names, end } = headerOf(bigFile);
    const part = valuesOf(parsePlainRange(bigFile, end, statSync(bigFile).size, names.length, 44));
    expect(part).toEqual(referenceValues(big));
  });

  it('reads a range that ends at a line start before the end of the file', () => {
    const file = fileOf('range.csv', 'a,b\n1,x\n2,u\n3,v\n4,w\n');
    expect(valuesOf(parsePlainRange(file, 8, 16, 2, 44))).toMatchObject({ rows: 2, columns: [[2, 3], ['u', 'v']] });
  });

  it('reads a final line without a line end, and \\r\\n line ends', () => {
    const text = randomPlainCsv(mulberry32(22), 500, 4, '\r\n').slice(0, -2);
    const file = fileOf('crlf.csv', text);
    const { names, end } = headerOf(file);
    expect(valuesOf(parsePlainRange(file, end, text.length, names.length, 44))).toEqual(referenceValues(text));
  });

  it('reads a line longer than its buffer', () => {
    const long = 'q'.repeat(9 << 20);
    const file = fileOf('long.csv', `a,b\n1,x\n2,${long}\n3,x\n`);
    expect(valuesOf(parsePlainRange(file, 4, statSync(file).size, 2, 44))).toMatchObject({ rows: 3, columns: [[1, 2, 3], ['x', long, 'x']] });
  });

  it('gives the reason of a file that is not plain past its first chunk', () => {
    const file = fileOf('late.csv', `${big}"x",,,,,,\n`);
    const { names, end } = headerOf(file);
    expect(parsePlainRange(file, end, statSync(file).size, names.length, 44)).toEqual({ bail: 'line 160001 of the part: a field starting with "\\""' });
  });

  it('reads an empty range as no rows', () => {
    const file = fileOf('header.csv', 'a,b\n');
    expect(parsePlainRange(file, 4, 4, 2, 44)).toEqual({ rows: 0, columns: [{ kind: 'empty' }, { kind: 'empty' }], crlfLines: 0, lfLines: 0 });
  });

  it('counts the lines ending \\r\\n and \\n, a last one without a line end in neither', () => {
    const file = fileOf('ends.csv', 'a,b\n1,2\r\n3,4\n5,6\r\n7,8');
    const part = parsePlainRange(file, 4, statSync(file).size, 2, 44);
    expect('rows' in part && [part.rows, part.crlfLines, part.lfLines]).toEqual([4, 2, 1]);
  });
});

describe('splitAtLines', () => {
  it('splits at line starts into parts that read as the whole', () => {
    const size = statSync(join(dir, 'big.csv')).size;
    const file = join(dir, 'big.csv'), bytes = readFileSync(file);
    const { names, end } = headerOf(file);
    const whole = valuesOf(parsePlainRange(file, end, size, names.length, 44));
    for (const parts of [1, 2, 5]) {
      const starts = splitAtLines(file, end, size, parts);
      expect(starts.length).toBe(parts);
      expect(starts[0]).toBe(end);
      for (const s of starts.slice(1)) expect(bytes[s - 1], `a line starts at ${s}`).toBe(0x0a);
      // About equal: each part within a line of its share.
      starts.forEach((s, k) => expect(Math.abs(s - (end + ((size - end) * k) / parts))).toBeLessThan(200));
      const ranges = starts.map((s, k) => parsePlainRange(file, s, starts[k + 1] ?? size, names.length, 44));
      expect(concatenated(ranges.map(valuesOf)), `${parts} parts`).toEqual('bail' in whole ? whole : whole.columns);
    }
  });

  it('leaves parts empty when there are more parts than lines', () => {
    const text = 'a,b\n1,xx\n22,u\n3,zzzz';
    const file = fileOf('small.csv', text);
    const starts = splitAtLines(file, 4, text.length, 8);
    expect(starts).toEqual([4, 9, 9, 14, 14, 14, 20, 20]);
    const ranges = starts.map((s, k) => valuesOf(parsePlainRange(file, s, starts[k + 1] ?? text.length, 2, 44)));
    expect(concatenated(ranges)).toEqual(referenceValues(text).columns);
    expect(valuesOf(parseText(text))).toEqual(referenceValues(text));
  });
});
