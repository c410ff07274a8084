import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataStore, type MetadataStore } from '../storage/index.js';
import { queryMessage } from './advice-error.js';
import { expectKeelError, makeTestService, type TestService } from './test-helpers.js';

// How `keel data add` reads files, CSV above all, checked against what pandas.read_csv makes of
// the same bytes (the metadata store plays no part: SQLite in memory).

/** The reads that started again, each once (the progress bar repeats its message while it reads). */
const readingAgain = (messages: readonly string[]): string[] => [...new Set(messages.filter((m) => m.startsWith('reading again')))];

describe('reading files as pandas does', () => {
  let store: MetadataStore;
  let t: TestService;
  let fileA: string;
  beforeAll(async () => {
    store = await openMetadataStore('sqlite::memory:');
    t = makeTestService(store);
    fileA = join(t.dir, 'a.csv');
    writeFileSync(fileA, 'x,y,c,t\n1,0.5,a,2024-01-01 00:00:00\n2,1.5,b,2024-01-02 00:00:00\n3,,a,2024-01-03 12:00:00\n');
  });
  afterAll(async () => store.close());

  it('applies given column types: ids kept as text, whole numbers only into int, in CSV and Parquet', async () => {
    const file = join(t.dir, 'typed.csv');
    writeFileSync(file, 'id,n,x\n123,1,2.0\n45,2,3.5\n');
    const plain = await t.service.add('typed', file);
    expect(plain.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:int', 'n:int', 'x:float']);
    const typed = await t.service.add('typed', file, { types: { id: 'string', n: 'float' } });
    expect(typed.version).not.toBe(plain.version);
    expect(typed.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:string', 'n:float', 'x:float']);
    expect((await t.service.rows(`typed@${typed.version}`)).rows).toEqual([['123', 1, 2], ['45', 2, 3.5]]);
    // DuckDB's cast alone would round 3.5 to 4; pandas' int dtype refuses, and so does Keel (2.0 passes).
    await expectKeelError(t.service.add('typed', file, { types: { x: 'int' } }), 'INVALID_ARGUMENT', /column 'x' was given the type int, but holds 3\.5, which is not a whole number/);
    await expectKeelError(t.service.add('typed', file, { types: { nope: 'string' } }), 'INVALID_ARGUMENT', /types: no column 'nope' in the file \(columns: id, n, x\)/);
    await expectKeelError(t.service.add('typed', file, { types: { id: 'text' } }), 'INVALID_ARGUMENT', /column 'id': unknown type 'text' \(known: int, float, bool, string, timestamp\)/);
    // Parquet: the declared type is converted the same way.
    const pq = await t.service.parquetPath(`typed@${typed.version}`);
    const back = await t.service.add('typed-pq', pq, { format: 'parquet', types: { n: 'int', id: 'string' } });
    expect(back.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:string', 'n:int', 'x:float']);
    await expectKeelError(t.service.add('typed-pq', pq, { format: 'parquet', types: { x: 'int' } }), 'INVALID_ARGUMENT', /column 'x' was given the type int, but holds 3\.5/);
  });

  it('widens a column whose value past the sniffed rows does not fit its type, as pandas types it by all its values', async () => {
    // 25,000 rows fit every sniffed type (DuckDB sniffs 20,480); the last rows do not.
    const file = join(t.dir, 'late.csv');
    const head = Array.from({ length: 25_000 }, (_, i) => `${i},${i % 7},${i},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 === 0},${i}`);
    writeFileSync(file, `a,b,big,day,flag,n\n${head.join('\n')}\n1.5,hello,9007199254740993,soon,,-3\n`);
    const messages: string[] = [];
    const v = await t.service.add('late', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    // pandas.read_csv: a float64, b object, big int64, day object, flag object (bool with NaN), n int64.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:float', 'b:string', 'big:int', 'day:string', 'flag:bool', 'n:int']);
    // DuckDB's cast alone would store 1.5 as 2 in an int column; 2^53 + 1 survives exactly.
    const last = (await t.service.rows(`late@${v.version}`, { offset: 25_000, columns: ['a', 'b', 'day', 'n'] })).rows;
    expect(last).toEqual([[1.5, 'hello', 'soon', -3]]);
    const exported = join(t.dir, 'late-out.csv');
    await t.service.export(`late@${v.version}`, exported);
    expect(readFileSync(exported, 'utf8').trim().split('\n').pop()).toBe('1.5,hello,9007199254740993,soon,,-3');
    expect(v.columns.find((c) => c.name === 'a')!.stats.max).toBe(24_999);
    // The third widening also types the other number columns (here big, past 2^53) by all their values.
    expect(messages.some((m) => m.startsWith("reading again: column 'a' holds \"1.5\", so it is DOUBLE instead of BIGINT"))).toBe(true);
    expect(messages.some((m) => /^reading again: column 'b' holds "hello" on line 25002, so it is VARCHAR instead of BIGINT$/.test(m))).toBe(true);
    // A given type is the user's: a value that does not fit it stays an error.
    await expectKeelError(t.service.add('late', file, { types: { n: 'int', a: 'int' } }), 'INVALID_ARGUMENT', /column 'a' was given the type int, but holds 1\.5/);
    // NDJSON: DuckDB types it from the first 20,480 rows too; a later misfit takes the types from all rows.
    const json = join(t.dir, 'late.ndjson');
    writeFileSync(json, `${Array.from({ length: 25_000 }, (_, i) => JSON.stringify({ a: i, b: 'x', c: i / 2 })).join('\n')}\n{"a":"oops","b":1.5,"c":7}\n`);
    const jsonMessages: string[] = [];
    const j = await t.service.add('late-json', json, {}, { onProgress: (e) => void (e.message && jsonMessages.push(e.message)) });
    // pandas.read_json(lines=True): a and b object, c float64.
    expect(j.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:string', 'b:string', 'c:float']);
    expect((await t.service.rows(`late-json@${j.version}`, { offset: 24_999 })).rows).toEqual([['24999', 'x', 12_499.5], ['oops', '1.5', 7]]);
    expect(jsonMessages).toContain('reading again: a value on line 25001 does not fit the types of the first rows, so the types come from all rows');
    // Rows of ~3 KB: DuckDB samples 2,048 of them (about 4 MiB), as a CSV's; the misfit on line
    // 3,001 is past them.
    const wide = join(t.dir, 'wide-rows.ndjson');
    const pad = 'p'.repeat(3000);
    writeFileSync(wide, `${Array.from({ length: 4_000 }, (_, i) => JSON.stringify({ a: i === 3_000 ? 'x' : i, pad })).join('\n')}\n`);
    const wideMessages: string[] = [];
    const w = await t.service.add('wide-json', wide, {}, { onProgress: (e) => void (e.message && wideMessages.push(e.message)) });
    expect(w.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:string', 'pad:string']);
    expect(wideMessages).toContain('reading again: a value on line 3001 does not fit the types of the first rows, so the types come from all rows');
  });

  it('reads a column of whole numbers with one beyond BIGINT as text, as pandas does, in the sniffed rows or past them', async () => {
    const file = join(t.dir, 'huge.csv');
    writeFileSync(file, `id,v\n${Array.from({ length: 25_000 }, (_, i) => `${i},${i}`).join('\n')}\n25000,123456789012345678901\n`);
    const v = await t.service.add('huge', file);
    // pandas.read_csv: id int64, v object (a float would have rounded the last value).
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:int', 'v:string']);
    expect((await t.service.rows(`huge@${v.version}`, { offset: 24_999 })).rows).toEqual([[24_999, '24999'], [25_000, '123456789012345678901']]);
    // In the sniffed rows (DuckDB's sniffer takes the column for DOUBLE): text too, not rounded.
    // f's first 40 values are whole and a fraction follows: DOUBLE, as sniffed.
    const sampled = join(t.dir, 'huge-sampled.csv');
    writeFileSync(sampled, `id,v,f\n${Array.from({ length: 100 }, (_, i) => `${i},${i === 50 ? '123456789012345678901' : i === 7 ? '' : -i},${i === 40 ? '0.5' : i}`).join('\n')}\n`);
    const s = await t.service.add('huge', sampled);
    // pandas.read_csv: id int64, v object, f float64.
    expect(s.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:int', 'v:string', 'f:float']);
    expect((await t.service.rows(`huge@${s.version}`, { offset: 49, limit: 2, columns: ['v'] })).rows).toEqual([['-49'], ['123456789012345678901']]);
  });

  it('types the columns empty in the sniffed rows by all their values, in one more read', async () => {
    // 25,000 rows with only `a`; then values: whole numbers, fractions, bools, dates, numbers
    // with NA, dates and timestamps, numbers and a word; `k` stays empty, `note` gets text.
    const file = join(t.dir, 'sparse.csv');
    const head = Array.from({ length: 25_000 }, (_, i) => `${i},,,,,,,,,`);
    const tail = Array.from({ length: 3000 }, (_, i) => {
      const big = i === 2999 ? '9007199254740993' : String(i);
      return [i, big, i / 4, i % 2 === 0, `2024-01-0${(i % 9) + 1}`, i % 3 === 0 ? 'NA' : i, i % 2 ? '2024-01-02 10:00:00' : '2024-01-03', i === 2999 ? 'x' : 1, '', i % 2 ? 'NA' : 'seen'].join(',');
    });
    writeFileSync(file, `a,n,x,flag,day,e,at,w,k,note\n${head.join('\n')}\n${tail.join('\n')}\n`);
    const messages: string[] = [];
    const v = await t.service.add('sparse', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    // pandas.read_csv: a int64; n, x, e, k float64 (n and e are whole numbers with NaN, which Keel
    // keeps as int, n's 2^53 + 1 exactly); flag, day, at, w, note object.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'n:int', 'x:float', 'flag:bool', 'day:timestamp', 'e:int', 'at:timestamp', 'w:string', 'k:string', 'note:string']);
    // In a text column NA stays text, as in any text column.
    expect(v.columns.map((c) => c.stats.missing)).toEqual([0, 25_000, 25_000, 25_000, 25_000, 26_000, 25_000, 25_000, 28_000, 25_000]);
    // Every column empty there is typed in the same pass: one read more, not one per column.
    expect(readingAgain(messages)).toEqual([
      "reading again: column 'n' was empty in the sniffed rows and holds \"0\" later, so it is BIGINT (and 7 more columns empty there, typed by all their values)",
    ]);
    const columns = ['x', 'flag', 'day', 'e', 'at', 'w', 'k', 'note'];
    const last = (await t.service.rows(`sparse@${v.version}`, { offset: 27_999, columns })).rows;
    expect(last).toEqual([[2999 / 4, false, '2024-01-03T00:00:00.000Z', 2999, '2024-01-02T10:00:00.000Z', 'x', null, 'NA']]);
    // A sparse column of text alone is read as text to its end: no read more.
    const notes = join(t.dir, 'notes.csv');
    writeFileSync(notes, `a,note\n${Array.from({ length: 25_000 }, (_, i) => `${i},`).join('\n')}\n1,first note\n2,NA\n`);
    const again: string[] = [];
    const n = await t.service.add('notes', notes, {}, { onProgress: (e) => void (e.message && again.push(e.message)) });
    expect(n.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['a:int:0', 'note:string:25000']);
    expect(readingAgain(again)).toEqual([]);
    // n's last value, 2^53 + 1, is read exactly from its text.
    const exported = join(t.dir, 'sparse-out.csv');
    await t.service.export(`sparse@${v.version}`, exported);
    expect(readFileSync(exported, 'utf8').trim().split('\n').pop()!.split(',')[1]).toBe('9007199254740993');
  });

  it('types every number column by all its values once a third column changes type late: not one read per column', async () => {
    // Six int columns that fit the sniffed rows; five of them hold a value after them that does not.
    const file = join(t.dir, 'messy.csv');
    const head = Array.from({ length: 25_000 }, (_, i) => `${i},${i % 9},${i % 5},${i % 7},${i % 3},${i}`);
    writeFileSync(file, `a,b,c,d,e,f\n${head.join('\n')}\n1.5,x,2.5,NA,3.5,7\n`);
    const messages: string[] = [];
    const v = await t.service.add('messy', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    // pandas.read_csv: a, c, e float64; b object; d float64 (an int column with NaN); f int64.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:float', 'b:string', 'c:float', 'd:int', 'e:float', 'f:int']);
    expect((await t.service.rows(`messy@${v.version}`, { offset: 25_000 })).rows).toEqual([[1.5, 'x', 2.5, null, 3.5, 7]]);
    const again = readingAgain(messages);
    expect(again.length).toBe(3);
    expect(again[2]).toMatch(/; after 3 columns changed type past the sampled rows, every number column is typed by all its values \(2 more changed\)$/);
  });

  it('types the columns of a file of wide rows by all their values (its sniff reads about 4 MiB of rows)', async () => {
    // Rows of ~2 KB: about 2,100 rows are sniffed; the 1.5 is on row 2,500.
    const file = join(t.dir, 'wide-rows.csv');
    const pad = 'p'.repeat(2000);
    writeFileSync(file, `n,text\n${Array.from({ length: 3000 }, (_, i) => `${i === 2500 ? '1.5' : i},${pad}`).join('\n')}\n`);
    const messages: string[] = [];
    const v = await t.service.add('wide-rows', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['n:float', 'text:string']);
    // Found by the sniffer (DuckDB samples chunks across the file) or by a second read.
    expect(readingAgain(messages).length).toBeLessThanOrEqual(1);
    expect((await t.service.rows(`wide-rows@${v.version}`, { offset: 2500, limit: 1, columns: ['n'] })).rows).toEqual([[1.5]]);
  });

  it("reads pandas' NA spellings in number columns as missing, in the sniffed rows or after them", async () => {
    const file = join(t.dir, 'na.csv');
    // a: NA among the sniffed rows; x, y: a late NA in an int and a float column; c: text keeps 'NA'.
    const head = Array.from({ length: 25_000 }, (_, i) => `${i === 3 ? 'NA' : i},${i},${i / 4},${i % 2 ? 'NA' : 'ab'}`);
    writeFileSync(file, `a,x,y,c\n${head.join('\n')}\nnull,N/A,#N/A,cd\n5,6,NaN,NA\n`);
    const v = await t.service.add('na', file);
    // pandas.read_csv: a, x and y float64 (an int column with NaN is float there); c object with NaN.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'x:int', 'y:float', 'c:string']);
    expect(v.columns.map((c) => c.stats.missing)).toEqual([2, 1, 2, 0]);
    expect((await t.service.rows(`na@${v.version}`, { offset: 25_000 })).rows).toEqual([[null, null, null, 'cd'], [5, 6, null, 'NA']]);
    expect(v.columns[2]!.stats.max).toBe(24_999 / 4);
  });

  it("reads NA spellings in bool, date and timestamp columns as missing (an R export's TRUE, FALSE, NA), in the sniffed rows or after them", async () => {
    const file = join(t.dir, 'r-na.csv');
    // flag, day, at: NA among the sniffed rows; late, lday: a bool and a date column with a late NA.
    const head = Array.from({ length: 25_000 }, (_, i) => {
      const day = `2024-02-${String((i % 28) + 1).padStart(2, '0')}`;
      return [i % 7 === 0 ? 'NA' : i % 2 ? 'TRUE' : 'FALSE', i % 5 === 0 ? 'NA' : day, i % 4 === 0 ? 'NA' : `${day} 10:30:00`, i % 2 === 0, day].join(',');
    });
    writeFileSync(file, `flag,day,at,late,lday\n${head.join('\n')}\nNA,NA,NA,NA,NA\nFALSE,2024-03-01,2024-03-01 08:00:00,true,2024-03-01\n`);
    const messages: string[] = [];
    const v = await t.service.add('r-na', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    // pandas.read_csv makes each of them object (bool or text with NaN); Keel keeps their types.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['flag:bool', 'day:timestamp', 'at:timestamp', 'late:bool', 'lday:timestamp']);
    expect(v.columns.map((c) => c.stats.missing)).toEqual([3572 + 1, 5000 + 1, 6250 + 1, 1, 1]);
    expect((await t.service.rows(`r-na@${v.version}`, { offset: 25_000 })).rows).toEqual([
      [null, null, null, null, null],
      [false, '2024-03-01T00:00:00.000Z', '2024-03-01T08:00:00.000Z', true, '2024-03-01T00:00:00.000Z'],
    ]);
    expect(messages).toContain("reading again: column 'late' holds \"NA\" on line 25002, pandas' NA spelling, so it is read as missing");
  });

  it('reads NA spellings in day-first date and timestamp columns as missing, the column keeping its type and format', async () => {
    const file = join(t.dir, 'dmy-na.csv');
    // day, at: NA among the sniffed rows (DuckDB's sniffer takes them for text); late: a day-first
    // date column with a late NA, then a date only day-first reads (13/01); ver: version numbers
    // with NA, which look like dates to the first look and stay text.
    const dmy = (i: number, year: number) => `${String((i % 28) + 1).padStart(2, '0')}/${String((i % 12) + 1).padStart(2, '0')}/${year}`;
    const head = Array.from({ length: 25_000 }, (_, i) => [i % 7 === 3 ? 'NA' : dmy(i, 2021), i % 5 === 1 ? 'N/A' : `${dmy(i, 2022)} 10:30:15`, dmy(i, 2020), i % 3 ? `v1.${i % 9}` : 'NA'].join(','));
    writeFileSync(file, `day,at,late,ver\n${head.join('\n')}\nNA,NA,NA,NA\n31/12/2021,13/01/2023 08:00:00,13/01/2020,v2.0\n`);
    const messages: string[] = [];
    const v = await t.service.add('dmy-na', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['day:timestamp:3572', 'at:timestamp:5001', 'late:timestamp:1', 'ver:string:0']);
    expect((await t.service.rows(`dmy-na@${v.version}`, { offset: 25_000 })).rows).toEqual([
      [null, null, null, 'NA'],
      ['2021-12-31T00:00:00.000Z', '2023-01-13T08:00:00.000Z', '2020-01-13T00:00:00.000Z', 'v2.0'],
    ]);
    const [day, at, late] = v.columns;
    expect([day!.stats.min, day!.stats.max]).toEqual([Date.UTC(2021, 0, 1), Date.UTC(2021, 11, 31)]);
    expect([at!.stats.min, at!.stats.max]).toEqual([Date.UTC(2022, 0, 1, 10, 30, 15), Date.UTC(2023, 0, 13, 8)]);
    expect([late!.stats.min, late!.stats.max]).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2020, 11, 28)]);
    expect(readingAgain(messages)).toEqual(["reading again: column 'late' holds \"NA\" on line 25002, pandas' NA spelling, so it is read as missing"]);
    // Parts: the first file's format, sniffed, reads a late NA in the second (an NA in the sniffed
    // rows of a part: the first look at text columns, as above).
    const parts = join(t.dir, 'dmy-parts');
    mkdirSync(parts);
    writeFileSync(join(parts, 'a.csv'), 'n,day,early\n1,25/12/2021,13/01/2022\n');
    writeFileSync(join(parts, 'b.csv'), `n,day,early\n${Array.from({ length: 25_000 }, (_, i) => `${i},${dmy(i, 2022)},${i === 1 ? 'NA' : dmy(i, 2022)}`).join('\n')}\n3,NA,14/02/2022\n`);
    const p = await t.service.add('dmy-parts', parts);
    expect(p.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['n:int:0', 'day:timestamp:1', 'early:timestamp:1']);
    const ends = [0, 25_001].map(async (offset) => (await t.service.rows(`dmy-parts@${p.version}`, { offset, limit: 1, columns: ['day', 'early'] })).rows[0]);
    expect(await Promise.all(ends)).toEqual([['2021-12-25T00:00:00.000Z', '2022-01-13T00:00:00.000Z'], [null, '2022-02-14T00:00:00.000Z']]);
  });

  it("keeps the parts' rows in file order when a column reads NA spellings as missing", async () => {
    // Three one-row parts, then a larger one whose numbers hold NA: the NA test in the read made
    // DuckDB join the rows with the spellings, which put the small parts' rows last.
    const parts = join(t.dir, 'ordered-parts');
    mkdirSync(parts);
    for (const k of [0, 1, 2]) writeFileSync(join(parts, `${k}.csv`), `n,x\n${k},${k}.5\n`);
    writeFileSync(join(parts, '9.csv'), `n,x\n${Array.from({ length: 25_000 }, (_, i) => `${i + 3},${i % 7 === 1 ? 'NA' : i}`).join('\n')}\n`);
    const v = await t.service.add('ordered-parts', parts);
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['n:int:0', 'x:float:3572']);
    const table = await t.service.loadTable(`ordered-parts@${v.version}`, { columns: ['n'] });
    const n = (table.columns[0] as { values: Float64Array }).values;
    expect(n.findIndex((x, i) => x !== i)).toBe(-1);
  });

  it('reads a gzipped CSV as its plain twin: the same types and statistics from a sample of its first rows', async () => {
    // Over 5 MiB once decompressed, so the sniff reads a plain copy of the first rows, cut after a
    // whole row: every row's text opens with 40 quoted line breaks, so the copy likely ends in one. The rows after the first MiB are longer, so
    // the sniff (its row count from the first MiB) reads to the copy's end. f holds NA; d is a
    // day-first date with NA.
    const rows = Array.from({ length: 20_000 }, (_, i) => {
      const day = `${String((i % 28) + 1).padStart(2, '0')}/${String((i % 12) + 1).padStart(2, '0')}/2023`;
      return `${i},"${'-\n'.repeat(40)}note ${'x'.repeat(i < 5_000 ? 150 : 350)}",${i % 13 === 5 ? 'NA' : (i / 8).toFixed(3)},${i % 11 === 2 ? 'NA' : day},c${i % 5}`;
    });
    const text = `i,note,f,d,s\n${rows.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(5 << 20);
    const plain = join(t.dir, 'twin.csv');
    writeFileSync(plain, text);
    writeFileSync(`${plain}.gz`, gzipSync(text));
    const [a, b] = [await t.service.add('twin', plain), await t.service.add('twin-gz', `${plain}.gz`)];
    expect(b.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['i:int:0', 'note:string:0', 'f:float:1539', 'd:timestamp:1818', 's:string:0']);
    expect(b.columns).toEqual(a.columns);
    expect(b.rows).toBe(20_000);
  });

  it('reads a gzipped file whose name lacks .gz (cp x.csv.gz x.csv) as the .gz it is, and names it as the user does', async () => {
    const dir = join(t.dir, 'misnamed');
    mkdirSync(join(dir, 'parts'), { recursive: true });
    const text = 'n,s\n1,a\n2,b\n3,c\n';
    writeFileSync(join(dir, 'x.csv.gz'), gzipSync(text));
    writeFileSync(join(dir, 'x.csv'), gzipSync(text));
    const named = await t.service.add('misnamed', join(dir, 'x.csv.gz'));
    const misnamed = await t.service.add('misnamed-too', join(dir, 'x.csv'));
    // The same bytes: the same version, the same rows; the user's file keeps its name.
    expect(misnamed).toMatchObject({ version: named.version, rows: 3, source: join(dir, 'x.csv') });
    expect((await t.service.rows('misnamed-too')).rows).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(readdirSync(dir).sort()).toEqual(['parts', 'x.csv', 'x.csv.gz']);
    // NDJSON and JSON too, and the parts of a folder, gzipped or not, each two of the same base name.
    writeFileSync(join(dir, 'r.ndjson'), gzipSync('{"n":1}\n{"n":2}\n'));
    expect((await t.service.rows((await t.service.add('misnamed-ndjson', join(dir, 'r.ndjson'))).name)).rows).toEqual([[1], [2]]);
    writeFileSync(join(dir, 'r.json'), gzipSync('[{"n":3}]'));
    expect((await t.service.rows((await t.service.add('misnamed-json', join(dir, 'r.json'))).name)).rows).toEqual([[3]]);
    for (const [part, body] of [['a/p.csv', gzipSync('n\n1\n')], ['b/p.csv', 'n\n2\n'], ['c/p.csv', gzipSync('n\n3\n')]] as const) {
      mkdirSync(join(dir, 'parts', part, '..'), { recursive: true });
      writeFileSync(join(dir, 'parts', part), body);
    }
    expect((await t.service.rows((await t.service.add('misnamed-parts', join(dir, 'parts'))).name)).rows).toEqual([[1], [2], [3]]);
    // An error of the read names the user's file, not the link it was read through.
    writeFileSync(join(dir, 'bad.csv'), gzipSync('a,b\n1,2\n3,4,5\n'));
    await expectKeelError(t.service.add('misnamed-bad', join(dir, 'bad.csv')), 'INVALID_ARGUMENT', /^file: not a readable CSV file: line 3 of bad\.csv has more than 2 fields/);
    writeFileSync(join(dir, 'bad.ndjson'), gzipSync('{"a":1}\n{"a":'));
    await expectKeelError(t.service.add('misnamed-bad', join(dir, 'bad.ndjson')), 'INVALID_ARGUMENT', /^file: 'bad\.ndjson' is not valid JSON at line 2: unexpected end of data$/);
    // Parquet compresses its own pages: a gzipped one is refused in words.
    writeFileSync(join(dir, 'p.parquet'), gzipSync('PAR1'));
    await expectKeelError(t.service.add('misnamed-bad', join(dir, 'p.parquet')), 'INVALID_ARGUMENT', /^file: '.*p\.parquet' is gzipped, and a Parquet file is read as it is: gunzip it$/);
  });

  it('reads many parts as their rows in one file: the same types and statistics from the leading parts', async () => {
    // 12 parts of 5,000 rows, about 8 MB: the looks at the sampled rows read the first 8 parts only.
    // x holds NA in the first part; extra (numbers and NA: text to the sniffer) appears in part 10,
    // so the leading parts lack it.
    const parts = join(t.dir, 'many-parts');
    mkdirSync(parts);
    const lines: string[] = [];
    for (let k = 0; k < 12; k++) {
      const rows = Array.from({ length: 5_000 }, (_, j) => {
        const i = k * 5_000 + j;
        return { i, x: i % 17 === 3 ? 'NA' : (i / 4).toFixed(2), s: `label-${i % 40}-${'z'.repeat(100)}`, extra: k >= 10 ? (i % 5 === 0 ? 'NA' : String(i % 9)) : '' };
      });
      const header = k >= 10 ? 'i,x,s,extra' : 'i,x,s';
      writeFileSync(join(parts, `part-${String(k).padStart(2, '0')}.csv`), `${header}\n${rows.map((r) => (k >= 10 ? `${r.i},${r.x},${r.s},${r.extra}` : `${r.i},${r.x},${r.s}`)).join('\n')}\n`);
      lines.push(...rows.map((r) => `${r.i},${r.x},${r.s},${r.extra}`));
    }
    const one = join(t.dir, 'many-parts.csv');
    writeFileSync(one, `i,x,s,extra\n${lines.join('\n')}\n`);
    const [a, b] = [await t.service.add('many-one', one), await t.service.add('many-parts', parts)];
    expect(b.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['i:int:0', 'x:float:3530', 's:string:0', 'extra:int:52000']);
    expect(b.columns).toEqual(a.columns);
    const table = await t.service.loadTable(`many-parts@${b.version}`, { columns: ['i'] });
    expect((table.columns[0] as { values: Float64Array }).values.findIndex((x, i) => x !== i)).toBe(-1);
  });

  it('reads parts with one header as one file: types from the leading parts, widened by a later one, a bad row named by its part', async () => {
    // 12 parts of 5,000 rows, about 8 MB, every one with the header i,n,s: read by position, typed
    // by the first 8. n is whole there and holds 2.5 in the last part.
    const parts = join(t.dir, 'same-header-parts');
    mkdirSync(parts);
    const lines: string[] = [];
    const write = (bad = false) => {
      lines.length = 0;
      for (let k = 0; k < 12; k++) {
        const rows = Array.from({ length: 5_000 }, (_, j) => {
          const i = k * 5_000 + j;
          return `${i},${i === 57_000 ? '2.5' : i % 7},label-${i % 40}-${'z'.repeat(100)}`;
        });
        if (bad && k === 10) rows.push('1,2,3,4');
        writeFileSync(join(parts, `part-${String(k).padStart(2, '0')}.csv`), `i,n,s\n${rows.join('\n')}\n`);
        lines.push(...rows);
      }
    };
    write();
    const one = join(t.dir, 'same-header-parts.csv');
    writeFileSync(one, `i,n,s\n${lines.join('\n')}\n`);
    const [oneMessages, messages]: [string[], string[]] = [[], []];
    const a = await t.service.add('same-one', one, {}, { onProgress: (e) => void (e.message && oneMessages.push(e.message)) });
    const b = await t.service.add('same-parts', parts, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    expect(b.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['i:int', 'n:float', 's:string']);
    expect(b.columns).toEqual(a.columns);
    expect(readingAgain(messages)).toEqual(['reading again: column \'n\' holds "2.5", so it is DOUBLE instead of BIGINT']);
    expect(readingAgain(oneMessages)).toEqual(readingAgain(messages));
    const table = await t.service.loadTable(`same-parts@${b.version}`, { columns: ['i'] });
    expect((table.columns[0] as { values: Float64Array }).values.findIndex((x, i) => x !== i)).toBe(-1);
    write(true);
    await expectKeelError(t.service.add('same-parts', parts), 'INVALID_ARGUMENT', /line 5002 of part-10.csv has more than 3 fields/);
    // A first part whose dates are all empty: the date format is the other parts', sniffed each.
    const dated = join(t.dir, 'same-header-dates');
    mkdirSync(dated);
    writeFileSync(join(dated, 'a.csv'), 'n,day\n1,\n');
    writeFileSync(join(dated, 'b.csv'), `n,day\n${Array.from({ length: 3_000 }, (_, i) => `${i},${String((i % 28) + 1).padStart(2, '0')}/12/2021`).join('\n')}\n`);
    const d = await t.service.add('same-header-dates', dated);
    expect(d.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['n:int:0', 'day:timestamp:1']);
    expect(d.columns[1]!.stats.max).toBe(Date.UTC(2021, 11, 28));
    // Parts whose date format changed (day-first, then ISO): each part is read by its own format.
    const changed = join(t.dir, 'same-header-formats');
    mkdirSync(changed);
    const days = (f: (i: number) => string) => `n,day\n${Array.from({ length: 100 }, (_, i) => `${i},${f((i % 28) + 1)}`).join('\n')}\n`;
    writeFileSync(join(changed, 'a.csv'), days((d) => `${String(d).padStart(2, '0')}/12/2021`));
    writeFileSync(join(changed, 'b.csv'), days((d) => `2022-01-${String(d).padStart(2, '0')}`));
    const f = await t.service.add('same-header-formats', changed);
    expect(f.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['n:int:0', 'day:timestamp:0']);
    expect([f.columns[1]!.stats.min, f.columns[1]!.stats.max]).toEqual([Date.UTC(2021, 11, 1), Date.UTC(2022, 0, 28)]);
  });

  it('types a date or bool column whose first rows are all NA spellings by the values after them', async () => {
    // 300 rows of NA, then dates and bools: the first look at the text columns sees only NA.
    const file = join(t.dir, 'na-first.csv');
    const rows = Array.from({ length: 3000 }, (_, i) => (i < 300 ? 'NA,NA,1' : `2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 ? 'TRUE' : 'FALSE'},${i}`));
    writeFileSync(file, `day,flag,n\n${rows.join('\n')}\n`);
    const v = await t.service.add('na-first', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['day:timestamp:300', 'flag:bool:300', 'n:int:0']);
  });

  it('reads a CSV with the delimiter and decimal separator given (a semicolon, a tab; a decimal comma), part of the version', async () => {
    const file = join(t.dir, 'semi.csv');
    writeFileSync(file, 'x;y\n1;"a;b"\n2;c\n');
    // As pandas without sep: one column.
    const plain = await t.service.add('semi', file);
    expect(plain.columns.map((c) => c.name)).toEqual(['x;y']);
    const semi = await t.service.add('semi', file, { delimiter: ';' });
    expect((await t.service.rows(`semi@${semi.version}`)).rows).toEqual([[1, 'a;b'], [2, 'c']]);
    expect(semi.version).not.toBe(plain.version);
    // Naming the default delimiter is no other reading: the same version.
    expect((await t.service.add('semi', file, { delimiter: ',' })).version).toBe(plain.version);
    const tabbed = join(t.dir, 'tabbed.txt');
    writeFileSync(tabbed, 'x\ty\n1\ta\n');
    expect((await t.service.rows(`semi@${(await t.service.add('semi', tabbed, { delimiter: '\\t' })).version}`)).rows).toEqual([[1, 'a']]);
    await expectKeelError(t.service.add('semi', file, { delimiter: ';;;;;' }), 'INVALID_ARGUMENT', /delimiter: expected one to four bytes/);
    await expectKeelError(t.service.add('semi', file, { delimiter: '"' }), 'INVALID_ARGUMENT', /delimiter: expected one to four bytes, none a quote/);
    // A delimiter of several characters: the UCI data's ', ' leaves no leading space in its fields.
    const uci = join(t.dir, 'uci.data');
    writeFileSync(uci, '39, State-gov, 77516, ?\n50, Self-emp, 83311, Husband\n');
    const spaced = await t.service.add('uci', uci, { format: 'csv', delimiter: ', ', names: ['age', 'workclass', 'fnlwgt', 'relationship'], na: ['?'] });
    expect((await t.service.rows(`uci@${spaced.version}`)).rows).toEqual([[39, 'State-gov', 77516, null], [50, 'Self-emp', 83311, 'Husband']]);
    const nd = join(t.dir, 'd.ndjson');
    writeFileSync(nd, '{"x": 1}\n');
    await expectKeelError(t.service.add('semi', nd, { delimiter: ';' }), 'INVALID_ARGUMENT', /delimiter: a delimiter applies to CSV only/);
    // A decimal comma (pandas' decimal=','), also in a column that DuckDB reads as text for its NA.
    const eu = join(t.dir, 'eu.csv');
    writeFileSync(eu, 'x;y;n\n1,5;a;NA\n2,25;b;2,5\n');
    const v = await t.service.add('eu', eu, { delimiter: ';', decimal: ',' });
    // pandas.read_csv(sep=';', decimal=','): x float64 [1.5, 2.25], y object, n float64 [NaN, 2.5].
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['x:float', 'y:string', 'n:float']);
    expect((await t.service.rows(`eu@${v.version}`)).rows).toEqual([[1.5, 'a', null], [2.25, 'b', 2.5]]);
    await expectKeelError(t.service.add('eu', eu, { decimal: ',' }), 'INVALID_ARGUMENT', /decimal: a decimal comma needs another delimiter/);
    await expectKeelError(t.service.add('eu', eu, { delimiter: ';', decimal: ';' }), 'INVALID_ARGUMENT', /decimal: expected ',' or '\.'/);
  });

  it("reads thousands separators and comment lines given (pandas' thousands=, comment=), part of the version", async () => {
    const file = join(t.dir, 'scale.csv');
    writeFileSync(file, '# exported by the lab scale\namount;count;n;label\n1.234,5;1.000;NA;a # checked\n2.000,25;12;1.234;b\n-7,5;3;5;c\n');
    const v = await t.service.add('scale', file, { delimiter: ';', decimal: ',', thousands: '.', comment: '#' });
    // pandas.read_csv(sep=';', decimal=',', thousands='.', comment='#'): amount float64, count
    // int64, n float64 [NaN, 1234.0, 5.0] (Keel keeps whole numbers with NA as int), label object
    // ['a ', 'b', 'c']. n, read as text for its NA, drops the separator in Keel's own cast.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['amount:float', 'count:int', 'n:int', 'label:string']);
    expect((await t.service.rows(`scale@${v.version}`)).rows).toEqual([[1234.5, 1000, null, 'a '], [2000.25, 12, 1234, 'b'], [-7.5, 3, 5, 'c']]);
    // A given type converts the text the same way.
    const typed = await t.service.add('scale', file, { delimiter: ';', decimal: ',', thousands: '.', comment: '#', types: { amount: 'float', count: 'int' } });
    expect((await t.service.rows(`scale@${typed.version}`, { columns: ['amount', 'count'] })).rows).toEqual([[1234.5, 1000], [2000.25, 12], [-7.5, 3]]);
    expect(typed.version).not.toBe(v.version);
    const plain = join(t.dir, 'plain.csv');
    writeFileSync(plain, 'x\n1\n');
    await expectKeelError(t.service.add('scale', plain, { thousands: '.' }), 'INVALID_ARGUMENT', /thousands: the thousands separator cannot be the decimal separator "\." \(for 1\.234,5 add --decimal ,\)/);
    await expectKeelError(t.service.add('scale', plain, { thousands: '\u00a0' }), 'INVALID_ARGUMENT', /thousands: expected one ASCII character/);
    await expectKeelError(t.service.add('scale', plain, { comment: ',' }), 'INVALID_ARGUMENT', /comment: the comment character "," is in the delimiter/);
    // Without comment lines or separators in the file, naming them still reads another way: another version.
    expect((await t.service.add('scale', plain, { comment: '#' })).version).not.toBe((await t.service.add('scale', plain)).version);
  });

  it("reads the missing-value spellings given (pandas' na_values) as missing in every column, part of the version", async () => {
    // The UCI Adult data writes '?' for a missing value; pandas.read_csv(na_values=['?', '-']).
    const file = join(t.dir, 'adult.csv');
    writeFileSync(file, 'age,workclass,hours,code\n39,State-gov,40,NA\n?,?,13,-\n50, ?,-,x\n');
    const plain = await t.service.add('adult', file);
    expect(plain.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['age:string', 'workclass:string', 'hours:string', 'code:string']);
    const v = await t.service.add('adult', file, { na: ['?', '-'] });
    // pandas: age, hours float64 (NaN); workclass, code object. ' ?' is not '?'; 'NA' stays missing
    // in pandas (its default list), text in Keel's text columns.
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['age:int:1', 'workclass:string:1', 'hours:int:1', 'code:string:1']);
    expect((await t.service.rows(`adult@${v.version}`)).rows).toEqual([[39, 'State-gov', 40, 'NA'], [null, null, 13, null], [50, ' ?', null, 'x']]);
    expect(v.version).not.toBe(plain.version);
    // The spellings' order and repeats do not make another version.
    expect((await t.service.add('adult', file, { na: ['-', '?', '-'] })).version).toBe(v.version);
    await expectKeelError(t.service.add('adult', file, { format: 'json', na: ['?'] }), 'INVALID_ARGUMENT', /missing-value spellings apply to CSV only/);
  });

  it('refuses a missing-value spelling that holds the delimiter or the quote up front, naming --na (?na= over HTTP)', async () => {
    const file = join(t.dir, 'na-delim.csv');
    writeFileSync(file, 'a,b\n1,x\n2,"a,b"\n');
    // DuckDB refused these only as it read, and the add said the file was not a readable CSV.
    const comma = await expectKeelError(t.service.add('na-delim', file, { na: ['a,b'] }), 'INVALID_ARGUMENT', /^na: a missing-value spelling cannot contain the delimiter ",", got --na a,b$/);
    expect([comma.field, queryMessage(comma)]).toEqual(['na', 'na: a missing-value spelling cannot contain the delimiter ",", got ?na=a,b']);
    await expectKeelError(t.service.add('na-delim', file, { delimiter: ';', na: ['a;b'] }), 'INVALID_ARGUMENT', /^na: .*delimiter ";", got --na 'a;b'$/);
    await expectKeelError(t.service.add('na-delim', file, { na: ['"?"'] }), 'INVALID_ARGUMENT', /^na: a missing-value spelling cannot contain the quote character/);
    // Another delimiter leaves the comma free; a comma-and-space delimiter is not in 'a,b'.
    const semi = join(t.dir, 'na-semi.csv');
    writeFileSync(semi, 'a;b\n1;a,b\n2;x\n');
    expect((await t.service.add('na-semi', semi, { delimiter: ';', na: ['a,b'] })).columns.map((c) => c.stats.missing)).toEqual([0, 1]);
    writeFileSync(semi, 'a, b\n1, a,b\n2, x\n');
    expect((await t.service.add('na-spaced', semi, { delimiter: ', ', na: ['a,b'] })).columns.map((c) => c.stats.missing)).toEqual([0, 1]);
  });

  it("reads a CSV without a header line, its columns named or column0, column1, ... (pandas' header=None, names=)", async () => {
    // The UCI Adult data has no header line.
    const file = join(t.dir, 'adult.data');
    writeFileSync(file, '39,State-gov,77516\n50,?,83311\n38,Private,215646\n');
    const headed = await t.service.add('adult-data', file, { format: 'csv' });
    expect(headed.rows).toBe(2);
    const plain = await t.service.add('adult-data', file, { format: 'csv', header: false });
    expect(plain.rows).toBe(3);
    expect(plain.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['column0:int', 'column1:string', 'column2:int']);
    const named = await t.service.add('adult-data', file, { format: 'csv', names: ['age', 'workclass', 'fnlwgt'], na: ['?'] });
    expect(named.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['age:int:0', 'workclass:string:1', 'fnlwgt:int:0']);
    expect((await t.service.rows(`adult-data@${named.version}`, { columns: ['age', 'workclass'] })).rows).toEqual([[39, 'State-gov'], [50, null], [38, 'Private']]);
    expect(new Set([headed.version, plain.version, named.version]).size).toBe(3);
    await expectKeelError(t.service.add('adult-data', file, { format: 'csv', names: ['age', 'workclass'] }), 'INVALID_ARGUMENT', /^names: 2 names are given, but 'adult.data' has 3 columns$/);
    // More names than columns: DuckDB's sniffer fails first (it finds no header that fits them).
    await expectKeelError(t.service.add('adult-data', file, { format: 'csv', names: ['a', 'b', 'c', 'd'] }), 'INVALID_ARGUMENT', /^names: 4 names are given, but 'adult.data' has 3 columns$/);
    await expectKeelError(t.service.add('adult-data', file, { format: 'csv', names: ['a', 'b', 'A'] }), 'INVALID_ARGUMENT', /column 'A' is named twice/);
    // Parts without a header line, matched by the names given.
    const dir = join(t.dir, 'adult-parts');
    mkdirSync(dir);
    writeFileSync(join(dir, 'p1.data'), '39,State-gov,77516\n');
    writeFileSync(join(dir, 'p2.data'), '50,Private,83311\n');
    const parts = await t.service.add('adult-parts', dir, { format: 'csv', names: ['age', 'workclass', 'fnlwgt'] });
    await expectKeelError(t.service.add('adult-parts', dir, { format: 'csv', names: ['a', 'b', 'c', 'd'] }), 'INVALID_ARGUMENT', /^names: 4 names are given, but the files have 3 columns$/);
    expect((await t.service.rows(`adult-parts@${parts.version}`)).rows).toEqual([[39, 'State-gov', 77516], [50, 'Private', 83311]]);
  });

  it("skips the lines given before the header, a preamble (pandas' skiprows=N)", async () => {
    const file = join(t.dir, 'preamble.csv');
    writeFileSync(file, 'Exported by Tool v2\nDate: 2024-01-01\na,b\n1,x\n2,y\n');
    const v = await t.service.add('preamble', file, { skip: 2 });
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'b:string']);
    expect((await t.service.rows(`preamble@${v.version}`)).rows).toEqual([[1, 'x'], [2, 'y']]);
    // No skip is the default: the same version as none given.
    const plain = join(t.dir, 'plain.csv');
    writeFileSync(plain, 'a,b\n1,x\n2,y\n');
    expect((await t.service.add('preamble', plain, { skip: 0 })).version).toBe((await t.service.add('preamble', plain)).version);
    await expectKeelError(t.service.add('preamble', file, { skip: -1 }), 'INVALID_ARGUMENT', /expected a whole number of lines/);
  });

  it("keeps only the columns given, in the file's order (pandas' usecols), whatever their later values", async () => {
    // `bad` holds a value past the sniffed rows that would widen it: not read, no read more.
    const file = join(t.dir, 'usecols.csv');
    writeFileSync(file, `id,name,bad,score\n${Array.from({ length: 25_000 }, (_, i) => `${i},n${i % 7},${i},${i / 2}`).join('\n')}\n25000,z,oops,1.5\n`);
    const messages: string[] = [];
    const v = await t.service.add('usecols', file, { columns: ['score', 'id'] }, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:int', 'score:float']);
    expect(readingAgain(messages)).toEqual([]);
    expect((await t.service.add('usecols', file, { columns: ['id', 'score'] })).version).toBe(v.version);
    // A column named twice is refused, as data head --columns and loadTable refuse it.
    expect((await expectKeelError(t.service.add('usecols', file, { columns: ['id', 'score', 'id'] }), 'INVALID_ARGUMENT', /^columns: column 'id' is listed twice$/)).field).toBe('columns');
    expect((await t.service.versions('usecols')).length).toBe(1);
    await expectKeelError(t.service.add('usecols', file, { columns: ['id', 'nope'] }), 'INVALID_ARGUMENT', /no column 'nope' in the file \(columns: id, name, bad, score\)/);
    // Parquet too.
    const pq = await t.service.parquetPath(`usecols@${v.version}`);
    expect((await t.service.add('usecols-pq', pq, { format: 'parquet', columns: ['score'] })).columns.map((c) => c.name)).toEqual(['score']);
  });

  it('reads a CSV in latin-1 or utf-16 when told, and says so when a file is not UTF-8', async () => {
    const latin = join(t.dir, 'latin1.csv');
    writeFileSync(latin, Buffer.from('name,city\nJos\xe9,M\xfcnchen\nAnna,K\xf6ln\n', 'latin1'));
    await expectKeelError(t.service.add('enc', latin), 'INVALID_ARGUMENT', /file: not UTF-8 text .*pass --encoding latin-1/);
    const v = await t.service.add('enc', latin, { encoding: 'latin-1' });
    expect((await t.service.rows(`enc@${v.version}`)).rows).toEqual([['José', 'München'], ['Anna', 'Köln']]);
    const wide = join(t.dir, 'utf16.csv');
    writeFileSync(wide, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name,city\nJosé,München\n', 'utf16le')]));
    expect((await t.service.rows(`enc@${(await t.service.add('enc', wide, { encoding: 'utf16' })).version}`)).rows).toEqual([['José', 'München']]);
    // Without --encoding utf-16 (or with another), its first bytes say what it is: the byte order mark, or without one the NULs.
    await expectKeelError(t.service.add('enc', wide), 'INVALID_ARGUMENT', /^file: 'utf16\.csv' looks like UTF-16 text \(it starts with the byte order mark FF FE\), not utf-8: pass --encoding utf-16$/);
    await expectKeelError(t.service.add('enc', wide, { encoding: 'latin-1' }), 'INVALID_ARGUMENT', /^file: 'utf16\.csv' looks like UTF-16 text .*, not latin-1: pass --encoding utf-16$/);
    const bare = join(t.dir, 'utf16-bare.csv');
    writeFileSync(bare, Buffer.from('name,city\nJosé,München\n', 'utf16le'));
    await expectKeelError(t.service.add('enc', bare), 'INVALID_ARGUMENT', /^file: 'utf16-bare\.csv' looks like UTF-16 text \(a NUL byte beside each character\), not utf-8: pass --encoding utf-16$/);
    // DuckDB reads little-endian UTF-16 only: read as utf-16, a big-endian file was one column of garbage.
    const big = join(t.dir, 'utf16-big.csv');
    writeFileSync(big, Buffer.from('name,city\nJosé,München\n', 'utf16le').swap16());
    await expectKeelError(t.service.add('enc', big, { encoding: 'utf-16' }), 'INVALID_ARGUMENT', /^file: 'utf16-big\.csv' looks like UTF-16 big-endian text \(a NUL byte beside each character\), which Keel cannot read: convert it to UTF-8 first/);
    // The same bytes read in another encoding are another version.
    const ascii = (await t.service.add('enc', fileA)).version;
    expect((await t.service.add('enc', fileA, { encoding: 'latin-1' })).version).not.toBe(ascii);
    await expectKeelError(t.service.add('enc', fileA, { encoding: 'cp1252' }), 'INVALID_ARGUMENT', /unknown encoding 'cp1252' \(known: utf-8, latin-1, utf-16\)/);
    const nd = join(t.dir, 'enc.ndjson');
    writeFileSync(nd, '{"a": 1}\n');
    await expectKeelError(t.service.add('enc', nd, { encoding: 'latin-1' }), 'INVALID_ARGUMENT', /applies to CSV only/);
  });

  it('stores NaN and ±Infinity in a float column as missing, in high- and low-cardinality columns', async () => {
    const special: Record<number, string> = { 3: 'inf', 7: '-inf', 11: 'NaN' };
    const low: Record<number, string> = { 5: 'Infinity', 9: '-Infinity' };
    const lines = Array.from({ length: 40 }, (_, i) => `${special[i] ?? i + 0.5},${low[i] ?? `${i % 2}.0`}`);
    const file = join(t.dir, 'special.csv');
    writeFileSync(file, `h,g\n${lines.join('\n')}\n`);
    const v = await t.service.add('special', file);
    const [h, g] = v.columns;
    const finite = Array.from({ length: 40 }, (_, i) => i + 0.5).filter((_, i) => special[i] === undefined);
    expect(h).toMatchObject({ type: 'float', nullable: true, stats: { count: 37, missing: 3, min: 0.5, max: 39.5, distinct: 37 } });
    expect(h!.stats.mean).toBeCloseTo(finite.reduce((a, b) => a + b) / 37, 12);
    expect(g).toMatchObject({ type: 'float', stats: { count: 38, missing: 2, min: 0, max: 1, distinct: 2 } });
    const table = await t.service.loadTable('special');
    const values = [...(table.columns[0] as { values: Float64Array }).values];
    expect([values[3], values[7], values[11], values[4]]).toEqual([NaN, NaN, NaN, 4.5]);
  });

  it('reads a CSV as pandas does: a first value -inf, quotes past the sniffed rows, day-first dates', async () => {
    // 30,000 rows: more than DuckDB's sniffer reads, so the quoted fields at the end are unseen by it.
    const n = 30_000;
    const lines = Array.from({ length: n }, (_, i) => `${i === 0 ? '-inf' : i + 0.25},w${i % 3},${i % 2 ? 'nan' : 'x'},${String((i % 28) + 1).padStart(2, '0')}/11/2026`);
    lines.push('7.5,"a, ""quoted"" field",x,25/12/2026');
    const file = join(t.dir, 'pandas-like.csv');
    writeFileSync(file, `f,s,t,d\n${lines.join('\n')}\n`);
    const v = await t.service.add('pandas-like', file);
    expect(v.rows).toBe(n + 1);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['f:float', 's:string', 't:string', 'd:timestamp']);
    const [f, s, , d] = v.columns;
    expect(f!.stats).toMatchObject({ count: n, missing: 1, min: 1.25, max: n - 1 + 0.25 });
    expect(s!.stats.top).toContainEqual({ value: 'a, "quoted" field', count: 1 });
    expect([d!.stats.min, d!.stats.max]).toEqual([Date.UTC(2026, 10, 1), Date.UTC(2026, 11, 25)]);
  });
});
