import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

// pandas' df.to_json(path) writes a table of columns (orient='columns'), which pd.read_json reads
// back by default; orient='split' too. The files and what pandas reads from them come from
// testdata/make-json-tables.py.
const TESTDATA = join(import.meta.dirname, 'testdata');
const expected = JSON.parse(readFileSync(join(TESTDATA, 'expected-json-tables.json'), 'utf8')) as Record<string, { columns: string[]; rows: unknown[][] }>;

describe('a JSON file that is one table', () => {
  const t = sqliteTestService();

  it("is read as pandas' read_json reads it: its rows in order, its index dropped when pandas' default, else a column", async () => {
    for (const [file, want] of Object.entries(expected)) {
      const path = join(t.dir, file);
      copyFileSync(join(TESTDATA, 'json-tables', file), path);
      const v = await t.service.add(file.replace('.json', ''), path);
      const rows = (await t.service.rows(`${v.name}@${v.version}`)).rows;
      expect({ file, columns: v.columns.map((c) => `${c.name}:${c.type}`), rows }).toEqual({ file, ...want });
      const orient = file.endsWith('-split.json') ? "orient='split'" : "to_json() default, orient='columns'";
      const kept = want.columns[0]!.startsWith('index:') ? "; its row labels, not pandas' default 0, 1, 2, ..., are column \"index\"" : '';
      expect(v.notes).toEqual([`'${file}' is one table (pandas' ${orient}), not rows: read as its 3 rows, as pandas' read_json reads it${kept}`]);
    }
  });

  it('reads a dict of lists, a column missing from some labels, and names a kept index level_0 beside a column index', async () => {
    const cases: [string, string, string[], unknown[][]][] = [
      ['lists', '{"a":[1,2],"b":["x","y"]}', ['a:int', 'b:string'], [[1, 'x'], [2, 'y']]],
      // pandas: a: [1.0, NaN], b: [NaN, 2.0] (Keel's int with a missing value).
      ['sparse', '{"a":{"0":1},"b":{"1":2}}', ['a:int', 'b:int'], [[1, null], [null, 2]]],
      ['named', '{"index":{"x":1,"y":2}}', ['level_0:string', 'index:int'], [['x', 1], ['y', 2]]],
    ];
    for (const [name, body, columns, rows] of cases) {
      writeFileSync(join(t.dir, `${name}.json`), body);
      const v = await t.service.add(name, join(t.dir, `${name}.json`));
      expect({ name, columns: v.columns.map((c) => `${c.name}:${c.type}`), rows: (await t.service.rows(`${name}@${v.version}`)).rows }).toEqual({ name, columns, rows });
    }
  });

  it('refuses lists of different lengths, and objects and lists mixed, naming the file', async () => {
    writeFileSync(join(t.dir, 'uneven.json'), '{"a":[1,2],"b":["x"]}');
    await expectKeelError(t.service.add('uneven', join(t.dir, 'uneven.json')), 'INVALID_ARGUMENT', /^file: 'uneven\.json' is one JSON object of lists of different lengths \(2, 1\)/);
    writeFileSync(join(t.dir, 'mixed.json'), '{"a":{"0":1},"b":[2]}');
    await expectKeelError(t.service.add('mixed', join(t.dir, 'mixed.json')), 'INVALID_ARGUMENT', /^file: 'mixed\.json' is one JSON object of columns or lists .*orient='records', lines=True/);
  });

  // Its rows are written to a temp .ndjson file and read: the errors of that read named that file
  // ('dup.ndjson' has an object with the key "a" twice (line 1)), and its notes its lines.
  it("names the table's own file in an error or a note of the read of its rows, never their temp file, and its rows, not lines", async () => {
    const leaks = (m: string) => m.includes('.ndjson') || m.includes(t.dir) || m.includes('.gz');
    writeFileSync(join(t.dir, 'dup.json'), '{"a":[1,2],"a":[3,4]}');
    const dup = await expectKeelError(t.service.add('dup', join(t.dir, 'dup.json')), 'INVALID_ARGUMENT', /^file: 'dup\.json' has an object with the key "a" twice \(row 1\)/);
    // pandas' reset_index refuses a column level_0 beside index too.
    writeFileSync(join(t.dir, 'levels.json'), '{"index":{"r1":1},"level_0":{"r1":2}}');
    const levels = await expectKeelError(t.service.add('levels', join(t.dir, 'levels.json')), 'INVALID_ARGUMENT', /^file: 'levels\.json' has an object with the key "level_0" twice \(row 1\)/);
    // A gzipped file named without .gz, read through a link named with it: named as given.
    writeFileSync(join(t.dir, 'zipped.json'), gzipSync('{"a":[1,2],"a":[3,4]}'));
    const zipped = await expectKeelError(t.service.add('zipped', join(t.dir, 'zipped.json')), 'INVALID_ARGUMENT', /^file: 'zipped\.json' has an object/);
    writeFileSync(join(t.dir, 'zipped-ok.json'), gzipSync('{"a":[1,2]}'));
    const ok = await t.service.add('zipped-ok', join(t.dir, 'zipped-ok.json'));
    // A value past the sampled rows that does not fit: the note names its row.
    writeFileSync(join(t.dir, 'late.json'), `{"a":[${'1,'.repeat(30_000)}"x"]}`);
    const late = await t.service.add('late', join(t.dir, 'late.json'));
    expect(late.notes).toEqual([
      "'late.json' is one table (pandas' a dict of lists), not rows: read as its 30001 rows, as pandas' read_json reads it",
      'a value in row 30001 does not fit the types of the first rows, so the types come from all rows',
    ]);
    expect((await t.service.rows('late', { offset: 29_999 })).rows).toEqual([['1'], ['x']]);
    expect(ok.notes).toEqual(["'zipped-ok.json' is one table (pandas' a dict of lists), not rows: read as its 2 rows, as pandas' read_json reads it"]);
    expect([dup, levels, zipped].map((e) => e.message).filter(leaks)).toEqual([]);
  });

  it('is read past the 16 MiB DuckDB reads as one object', { timeout: 60_000 }, async () => {
    const n = 170_000;
    writeFileSync(join(t.dir, 'big.json'), `{"a": {${Array.from({ length: n }, (_, i) => `"${i}":${i}`).join(',')}}, "b": {${Array.from({ length: n }, (_, i) => `"${i}":"${'x'.repeat(90)}"`).join(',')}}}`);
    const v = await t.service.add('big', join(t.dir, 'big.json'));
    expect([v.rows, v.columns.map((c) => `${c.name}:${c.type}`)]).toEqual([n, ['a:int', 'b:string']]);
    expect((await t.service.rows('big', { offset: n - 1 })).rows).toEqual([[n - 1, 'x'.repeat(90)]]);
    // Not valid JSON past DuckDB's 16 MiB: its parser met the bad value in the rows' temp file,
    // in the sampled rows (a bad value past them, or a key twice, fails the read itself: above).
    writeFileSync(join(t.dir, 'bad-big.json'), `{"a": [${Array.from({ length: n }, (_, i) => (i === 1 ? 'tru' : String(i))).join(',')}], "b": [${Array.from({ length: n }, () => `"${'x'.repeat(90)}"`).join(',')}]}`);
    const bad = await expectKeelError(t.service.add('bad-big', join(t.dir, 'bad-big.json')), 'INVALID_ARGUMENT', /^file: 'bad-big\.json' is not valid JSON at row 2: invalid literal$/);
    expect(bad.message).not.toMatch(/ndjson|keel-data-/);
  });
});
