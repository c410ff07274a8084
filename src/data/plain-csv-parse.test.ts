import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/index.js';
import { FNV_OFFSET, FNV_PRIME } from './plain-csv-dictionary.js';
import { plainHeader, PlainCsvParser } from './plain-csv-parse.js';
import { parseText, randomPlainCsv, referenceValues, valuesOf } from './plain-csv-test-helpers.js';

const bailOf = (text: string, delimiter = ','): string | undefined => {
  const part = parseText(text, delimiter, { negativeZero: 'bail' });
  return 'bail' in part ? part.bail : undefined;
};

describe('plain CSV numbers', () => {
  it('reads each number as Number() does, to the bit', () => {
    const random = mulberry32(7);
    const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const texts: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const intDigits = Math.floor(random() * 17);
      const int = intDigits === 0 ? '0' : String(1 + Math.floor(random() * 9)) + digits(intDigits - 1);
      const fraction = random() < 0.2 ? '' : `.${digits(1 + Math.floor(random() * Math.max(1, Math.min(22, 16 - intDigits))))}`;
      const text = `${random() < 0.3 ? '-' : ''}${int}${fraction}`;
      // Only mantissas below 2^53 are plain (the bail cases are below).
      if (BigInt(text.replace(/[-.]/g, '')) < 2n ** 53n && !/^-0(\.0*)?$/.test(text)) texts.push(text);
    }
    texts.push('9007199254740991', '-9007199254740991', '0.9007199254740991', '0.0000000000000000000001', '123456789.0123456', '0.1', '0.3', '1.797693134862315');
    const part = parseText(`x\n${texts.join('\n')}\n`);
    if ('bail' in part) throw new Error(`${part.bail}: ${texts[Number(/line (\d+)/.exec(part.bail)?.[1]) - 1]}`);
    const column = part.columns[0]!;
    expect(column.kind).toBe('number');
    if (column.kind !== 'number') return;
    expect(column.fractional).toBe(true);
    const wrong = texts.filter((t, k) => !Object.is(column.values[k], Number(t)));
    expect(wrong).toEqual([]);
    expect(column.values.length).toBe(texts.length);
  });

  it('marks a column fractional only when some field has a fraction', () => {
    const part = parseText('i,f,g\n1,2,-3\n,2.50,4\n-7,0,5\n');
    expect('bail' in part ? [] : part.columns.map((c) => c.kind === 'number' && c.fractional)).toEqual([false, true, false]);
  });

  it('bails on every number that is not plain', () => {
    for (const field of ['.5', '5.', '1e5', '1E5', '+1', '007', '00', '-00', '0.5.1', ' 1', '1 ', '--1', '-', '-.5', '1-', '0x10', '1_000', 'Infinity', '-inf']) {
      expect(bailOf(`a,b\n1,${field}\n`), field).toBeDefined();
    }
    // Beyond 2^53 (as one integer mantissa) or more than 22 fraction digits.
    expect(bailOf('a\n9007199254740992\n')).toMatch(/more digits than a double/);
    expect(bailOf('a\n-900719925474099.25\n')).toMatch(/more digits than a double/);
    expect(bailOf(`a\n1${'0'.repeat(400)}\n`)).toMatch(/more digits than a double/);
    expect(bailOf('a\n0.00000000000000000000001\n')).toMatch(/22 fraction digits/);
    expect(bailOf('a\n9007199254740991\n')).toBeUndefined();
    expect(bailOf('a\n1\n007\n')).toMatch(/line 2 of the part: a number with a leading zero/);
  });

  it('reads a negative zero as -0, or bails on it when asked to', () => {
    const kept = valuesOf(parseText('a,b\n-0,-0.00\n1,0.0\n'));
    expect('bail' in kept ? kept : kept.columns.map((c) => c.map((v) => Object.is(v, -0)))).toEqual([[true, false], [true, false]]);
    expect(bailOf('a,b\n1,-0\n')).toMatch(/negative zero/);
    expect(bailOf('a,b\n1,-0.00\n')).toMatch(/negative zero/);
    expect(bailOf('a,b\n-1,-0.5\n1,-0.01\n')).toBeUndefined();
  });
});

describe('plain CSV words', () => {
  it('gives each distinct word a code in order of first sight', () => {
    const part = parseText('w,n\nfree,1\npro,2\nfree,3\n,4\nPro,5\npro,6\n');
    expect(part).toMatchObject({ rows: 6, columns: [{ kind: 'text', dictionary: ['free', 'pro', 'Pro'] }, { kind: 'number' }] });
    if (!('bail' in part) && part.columns[0]!.kind === 'text') expect(Array.from(part.columns[0]!.codes)).toEqual([0, 1, 0, -1, 2, 1]);
  });

  it('tells apart words whose hashes are the same, short or long', () => {
    const hash = (s: string): number => [...s].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), FNV_PRIME), FNV_OFFSET);
    // The loop compares words 8 bytes at a time: pairs shorter than 8, and of 8 and more (a 17-byte pair differs only past its first 8 or 16 bytes).
    for (const prefix of ['w', 'a_long_prefix_', 'x'.repeat(17)]) {
      const seen = new Map<number, string>();
      let pair: [string, string] | undefined;
      for (let i = 0; !pair; i++) {
        const w = `${prefix}${i.toString(36).padStart(4, '0')}`, h = hash(w), other = seen.get(h);
        if (other !== undefined) pair = [other, w];
        seen.set(h, w);
      }
      const [a, b] = pair;
      expect(a.length).toBe(b.length);
      expect(valuesOf(parseText(`w\n${a}\n${b}\n${a}\n${b}\n`))).toMatchObject({ columns: [[a, b, a, b]], dictionaries: [[a, b]] });
    }
  });

  it('bails on words pandas or DuckDB read as missing, bool or date, but not on lowercase true and false', () => {
    const refused = ['nan', 'NaN', 'NA', 'na', 'null', 'NULL', 'None', 'NaT', 'inf', 'Inf', 'infinity', 'Infinity', 't', 'T', 'f', 'F', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'no', 'NO', 'on', 'On', 'off', 'OFF', 'True', 'TRUE', 'False', 'FALSE', 'epoch', 'Epoch'];
    for (const word of refused) expect(bailOf(`a,b\nx,1\n${word},2\n`), word).toMatch(/missing value, a bool or a date/);
    expect(valuesOf(parseText('a,b\ntrue,1\nfalse,2\n,3\ntrue,4\n'))).toMatchObject({ columns: [['true', 'false', null, 'true'], [1, 2, 3, 4]], dictionaries: [['true', 'false'], undefined] });
    expect(valuesOf(parseText('a\nnano\nnone1\nyes_\nx\n'))).toMatchObject({ columns: [['nano', 'none1', 'yes_', 'x']] });
  });

  it('bails on a word that is not letters, digits and _ after a letter', () => {
    for (const field of ['_a', 'a-b', 'a.b', 'a b', 'a ', ' a', 'a;b', 'a/b', 'a#', 'a\tb', 'a\x00', '#N/A']) {
      expect(bailOf(`a,b\n1,${field}\n`), JSON.stringify(field)).toBeDefined();
    }
  });

  it('bails on a column with both numbers and words, in either order', () => {
    expect(bailOf('a,b\n1,x\n2,3\n')).toMatch(/line 2 of the part: column 2 holds both/);
    expect(bailOf('a,b\n1,3\n2,x\n')).toMatch(/line 2 of the part: column 2 holds both/);
    expect(bailOf('a,b\n1,\n2,x\n,4\n')).toMatch(/column 2 holds both/);
  });
});

describe('plain CSV lines', () => {
  it('reads a random file as the split-based reference does', () => {
    const random = mulberry32(11);
    for (let k = 0; k < 40; k++) {
      const text = randomPlainCsv(random, Math.floor(random() * 300), 1 + Math.floor(random() * 8));
      expect(valuesOf(parseText(text)), `file ${k}`).toEqual(referenceValues(text));
    }
  });

  it('reads \\r\\n line ends as \\n, and a final line without its line end', () => {
    const random = mulberry32(12);
    for (let k = 0; k < 10; k++) {
      const text = randomPlainCsv(random, 1 + Math.floor(random() * 100), 1 + Math.floor(random() * 6));
      const expected = referenceValues(text);
      expect(valuesOf(parseText(text.replace(/\n/g, '\r\n')))).toEqual(expected);
      expect(valuesOf(parseText(text.slice(0, -1)))).toEqual(expected);
      expect(valuesOf(parseText(text.replace(/\n/g, '\r\n').slice(0, -2)))).toEqual(expected);
    }
    expect(valuesOf(parseText('a,b\n1,x'))).toMatchObject({ rows: 1, columns: [[1], ['x']] });
    expect(valuesOf(parseText('a,b\n1,'))).toMatchObject({ rows: 1, columns: [[1], [null]] });
  });

  it('reads other delimiters', () => {
    expect(valuesOf(parseText('a\tb\n1\tx\n\tz\n2.5\t\n', '\t'))).toEqual(referenceValues('a\tb\n1\tx\n\tz\n2.5\t\n', '\t'));
    expect(valuesOf(parseText('a;b\n1;x\n;w\n', ';'))).toMatchObject({ columns: [[1, null], ['x', 'w']] });
    for (const d of ['a', '_', '0', '-', '.', '"', '\n', '\r', '\xe9']) expect(new PlainCsvParser(2, d.charCodeAt(0)).bail, JSON.stringify(d)).toMatch(/delimiter/);
  });

  it('reads a file fed in many small pieces as the whole', () => {
    const random = mulberry32(13);
    for (let k = 0; k < 20; k++) {
      const bytes = Buffer.from(randomPlainCsv(random, Math.floor(random() * 200), 1 + Math.floor(random() * 6), k % 2 ? '\r\n' : '\n'), 'latin1');
      const header = plainHeader(bytes, 44);
      if ('bail' in header) throw new Error(header.bail);
      const parser = new PlainCsvParser(header.names.length, 44, 4);
      let start = header.end;
      while (start < bytes.length) {
        // Up to a random line end, one line or several.
        let end = bytes.indexOf(0x0a, start + Math.floor(random() * 60)) + 1;
        if (end === 0) end = bytes.length;
        expect(parser.feed(bytes, start, end, end === bytes.length)).toBe(true);
        start = end;
      }
      expect(valuesOf(parser.finish())).toEqual(valuesOf(parseText(bytes.toString('latin1'))));
    }
  });

  it('refuses a piece that does not end at a line end unless it is the last', () => {
    const parser = new PlainCsvParser(1, 44);
    expect(parser.feed(Buffer.from('1\n2'), 0, 3)).toBe(false);
    expect(parser.bail).toMatch(/line end/);
  });

  it('grows its arrays past the expected rows', () => {
    const text = randomPlainCsv(mulberry32(14), 5000, 5);
    expect(valuesOf(parseText(text, ',', {}, 1))).toEqual(referenceValues(text));
    const late = `a,b\n${'1,\n'.repeat(3000)}2,x\n`;
    expect(valuesOf(parseText(late, ',', {}, 10))).toMatchObject({ rows: 3001, columns: [expect.any(Array), [...Array<null>(3000).fill(null), 'x']] });
  });

  it('reads a column with no value as empty', () => {
    expect(parseText('a,b,c\n1,,x\n2,,\n')).toMatchObject({ rows: 2, columns: [{ kind: 'number' }, { kind: 'empty' }, { kind: 'text' }] });
    expect(parseText('a,b\n')).toMatchObject({ rows: 0, columns: [{ kind: 'empty' }, { kind: 'empty' }] });
  });

  it('bails on a quote, a byte past ASCII, a lone \\r, an empty line or a line of another width', () => {
    const cases: [string, RegExp][] = [
      ['a,b\n"x",1\n', /starting with "\\""/],
      ['a,b\nx"y,1\n', /word followed by "\\""/],
      ['a,b\n1,2"\n', /number followed by/],
      ['a,b\n\xe9,1\n', /starting with/],
      ['a,b\nx\xe9,1\n', /word followed by/],
      ['a,b\n1,2\r3,4\n', /lone \\r/],
      ['a,b\n1,2\r', /lone \\r/],
      ['a,b\n1,\r', /lone \\r/],
      ['a,b\n1,2\n\n3,4\n', /line 2 of the part: an empty line/],
      ['a,b\n1,2\n\n', /line 2 of the part: an empty line/],
      ['a,b\n1,2\n\r\n', /an empty line/],
      ['a\n1\n\n2\n', /an empty line/],
      ['a\n1\n\n', /an empty line/],
      ['a,b\n1\n', /1 fields, not 2/],
      ['a,b\n1,2\n3\n', /line 2 of the part: 1 fields, not 2/],
      ['a,b\n1,2,3\n', /more than 2 fields/],
      ['a,b\n1,2,\n', /more than 2 fields/],
    ];
    for (const [text, reason] of cases) expect(bailOf(text), JSON.stringify(text)).toMatch(reason);
  });
});

describe('plainHeader', () => {
  it('reads the names and where the data starts', () => {
    expect(plainHeader(Buffer.from('id,Age_2,_x\n1,2,3\n'), 44)).toEqual({ names: ['id', 'Age_2', '_x'], end: 12 });
    expect(plainHeader(Buffer.from('a\tb\r\n1\t2\r\n'), 9)).toEqual({ names: ['a', 'b'], end: 5 });
  });

  it('bails on a name that is not plain, a repeated name or a header without a line end', () => {
    for (const header of ['1a,b', 'a b,c', 'a,,b', '"a",b', 'a,b-c', 'a,b.c', 'a,b ', '\xef\xbb\xbfa,b', 'a,\xe9', ',a', 'a,']) {
      expect(plainHeader(Buffer.from(`${header}\n1,2\n`, 'latin1'), 44), JSON.stringify(header)).toHaveProperty('bail', expect.stringMatching(/not plain/));
    }
    expect(plainHeader(Buffer.from('a,b,A\n'), 44)).toHaveProperty('bail', expect.stringMatching(/repeated/));
    expect(plainHeader(Buffer.from('Id,iD\n'), 44)).toHaveProperty('bail', expect.stringMatching(/repeated/));
    expect(plainHeader(Buffer.from('a,b'), 44)).toHaveProperty('bail', expect.stringMatching(/no line end/));
  });
});
