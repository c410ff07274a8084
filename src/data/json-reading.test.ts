import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

/** NDJSON lines of `{"a": i}` for i below `n`, then `last` (an object's JSON). */
const linesThen = (n: number, last: string): string => `${Array.from({ length: n }, (_, i) => `{"a": ${i}}`).join('\n')}\n${last}\n`;

// Compared with pandas: pd.read_json(f, lines=True) gives the columns of every object.
describe('JSON keys past the sampled rows', () => {
  const t = sqliteTestService();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-json-'));
  });

  // DuckDB's reader, given the columns (as Keel gives them for its integer checks), skipped a key
  // it had not sampled without a word: the column `late` was lost.
  it('are columns, beside integer columns (NDJSON)', async () => {
    const file = join(dir, 'late.ndjson');
    writeFileSync(file, linesThen(30_000, '{"a": 5, "late": "hello"}'));
    const v = await t.service.add('late', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'late:string']);
    expect(v.columns[1]!.stats.count).toBe(1);
    expect((await t.service.rows('late', { offset: 30_000 })).rows).toEqual([[5, 'hello']]);
    expect(v.notes).toEqual(['line 30001 has the key "late", which the first rows do not, so the types come from all rows']);
  });

  it('are columns in a JSON array too, its object named by its place', async () => {
    const file = join(dir, 'late.json');
    const objects = Array.from({ length: 25_000 }, (_, i) => `{"a": ${i}}`);
    writeFileSync(file, `[${[...objects, '{"a": 1, "late": 7}'].join(',\n')}]`);
    const v = await t.service.add('late-json', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'late:int']);
    expect((await t.service.rows('late-json', { offset: 25_000 })).rows).toEqual([[1, 7]]);
    expect(v.notes).toEqual(['object 25001 has the key "late", which the first rows do not, so the types come from all rows']);
  });

  // A nested value is stored as its own JSON text, so a key new inside it (o.y) is kept as it is.
  // DuckDB's check of a file's keys (a gzipped file's; a plain one's when the scan found a late
  // key) typed nested values as structs: its first unknown key was o's y, named as a row's key in
  // a note (`line 30001 has the key "y"`, for a key "late" on line 30002), with a read of all rows.
  it('inside a nested value are kept in its text, and need no note: gzipped, in a JSON array, or before a late key of the rows', async () => {
    const nested = (n: number) => Array.from({ length: n }, (_, i) => `{"a": ${i}, "o": {"x": 1}}`);
    const cases: [string, string, string[], unknown[][]][] = [
      ['nested.ndjson.gz', [...nested(30_000), '{"a": 5, "o": {"x": 1, "y": [2]}}'].join('\n'), ['a:int', 'o:string'], [[29_999, '{"x":1}'], [5, '{"x":1,"y":[2]}']]],
      ['nested.json.gz', `[${[...nested(25_000), '{"a": 5, "o": {"x": 1, "y": 2}}'].join(',')}]`, ['a:int', 'o:string'], [[24_999, '{"x":1}'], [5, '{"x":1,"y":2}']]],
      ['nested.ndjson', [...nested(30_000), '{"a": 5, "o": {"x": 1, "y": 2}}', '{"a": 6, "o": {"x": 1}, "late": "z"}'].join('\n'), ['a:int', 'o:string', 'late:string'], [[5, '{"x":1,"y":2}', null], [6, '{"x":1}', 'z']]],
    ];
    for (const [name, text, columns, last] of cases) {
      writeFileSync(join(dir, name), name.endsWith('.gz') ? gzipSync(text) : text);
      const v = await t.service.add('nested', join(dir, name));
      const rows = (await t.service.rows(`nested@${v.version}`, { offset: v.rows - 2 })).rows;
      const notes = name === 'nested.ndjson' ? ['line 30002 has the key "late", which the first rows do not, so the types come from all rows'] : undefined;
      expect({ name, columns: v.columns.map((c) => `${c.name}:${c.type}`), rows, notes: v.notes }).toEqual({ name, columns, rows: last, notes });
    }
  });
});

describe('JSON files that are not rows', () => {
  const t = sqliteTestService();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-json-'));
  });

  // A table of columns (pandas' to_json() default) is read as its rows: json-table.test.ts.
  it('are refused when one object mixes columns and lists, naming the file and how to write rows', async () => {
    writeFileSync(join(dir, 'mixed.json'), '{"a":{"0":1,"1":2},"b":["x","y"]}');
    await expectKeelError(t.service.add('mixed', join(dir, 'mixed.json')), 'INVALID_ARGUMENT', /^file: 'mixed\.json' is one JSON object of columns or lists .*orient='records', lines=True/);
    expect(t.blobs()).toEqual([]);
  });

  it('are read when the object is one row: of values, or of objects inside [ ]', async () => {
    writeFileSync(join(dir, 'one.json'), '{"a": 1, "b": "x"}');
    expect((await t.service.rows((await t.service.add('one', join(dir, 'one.json'))).name)).rows).toEqual([[1, 'x']]);
    writeFileSync(join(dir, 'nested.json'), '[{"a": {"0": 1}, "b": [2]}]');
    expect((await t.service.rows((await t.service.add('nested', join(dir, 'nested.json'))).name)).rows).toEqual([['{"0":1}', '[2]']]);
  });

  // DuckDB named line 3 for both (its parser reads on past an object left open) and its whole message.
  it('name the line (NDJSON) or the array\'s object that is not valid JSON', async () => {
    writeFileSync(join(dir, 'open.ndjson'), '{"a": 1}\n{"a": 2\n{"a": 3}\n');
    await expectKeelError(t.service.add('bad', join(dir, 'open.ndjson')), 'INVALID_ARGUMENT', /^file: 'open\.ndjson' is not valid JSON at line 2: unexpected character$/);
    // In an array DuckDB named the object after the bad one.
    const objects = (bad: string) => `[${Array.from({ length: 30_000 }, (_, i) => (i === 24_999 ? bad : `{"a": ${i}}`)).join(',\n')}]`;
    for (const [name, bad] of [['value', '{"a": x}'], ['open', '{"a": 3, "b"'], ['string', '{"a": "x}']]) {
      writeFileSync(join(dir, `${name}.json`), objects(bad!));
      await expectKeelError(t.service.add('bad', join(dir, `${name}.json`)), 'INVALID_ARGUMENT', new RegExp(`^file: '${name}\\.json' is not valid JSON at the array's object 25000 \\(or the one before it, when that one leaves an object open\\): unexpected`));
    }
    writeFileSync(join(dir, 'first.json'), '[{"a": x}, {"a": 2}]');
    await expectKeelError(t.service.add('bad', join(dir, 'first.json')), 'INVALID_ARGUMENT', /^file: 'first\.json' is not valid JSON at the array's object 1 /);
    // A .json file that is no array: its values are counted as DuckDB counts them, not called an array's objects.
    writeFileSync(join(dir, 'objects.json'), '{"a": 1} {"a": 2} {"a" 3}');
    writeFileSync(join(dir, 'objects.json.gz'), gzipSync('{"a": 1} {"a": 2} {"a" 3}'));
    writeFileSync(join(dir, 'text.json'), 'hello');
    for (const [name, at] of [['objects.json', 3], ['objects.json.gz', 3], ['text.json', 1]] as const) {
      await expectKeelError(t.service.add('bad', join(dir, name)), 'INVALID_ARGUMENT', new RegExp(`^file: '${name.replace(/\./g, '\\.')}' is not valid JSON at its value ${at} \\(or the one before it, when that one leaves an object open\\): unexpected character$`));
    }
    writeFileSync(join(dir, 'first.json.gz'), gzipSync('  [{"a": x}, {"a": 2}]'));
    await expectKeelError(t.service.add('bad', join(dir, 'first.json.gz')), 'INVALID_ARGUMENT', /^file: 'first\.json\.gz' is not valid JSON at the array's object 1 /);
    writeFileSync(join(dir, 'cut.ndjson'), '{"a": 1}\n{"a":');
    await expectKeelError(t.service.add('bad', join(dir, 'cut.ndjson')), 'INVALID_ARGUMENT', /^file: 'cut\.ndjson' is not valid JSON at line 2: unexpected end of data$/);
  });

  it('say that an object of more than 16 MiB that is not a table is not a row, with the advice for a table of columns', async () => {
    writeFileSync(join(dir, 'big.json'), `{"a": {${Array.from({ length: 1_500_000 }, (_, i) => `"${i}":${i}`).join(',')}}, "b": 1}`);
    await expectKeelError(t.service.add('big', join(dir, 'big.json')), 'INVALID_ARGUMENT', /^file: 'big\.json' holds a JSON object of more than 16 MiB, .*orient='records', lines=True\)$/);
  });

  // A Parquet file cut short in its footer: DuckDB's message (TProtocolException: Invalid data) named no file.
  it('name a damaged Parquet file and leave nothing behind', async () => {
    const good = join(dir, 'good.parquet');
    const duck = await openDuckDb(dir);
    try {
      await (await duck.connect()).run(`COPY (SELECT range AS a FROM range(10000)) TO ${quoteString(good)} (FORMAT parquet)`);
    } finally {
      duck.close();
    }
    const before = t.blobs();
    const bytes = readFileSync(good);
    writeFileSync(join(dir, 'cut.parquet'), Buffer.concat([bytes.subarray(0, bytes.length - 100), bytes.subarray(bytes.length - 8)]));
    await expectKeelError(t.service.add('cut', join(dir, 'cut.parquet')), 'INVALID_ARGUMENT', /^file: 'cut\.parquet' is not a readable PARQUET file \(cut short or damaged\?\): /);
    expect(t.blobs()).toEqual(before);
    expect((await t.service.list()).map((d) => d.name).sort()).toEqual(['nested', 'one']);
  });
});

describe('timestamps with a UTC offset given the type timestamp', () => {
  const t = sqliteTestService();

  // DuckDB's cast of text to TIMESTAMP dropped the offset: 12:00+02:00 was stored as 12:00 UTC.
  // pandas: pd.to_datetime(s, utc=True) gives 10:00, 10:00 and 15:00:00.123456 UTC.
  it('are the instants they name, in NDJSON and CSV alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-json-'));
    const values = ['2024-01-01T10:00:00Z', '2024-01-01T12:00:00+02:00', '2024-01-01T10:00:00.123456-05:00', '2024-01-01 10:00:00'];
    writeFileSync(join(dir, 't.ndjson'), values.map((v) => `{"t": "${v}"}\n`).join(''));
    writeFileSync(join(dir, 't.csv'), `t\n${values.join('\n')}\n`);
    for (const file of ['t.ndjson', 't.csv']) {
      const v = await t.service.add(file.replace('.', '-'), join(dir, file), { types: { t: 'timestamp' } });
      expect((await t.service.rows(v.name)).rows, file).toEqual([['2024-01-01T10:00:00.000Z'], ['2024-01-01T10:00:00.000Z'], ['2024-01-01T15:00:00.123Z'], ['2024-01-01T10:00:00.000Z']]);
      expect(v.columns[0]!.stats.max, file).toBe(Date.UTC(2024, 0, 1, 15, 0, 0, 123) + 0.456);
    }
  });
});

describe('a JSON file with a byte order mark', () => {
  const t = sqliteTestService();

  // DuckDB took the array for values that are not objects, and named line 2 of the NDJSON file.
  it('is refused, naming the file and the mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-json-'));
    for (const [file, body] of [['b.json', '\ufeff[{"a": 1}]'], ['b.ndjson', '\ufeff{"a": 1}\n{"a": 2}\n']] as const) {
      writeFileSync(join(dir, file), body);
      await expectKeelError(t.service.add('bom', join(dir, file)), 'INVALID_ARGUMENT', new RegExp(`^file: '${file.replace('.', '\\.')}' starts with a UTF-8 byte order mark \\(EF BB BF\\), which JSON does not allow`));
    }
  });
});
