import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

// Numbers in a CSV as pandas.read_csv reads them (pandas 1.5.3; its values in the comments).

describe('numbers written as pandas reads them', () => {
  const t = sqliteTestService();

  it("types a column of numbers with an explicit + as int or float (DuckDB's sniffer takes it for text), the values exact", async () => {
    const file = join(t.dir, 'signed.csv');
    writeFileSync(file, 'a,b,c,z,u,big,huge\n+5,+1.5,+1e3,+007,1_000,+9007199254740993,+99999999999999999999\n+6,2,-2.5E-1,1,2,1,1\n-7,+.5,+0,2,3,-1,2\n');
    const v = await t.service.add('signed', file);
    // pandas: a int64, b float64, c float64, z int64 (Keel keeps leading zeros as text), u object,
    // big int64, huge object.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'b:float', 'c:float', 'z:string', 'u:string', 'big:int', 'huge:string']);
    const out = join(t.dir, 'signed-out.csv');
    await t.service.export(`signed@${v.version}`, out);
    // pandas: [5, 1.5, 1000.0, 7, '1_000', 9007199254740993, '+99999999999999999999'], [6, 2.0, -0.25, 1, '2', 1, '1'], [-7, 0.5, 0.0, 2, '3', -1, '2'].
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'a,b,c,z,u,big,huge',
      '5,1.5,1000.0,+007,1_000,9007199254740993,+99999999999999999999',
      '6,2.0,-0.25,1,2,1,1',
      '-7,0.5,0.0,2,3,-1,2',
    ]);
  });

  it('reads whole numbers written as decimals into a column given the type int, as pandas\' int64 dtype does, and refuses 1.5', async () => {
    const file = join(t.dir, 'whole.csv');
    writeFileSync(file, 'x,y\n1.0,1\n2.00,2\n+3.,3\n-4.000,4\n1e3,5\n9007199254740993.0,6\n');
    // pandas.read_csv(dtype={'x': 'int64'}): [1, 2, 3, -4, 1000, 9007199254740992] (Keel reads the last exactly).
    const v = await t.service.add('whole', file, { types: { x: 'int' } });
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['x:int', 'y:int']);
    const out = join(t.dir, 'whole-out.csv');
    await t.service.export(`whole@${v.version}`, out);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(',')[0])).toEqual(['x', '1', '2', '3', '-4', '1000', '9007199254740993']);
    // pandas: "cannot safely convert passed user dtype of int64 for float64 dtyped data".
    writeFileSync(file, 'x\n1.0\n1.5\n');
    await expectKeelError(t.service.add('whole', file, { types: { x: 'int' } }), 'INVALID_ARGUMENT', /column 'x' was given the type int, but holds 1\.5, which is not a whole number/);
  });
  it("keeps as text the numbers DuckDB reads that pandas does not (hex, 1_000, +-5, NAN, 1e500), and reads pandas' spellings as numbers", async () => {
    const file = join(t.dir, 'spellings.csv');
    writeFileSync(file, 'hex,bin,under,pm,nanu,big,pnan,spinf,e5,dot,sp,infs\n0x1F,0b101,1_000,+-5,NAN,1e500,+nan," inf",1e5,.5," 5 ",Infinity\n0x10,1,NA,NA,1.5,1.5,1,1,2,5.,6,+inf\n');
    const v = await t.service.add('spellings', file);
    // pandas: the first eight object, e5 float64, dot float64, sp int64, infs float64. DuckDB's
    // sniffer took hex and bin for BIGINT (one more read, with a note, made them text), nanu and
    // big for DOUBLE; its cast reads under and pm (with NA beside them) and pnan as numbers.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['hex:string', 'bin:string', 'under:string', 'pm:string', 'nanu:string', 'big:string', 'pnan:string', 'spinf:string', 'e5:float', 'dot:float', 'sp:int', 'infs:float']);
    expect(v.notes).toBeUndefined();
    const out = join(t.dir, 'spellings-out.csv');
    await t.service.export(`spellings@${v.version}`, out);
    // pandas: ['0x1F', '0b101', '1_000', '+-5', 'NAN', '1e500', '+nan', ' inf', 100000.0, 0.5, 5, inf],
    // ['0x10', '1', NaN, NaN, '1.5', '1.5', '1', '1', 2.0, 5.0, 6, inf] (Keel keeps NA in a text
    // column, and stores an infinity as missing).
    expect(readFileSync(out, 'utf8').trim().split('\n').slice(1)).toEqual(['0x1F,0b101,1_000,+-5,NAN,1e500,+nan, inf,100000.0,0.5,5,', '0x10,1,NA,NA,1.5,1.5,1,1,2.0,5.0,6,']);
    expect(v.columns.at(-1)!.stats.missing).toBe(2);
  });

  it('keeps a column text when a value past the sampled rows is one pandas reads as text', async () => {
    // 25,000 rows fit the sniffed types (DuckDB sniffs 20,480): a int, b empty, c int with NA.
    const file = join(t.dir, 'late-text.csv');
    const head = Array.from({ length: 25_000 }, (_, i) => `${i},,${i === 0 ? 'NA' : i}`);
    writeFileSync(file, `a,b,c\n${head.join('\n')}\n0x10,1_000,1_000\n`);
    const v = await t.service.add('late-text', file);
    // pandas: a, b and c object, the last row ['0x10', '1_000', '1_000'].
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:string', 'b:string', 'c:string']);
    expect((await t.service.rows(`late-text@${v.version}`, { offset: 25_000 })).rows).toEqual([['0x10', '1_000', '1_000']]);
    // b, a text column so far, is read to its end as text.
    expect(v.notes).toEqual([
      'column \'a\' holds "0x10" on line 25002, so it is VARCHAR instead of BIGINT',
      'column \'c\' holds "1_000", so it is VARCHAR instead of BIGINT',
    ]);
  });
  it('keeps numbers with leading zeros as text whatever missing values stand beside them: none, empty fields, NA or --na spellings', async () => {
    const file = join(t.dir, 'zeros.csv');
    writeFileSync(file, 'plain,empty,na,given,plus,minus\n007,007,007,007,+007,-007\n010,,NA,?,nan,NA\n123,123,123,123,00.5,5\n');
    const v = await t.service.add('zeros', file, { na: ['?'] });
    // pandas (na_values=['?']): plain int64 [7, 10, 123], the others float64 [7.0, NaN, 123.0] but
    // plus [7.0, NaN, 0.5] and minus [-7.0, NaN, 5.0]. Keel keeps leading zeros as text in each
    // (an NA spelling stays text there, as in any text column), and reads -007 as the number -7.
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['plain:string:0', 'empty:string:1', 'na:string:0', 'given:string:1', 'plus:string:0', 'minus:int:1']);
    expect((await t.service.rows(`zeros@${v.version}`)).rows).toEqual([
      ['007', '007', '007', '007', '+007', -7],
      ['010', null, 'NA', null, 'nan', null],
      ['123', '123', '123', '123', '00.5', 5],
    ]);
    expect(v.notes).toBeUndefined();
  });

  it('keeps numbers with leading zeros as text in a column empty in the sampled rows', async () => {
    // 25,000 rows (DuckDB sniffs 20,480) with b empty; then b holds zip codes.
    const file = join(t.dir, 'late-zeros.csv');
    const head = Array.from({ length: 25_000 }, (_, i) => `${i},`);
    writeFileSync(file, `a,b\n${head.join('\n')}\n1,02134\n2,NA\n3,10001\n`);
    const v = await t.service.add('late-zeros', file);
    // pandas: b float64 [2134.0, NaN, 10001.0].
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'b:string']);
    expect((await t.service.rows(`late-zeros@${v.version}`, { offset: 25_000 })).rows).toEqual([[1, '02134'], [2, 'NA'], [3, '10001']]);
  });
});

describe('integer columns of a file the sniff read whole (read as BIGINT, without the whole-number check)', () => {
  const t = sqliteTestService();

  it('stores a fraction as float, integers beyond 2^53 exactly, and text pandas reads as text, as in a longer file', async () => {
    // Short enough for the sniff and the look at the head to see every row (sniffedEveryRow).
    const short = join(t.dir, 'short.csv');
    writeFileSync(short, 'i,f,big,neg,hex,nul\n1,1,9007199254740993,-9007199254740993,1,\n2,1.5,1,-1,0x10,7\n3,2,2,0,2,\n');
    // The same rows after 40 rows of ones: neither sees every row, and the check decides.
    const long = join(t.dir, 'long.csv');
    writeFileSync(long, `i,f,big,neg,hex,nul\n${'1,1,1,1,1,1\n'.repeat(40)}1,1,9007199254740993,-9007199254740993,1,\n2,1.5,1,-1,0x10,7\n3,2,2,0,2,\n`);
    // pandas: i int64, f float64, big int64, neg int64, hex object, nul float64 (Keel: int, NaN missing).
    for (const [name, file, skip] of [['short', short, 0], ['long', long, 40]] as const) {
      const v = await t.service.add(name, file);
      expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['i:int', 'f:float', 'big:int', 'neg:int', 'hex:string', 'nul:int']);
      // pandas: [1, 1.0, 9007199254740993, -9007199254740993, '1', NaN], [2, 1.5, 1, -1, '0x10', 7.0], [3, 2.0, 2, 0, '2', NaN]
      // (rows() gives an int beyond 2^53 as its digits).
      expect((await t.service.rows(`${name}@${v.version}`, { offset: skip })).rows).toEqual([
        [1, 1, '9007199254740993', '-9007199254740993', '1', null],
        [2, 1.5, 1, -1, '0x10', 7],
        [3, 2, 2, 0, '2', null],
      ]);
    }
  });

  it('keeps as text a hex value past the first MiB of a short file', async () => {
    // 3 rows, the first 1.1 MB: the look at the head reads the whole file, not its first MiB only.
    const file = join(t.dir, 'hex-late.csv');
    writeFileSync(file, `h,pad\n1,${'x'.repeat(1_100_000)}\n0x10,x\n2,x\n`);
    const v = await t.service.add('hex-late', file);
    // pandas: h object ['1', '0x10', '2'].
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['h:string', 'pad:string']);
    expect((await t.service.rows(`hex-late@${v.version}`, { offset: 1, columns: ['h'] })).rows).toEqual([['0x10'], ['2']]);
  });

  it('reads a fraction past the sniffed rows of a file of long rows as float', async () => {
    // 2,100 rows of 3,000 bytes: the sniff reads 2,048 of them (sniffRows), and 1.5 comes after.
    const file = join(t.dir, 'long-rows.csv');
    writeFileSync(file, `f,pad\n${`1,${'x'.repeat(3000)}\n`.repeat(2099)}1.5,x\n`);
    const v = await t.service.add('long-rows', file);
    // pandas: f float64, the last value 1.5.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['f:float', 'pad:string']);
    expect((await t.service.rows(`long-rows@${v.version}`, { offset: 2099 })).rows).toEqual([[1.5, 'x']]);
  });
});
