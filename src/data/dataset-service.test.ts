import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError } from '../core/index.js';
import { testStores, type MetadataStore } from '../storage/index.js';
import { parseDatasetRef } from './dataset-ref.js';
import { makeTestService, type TestService } from './test-helpers.js';

const CSV_A = 'x,y,c,t\n1,0.5,a,2024-01-01 00:00:00\n2,1.5,b,2024-01-02 00:00:00\n3,,a,2024-01-03 12:00:00\n';
const CSV_B = 'x,y,c,z\n1,2.5,a,true\n5,3.5,c,false\n7,4.5,c,\n9,5.5,,true\n';

async function expectKeelError(p: Promise<unknown>, code: string, pattern: RegExp): Promise<KeelError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(KeelError);
  expect((e as KeelError).code).toBe(code);
  expect((e as KeelError).message).toMatch(pattern);
  return e as KeelError;
}

describe('parseDatasetRef', () => {
  it('parses name, name@version and name@latest', () => {
    expect(parseDatasetRef('iris')).toEqual({ name: 'iris', version: undefined });
    expect(parseDatasetRef('iris@latest')).toEqual({ name: 'iris', version: undefined });
    expect(parseDatasetRef('iris@0123456789ab')).toEqual({ name: 'iris', version: '0123456789ab' });
    expect(() => parseDatasetRef('../etc@0123456789ab')).toThrow(/invalid dataset name/);
    expect(() => parseDatasetRef('iris@v1')).toThrow(/invalid dataset version/);
  });
});

for (const backend of testStores()) {
  describe(`DatasetService on ${backend.name}`, () => {
    let store: MetadataStore;
    let t: TestService;
    let fileA: string, fileB: string;
    beforeAll(async () => {
      store = await backend.open();
      t = makeTestService(store);
      fileA = join(t.dir, 'a.csv');
      fileB = join(t.dir, 'b.csv');
      writeFileSync(fileA, CSV_A);
      writeFileSync(fileB, CSV_B);
    });
    afterAll(async () => store.close());

    it('adds versions addressed by content, and identical content returns the same version', async () => {
      const a = await t.service.add('demo', fileA, { description: 'first' });
      expect(a.version).toMatch(/^[0-9a-f]{12}$/);
      expect(a.contentSha256.startsWith(a.version)).toBe(true);
      expect(a.rows).toBe(3);
      expect(a.columns.map((c) => `${c.name}:${c.type}:${c.nullable}`)).toEqual(['x:int:false', 'y:float:true', 'c:string:false', 't:timestamp:false']);
      const t0 = a.columns[3]!.stats;
      expect([t0.min, t0.max]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 3, 12)]);
      const again = await t.service.add('demo', fileA);
      expect(again).toEqual(a);
      const blobs = t.blobs().length;
      const b = await t.service.add('demo', fileB);
      expect(b.version).not.toBe(a.version);
      expect(t.blobs().length).toBe(blobs + 1);
      expect((await t.service.get('demo')).version).toBe(b.version);
      expect((await t.service.get(`demo@${a.version}`)).version).toBe(a.version);
      expect((await t.service.versions('demo')).map((v) => v.version)).toEqual([b.version, a.version]);
      const list = await t.service.list();
      // The description given with the first version stays until another add gives a new one.
      expect(list).toEqual([{ name: 'demo', description: 'first', versions: 2, latest: b.version, rows: 4, updatedAt: expect.any(Number) }]);
    });

    it('diffs schema and statistics', async () => {
      const vs = await t.service.versions('demo');
      const [a, b] = [vs[1]!, vs[0]!];
      const d = await t.service.diff(`demo@${a.version}`, `demo@${b.version}`);
      expect(d.schema.added).toEqual([{ name: 'z', type: 'bool' }]);
      expect(d.schema.removed).toEqual([{ name: 't', type: 'timestamp' }]);
      expect(d.schema.changed).toEqual([{ name: 'y', nullable: { a: true, b: false } }, { name: 'c', nullable: { a: false, b: true } }]);
      const x = d.columns.find((c) => c.name === 'x')!;
      expect(x.mean).toEqual({ a: 2, b: 5.5, delta: 3.5 });
      expect(x.meanShiftInStd).toBeCloseTo(3.5, 10);
      const c = d.columns.find((col) => col.name === 'c')!;
      expect(c.newTopValues).toEqual(['c']);
      expect(c.vanishedTopValues).toEqual(['b']);
      expect(c.missingRate).toEqual({ a: 0, b: 0.25, delta: 0.25 });
    });

    it('loads a version as a Table, optionally some columns', async () => {
      const table = await t.service.loadTable('demo');
      expect(table.numRows).toBe(4);
      const [x, y, c, z] = table.columns;
      expect([...(x as { values: Float64Array }).values]).toEqual([1, 5, 7, 9]);
      expect([...(y as { values: Float64Array }).values]).toEqual([2.5, 3.5, 4.5, 5.5]);
      expect(c).toMatchObject({ type: 'string', dictionary: ['a', 'c'] });
      expect([...(c as { codes: Int32Array }).codes]).toEqual([0, 1, 1, -1]);
      expect([...(z as { values: Float64Array }).values]).toEqual([1, 0, NaN, 1]);
      const a = (await t.service.versions('demo'))[1]!;
      const sub = await t.service.loadTable(`demo@${a.version}`, { columns: ['t', 'y'] });
      expect(sub.columns.map((col) => col.name)).toEqual(['t', 'y']);
      expect([...(sub.columns[0] as { values: Float64Array }).values]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3, 12)]);
      expect([...(sub.columns[1] as { values: Float64Array }).values]).toEqual([0.5, 1.5, NaN]);
      await expectKeelError(t.service.loadTable('demo', { columns: ['nope'] }), 'INVALID_ARGUMENT', /no column 'nope'/);
    });

    it('reads a page of rows in stored order, across row groups', async () => {
      const a = (await t.service.versions('demo')).at(-1)!;
      const page = await t.service.rows(`demo@${a.version}`, { offset: 1, limit: 5, columns: ['t', 'y', 'x'] });
      expect(page).toEqual({
        name: 'demo',
        version: a.version,
        total: 3,
        offset: 1,
        columns: [{ name: 't', type: 'timestamp' }, { name: 'y', type: 'float' }, { name: 'x', type: 'int' }],
        rows: [['2024-01-02T00:00:00.000Z', 1.5, 2], ['2024-01-03T12:00:00.000Z', null, 3]],
      });
      // 300,000 rows are three of DuckDB's row groups: a page across the first boundary stays in order.
      const file = join(t.dir, 'many.csv');
      writeFileSync(file, `i,s\n${Array.from({ length: 300_000 }, (_, i) => `${i},s${i % 7}`).join('\n')}\n`);
      const many = await t.service.add('many', file);
      const across = await t.service.rows('many', { offset: 122_878, limit: 4 });
      expect(across.rows).toEqual([0, 1, 2, 3].map((k) => [122_878 + k, `s${(122_878 + k) % 7}`]));
      expect((await t.service.rows(`many@${many.version}`, { offset: 299_999 })).rows).toEqual([[299_999, 's0']]);
      expect((await t.service.rows('many', { offset: 400_000 })).rows).toEqual([]);
      await expectKeelError(t.service.rows('many', { limit: 10_001 }), 'INVALID_ARGUMENT', /limit: expected a whole number from 0 to 10000/);
      await expectKeelError(t.service.rows('many', { offset: -1 }), 'INVALID_ARGUMENT', /offset/);
      await expectKeelError(t.service.rows('many', { columns: ['i', 'nope'] }), 'INVALID_ARGUMENT', /no column 'nope' in many@/);
    });

    it('exports a version as Parquet, CSV or NDJSON, whole or not at all', async () => {
      const a = (await t.service.versions('demo')).at(-1)!;
      const ref = `demo@${a.version}`;
      const csv = join(t.dir, 'out.csv');
      expect(await t.service.export(ref, csv)).toMatchObject({ name: 'demo', version: a.version, rows: 3, format: 'csv', path: csv });
      expect(readFileSync(csv, 'utf8')).toBe('x,y,c,t\n1,0.5,a,2024-01-01 00:00:00\n2,1.5,b,2024-01-02 00:00:00\n3,,a,2024-01-03 12:00:00\n');
      // Read back, the export is the same content: the same version.
      expect((await t.service.add('demo', csv)).version).toBe(a.version);
      const nd = join(t.dir, 'out.jsonl');
      await t.service.export(ref, nd);
      expect(readFileSync(nd, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
        { x: 1, y: 0.5, c: 'a', t: '2024-01-01 00:00:00' },
        { x: 2, y: 1.5, c: 'b', t: '2024-01-02 00:00:00' },
        { x: 3, y: null, c: 'a', t: '2024-01-03 12:00:00' },
      ]);
      const pq = join(t.dir, 'out.bin');
      await t.service.export(ref, pq, { format: 'parquet' });
      expect(readFileSync(pq).equals(readFileSync(await t.service.parquetPath(ref)))).toBe(true);
      await expectKeelError(t.service.export(ref, join(t.dir, 'out.xlsx')), 'INVALID_ARGUMENT', /cannot tell the export format .*--format/);
      await expectKeelError(t.service.export(ref, join(t.dir, 'no-such-dir', 'out.csv')), 'INVALID_ARGUMENT', /cannot write/);
      expect(readdirSync(t.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it('applies given column types: ids kept as text, whole numbers only into int, in CSV and Parquet', async () => {
      const file = join(t.dir, 'typed.csv');
      writeFileSync(file, 'id,n,x\n123,1,2.0\n45,2,3.5\n');
      const plain = await t.service.add('typed', file);
      expect(plain.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:int', 'n:int', 'x:float']);
      const typed = await t.service.add('typed', file, { types: { id: 'string', n: 'float' } });
      expect(typed.version).not.toBe(plain.version);
      expect(typed.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:string', 'n:float', 'x:float']);
      expect((await t.service.rows(`typed@${typed.version}`)).rows).toEqual([['123', 1, 2], ['45', 2, 3.5]]);
      // DuckDB's cast alone would round 3.5 to 4; pandas' int dtype refuses, and so does Keel.
      await expectKeelError(t.service.add('typed', file, { types: { x: 'int' } }), 'INVALID_ARGUMENT', /column 'x' was given the type int, but holds 2\.0, which is not a whole number/);
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
      expect(messages).toContain("reading again: column 'a' holds \"1.5\", so it is DOUBLE instead of BIGINT");
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
      // pandas.read_csv: a, n int64; x, e, k float64; flag, day, at, w, note object.
      expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'n:int', 'x:float', 'flag:bool', 'day:timestamp', 'e:int', 'at:timestamp', 'w:string', 'k:string', 'note:string']);
      // In a text column NA stays text, as in any text column.
      expect(v.columns.map((c) => c.stats.missing)).toEqual([0, 25_000, 25_000, 25_000, 25_000, 26_000, 25_000, 25_000, 28_000, 25_000]);
      // Every column empty there is typed in the same pass: one read more, not one per column.
      expect(messages.filter((m) => m.startsWith('reading again'))).toEqual([
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
      expect(again.filter((m) => m.startsWith('reading again'))).toEqual([]);
      // n's last value, 2^53 + 1, is read exactly from its text.
      const exported = join(t.dir, 'sparse-out.csv');
      await t.service.export(`sparse@${v.version}`, exported);
      expect(readFileSync(exported, 'utf8').trim().split('\n').pop()!.split(',')[1]).toBe('9007199254740993');
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
      expect(messages.filter((m) => m.startsWith('reading again')).length).toBeLessThanOrEqual(1);
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
      await expectKeelError(t.service.add('semi', file, { delimiter: ';;' }), 'INVALID_ARGUMENT', /delimiter: expected one character/);
      await expectKeelError(t.service.add('semi', file, { delimiter: '"' }), 'INVALID_ARGUMENT', /delimiter: expected one character other than a quote/);
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

    it('reads a CSV in latin-1 or utf-16 when told, and says so when a file is not UTF-8', async () => {
      const latin = join(t.dir, 'latin1.csv');
      writeFileSync(latin, Buffer.from('name,city\nJos\xe9,M\xfcnchen\nAnna,K\xf6ln\n', 'latin1'));
      await expectKeelError(t.service.add('enc', latin), 'INVALID_ARGUMENT', /file: not UTF-8 text .*pass --encoding latin-1/);
      const v = await t.service.add('enc', latin, { encoding: 'latin-1' });
      expect((await t.service.rows(`enc@${v.version}`)).rows).toEqual([['José', 'München'], ['Anna', 'Köln']]);
      const wide = join(t.dir, 'utf16.csv');
      writeFileSync(wide, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name,city\nJosé,München\n', 'utf16le')]));
      expect((await t.service.rows(`enc@${(await t.service.add('enc', wide, { encoding: 'utf16' })).version}`)).rows).toEqual([['José', 'München']]);
      // The same bytes read in another encoding are another version.
      const ascii = (await t.service.add('enc', fileA)).version;
      expect((await t.service.add('enc', fileA, { encoding: 'latin-1' })).version).not.toBe(ascii);
      await expectKeelError(t.service.add('enc', fileA, { encoding: 'cp1252' }), 'INVALID_ARGUMENT', /unknown encoding 'cp1252' \(known: utf-8, latin-1, utf-16\)/);
      const nd = join(t.dir, 'enc.ndjson');
      writeFileSync(nd, '{"a": 1}\n');
      await expectKeelError(t.service.add('enc', nd, { encoding: 'latin-1' }), 'INVALID_ARGUMENT', /applies to CSV only/);
    });

    it('adds a folder of parts, or the files a glob matches, as one version', async () => {
      const parts = join(t.dir, 'parts');
      mkdirSync(join(parts, 'day=2'), { recursive: true });
      writeFileSync(join(parts, 'day=1.csv'), 'x,y\n1,a\n2,b\n');
      writeFileSync(join(parts, 'day=2', 'part-0.csv'), 'x,y\n3,c\n');
      // What Spark writes beside its parts, and hidden files, are not data.
      writeFileSync(join(parts, '_SUCCESS'), '');
      writeFileSync(join(parts, '.day=1.csv.crc'), 'junk');
      const folder = await t.service.add('parts', parts);
      expect(folder.rows).toBe(3);
      expect(folder.columns.find((c) => c.name === 'x')!.stats).toMatchObject({ min: 1, max: 3, mean: 2 });
      expect(folder.source).toBe(parts);
      const table = await t.service.loadTable(`parts@${folder.version}`, { columns: ['x'] });
      expect([...(table.columns[0] as { values: Float64Array }).values]).toEqual([1, 2, 3]);
      // The same files through a glob: the same content, so the same version.
      expect((await t.service.add('parts', join(parts, '**', '*.csv'))).version).toBe(folder.version);
      // One file of them is another content.
      const one = await t.service.add('parts', join(parts, 'day=*.csv'));
      expect([one.rows, one.version === folder.version]).toEqual([2, false]);
      // Parts are matched by column name.
      const mixed = join(t.dir, 'nd-parts');
      mkdirSync(mixed);
      writeFileSync(join(mixed, 'a.ndjson'), '{"x": 1, "y": "a"}\n');
      writeFileSync(join(mixed, 'b.ndjson'), '{"y": "b", "z": true}\n');
      const nd = await t.service.add('nd-parts', mixed);
      expect(nd.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['x:int:1', 'y:string:0', 'z:bool:1']);
      writeFileSync(join(mixed, 'c.csv'), 'x\n1\n');
      await expectKeelError(t.service.add('nd-parts', mixed), 'INVALID_ARGUMENT', /mixes formats \(ndjson, csv\)|mixes formats \(csv, ndjson\)/);      // CSV parts too: a header in another order, or with a column more, puts each value under its own name.
      const csvParts = join(t.dir, 'csv-parts');
      mkdirSync(csvParts);
      writeFileSync(join(csvParts, 'a.csv'), 'x,y\n1,a\n2,b\n');
      writeFileSync(join(csvParts, 'b.csv'), 'y,x\nc,3\n');
      writeFileSync(join(csvParts, 'c.csv'), 'x,y,z\n4,d,1.5\n');
      const byName = await t.service.add('csv-parts', csvParts);
      expect(byName.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['x:int', 'y:string', 'z:float']);
      expect((await t.service.rows(`csv-parts@${byName.version}`)).rows).toEqual([[1, 'a', null], [2, 'b', null], [3, 'c', null], [4, 'd', 1.5]]);
      writeFileSync(join(csvParts, 'd.tsv'), 'x\ty\n5\te\n');
      await expectKeelError(t.service.add('csv-parts', csvParts), 'INVALID_ARGUMENT', /mixes tab-separated \(\.tsv\) and comma-separated files/);
    });

    it('reads Parquet, JSON and NDJSON', async () => {
      const nd = join(t.dir, 'rows.ndjson');
      writeFileSync(nd, '{"a": 1, "s": "x"}\n{"a": 2, "s": null}\n');
      const v = await t.service.add('fmt', nd);
      expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 's:string']);
      const js = join(t.dir, 'rows.json');
      writeFileSync(js, '[{"a": 1.5, "b": true}, {"a": 2.5, "b": false}]');
      expect((await t.service.add('fmt', js)).columns.map((c) => c.type)).toEqual(['float', 'bool']);
      const pq = await t.service.parquetPath('demo');
      const fromPq = await t.service.add('fmt', pq, { format: 'parquet' });
      expect(fromPq.columns.map((c) => c.name)).toEqual(['x', 'y', 'c', 'z']);
      expect(fromPq.rows).toBe(4);
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

    it('reports missing datasets and versions as NOT_FOUND', async () => {
      await expectKeelError(t.service.get('nope'), 'NOT_FOUND', /dataset 'nope'/);
      await expectKeelError(t.service.get('demo@000000000000'), 'NOT_FOUND', /dataset version 'demo@000000000000'/);
    });

    describe('bad input leaves nothing behind', () => {
      const assertUntouched = async (name: string, blobsBefore: number) => {
        await expectKeelError(t.service.get(name), 'NOT_FOUND', /not found/);
        expect(t.blobs().length).toBe(blobsBefore);
        expect(readdirSync(join(t.dir, 'tmp'))).toEqual([]);
      };

      it('a malformed CSV', async () => {
        const before = t.blobs().length;
        const bad = join(t.dir, 'bad.csv');
        writeFileSync(bad, 'a,b\n1,2\n3,4,5,6\n"unterminated,7\n');
        const e = await expectKeelError(t.service.add('bad', bad), 'INVALID_ARGUMENT', /not a readable CSV file/);
        expect(e.field).toBe('file');
        await assertUntouched('bad', before);
        // Left to guess, DuckDB took the last row for the header and skipped the rows above it.
        writeFileSync(bad, 'a,b\n1,2\n3\n4,5,6\n');
        await expectKeelError(t.service.add('bad', bad), 'INVALID_ARGUMENT', /not a readable CSV file.*the header's fields/);
        await assertUntouched('bad', before);
      });

      it('an unreadable, missing or empty file', async () => {
        const before = t.blobs().length;
        await expectKeelError(t.service.add('bad', join(t.dir, 'missing.csv')), 'INVALID_ARGUMENT', /cannot read .*ENOENT/);
        const dir = join(t.dir, 'folder.csv');
        mkdirSync(dir);
        await expectKeelError(t.service.add('bad', dir), 'INVALID_ARGUMENT', /the folder '.*folder.csv' holds no CSV, Parquet or JSON file/);
        await expectKeelError(t.service.add('bad', join(t.dir, 'nothing-*.csv')), 'INVALID_ARGUMENT', /no file matches/);
        const empty = join(t.dir, 'empty.csv');
        writeFileSync(empty, '');
        await expectKeelError(t.service.add('bad', empty), 'INVALID_ARGUMENT', /is empty/);
        const locked = join(t.dir, 'locked.csv');
        writeFileSync(locked, CSV_A);
        chmodSync(locked, 0o000);
        // root reads anything; elsewhere this is EACCES.
        if (process.getuid?.() !== 0) await expectKeelError(t.service.add('bad', locked), 'INVALID_ARGUMENT', /EACCES/);
        await assertUntouched('bad', before);
      });

      it('an unknown format or column type', async () => {
        const before = t.blobs().length;
        await expectKeelError(t.service.add('bad', join(t.dir, 'data.xml')), 'INVALID_ARGUMENT', /cannot tell the format .*--format/);
        await expectKeelError(t.service.add('bad', fileA, { format: 'xlsx' }), 'INVALID_ARGUMENT', /unknown format 'xlsx' \(known: csv, parquet, json, ndjson\)/);
        const nested = join(t.dir, 'nested.ndjson');
        writeFileSync(nested, '{"a": {"b": 1}}\n');
        const e = await expectKeelError(t.service.add('bad', nested), 'INVALID_ARGUMENT', /column 'a' has type STRUCT/);
        expect(e.field).toBe('columns.a');
        await expectKeelError(t.service.add('bad', fileA, { format: 'parquet' }), 'INVALID_ARGUMENT', /not a readable PARQUET file/);
        await assertUntouched('bad', before);
      });

      it('a dataset name with path characters', async () => {
        for (const name of ['../x', 'a/b', '', '.hidden', 'a\\b']) {
          const e = await expectKeelError(t.service.add(name, fileA), 'INVALID_ARGUMENT', /invalid dataset name/);
          expect(e.field).toBe('name');
        }
      });

      it('a failure of the statistics while the Parquet is being stored', async () => {
        const failing = makeTestService(store, {
          beforeStatistics: () => {
            throw new Error('injected statistics failure');
          },
        });
        const file = join(t.dir, 'stats-fail.csv');
        writeFileSync(file, 'k,v\n1,one\n2,two\n3,three\n');
        await expect(failing.service.add('statsfail', file)).rejects.toThrow('injected statistics failure');
        await expectKeelError(failing.service.get('statsfail'), 'NOT_FOUND', /dataset 'statsfail'/);
        // The copy into the artifact store had started: it is removed again.
        expect(failing.blobs()).toEqual([]);
        expect(readdirSync(join(failing.dir, 'tmp'))).toEqual([]);
      });

      it('an abort (Ctrl-C) during the read, during the statistics or just before the commit', async () => {
        const file = join(t.dir, 'abort.csv');
        writeFileSync(file, `k,v\n${Array.from({ length: 200_000 }, (_, i) => `${i},v${i % 1000}`).join('\n')}\n`);
        let abortAt: 'stats' | 'commit' | undefined;
        let controller = new AbortController();
        const stopping = makeTestService(store, {
          beforeStatistics: () => void (abortAt === 'stats' && controller.abort()),
          afterArtifactStored: () => void (abortAt === 'commit' && controller.abort()),
        });
        for (const at of ['read', 'stats', 'commit'] as const) {
          controller = new AbortController();
          abortAt = at === 'read' ? undefined : at;
          const adding = stopping.service.add('aborted', file, {}, { signal: controller.signal });
          if (at === 'read') setImmediate(() => controller.abort());
          await expectKeelError(adding, 'CANCELLED', /the add was interrupted/);
          await expectKeelError(stopping.service.get('aborted'), 'NOT_FOUND', /dataset 'aborted'/);
          expect(stopping.blobs()).toEqual([]);
          expect(readdirSync(join(stopping.dir, 'tmp'))).toEqual([]);
        }
        abortAt = undefined;
        expect((await stopping.service.add('aborted', file, {}, { signal: new AbortController().signal })).rows).toBe(200_000);
      });

      it('a crash between the Parquet write and the metadata commit, then a retry', async () => {
        let fail = true;
        const crashing = makeTestService(store, {
          afterArtifactStored: () => {
            if (fail) throw new Error('injected crash');
          },
        });
        const file = join(t.dir, 'crash.csv');
        writeFileSync(file, 'k,v\n1,one\n2,two\n');
        await expect(crashing.service.add('crashy', file)).rejects.toThrow('injected crash');
        await expectKeelError(crashing.service.get('crashy'), 'NOT_FOUND', /dataset 'crashy'/);
        expect(crashing.blobs()).toEqual([]);
        expect(readdirSync(join(crashing.dir, 'tmp'))).toEqual([]);
        fail = false;
        const v = await crashing.service.add('crashy', file);
        expect(v.rows).toBe(2);
        expect(crashing.blobs()).toEqual([v.artifactSha256]);
      });
    });
  });
}
