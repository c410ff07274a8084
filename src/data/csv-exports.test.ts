import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AddDatasetOptions } from './dataset-service.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

// Spreadsheet exports as written by hand, read as pandas.read_csv (1.5.3) reads them with the
// matching options; its values in the comments.

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d);

describe('spreadsheet exports', () => {
  const t = sqliteTestService();

  /** The version's columns (name:type:missing) and its rows. */
  async function add(name: string, text: string, read: AddDatasetOptions = {}) {
    const path = join(t.dir, `${name}.csv`);
    writeFileSync(path, text);
    const v = await t.service.add(name, path, read);
    return { columns: v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`), rows: (await t.service.rows(`${name}@${v.version}`)).rows.map((r) => r.map(iso)) };
  }

  it('reads a German Excel export: BOM, quoted header, ;, decimal comma, thousands ., CRLF, ; ending every line, no last newline', async () => {
    // pandas (sep=';', decimal=',', thousands='.'): Datum int64 [50124, 310124, 10224] (its
    // thousands separator read into the dates), Betrag float64 [1234.5, -12.0, nan], Text object,
    // 'Unnamed: 3' float64, all NaN. Keel reads the dates day first (DuckDB's sniffer: year first).
    const found = await add('excel', '\ufeff"Datum";"Betrag";"Text";\r\n"05.01.24";"1.234,50";"Miete";\r\n"31.01.24";"-12,00";"Kaffee";\r\n"01.02.24";"";"x";', {
      delimiter: ';',
      decimal: ',',
      thousands: '.',
    });
    expect(found.columns).toEqual(['Datum:timestamp:0', 'Betrag:float:1', 'Text:string:0', 'column3:string:3']);
    expect(found.rows).toEqual([
      ['2024-01-05T00:00:00.000Z', 1234.5, 'Miete', null],
      ['2024-01-31T00:00:00.000Z', -12, 'Kaffee', null],
      ['2024-02-01T00:00:00.000Z', null, 'x', null],
    ]);
  });

  it('reads rows that end with the delimiter under a header that does not as their fields, as pandas with index_col=False', async () => {
    // pandas: a [1, 3], b [2, 4] with index_col=False; by default it takes a for the index and
    // shifts the rest left: a [2, 4], b [NaN, NaN].
    const found = await add('trailing', 'a;b\r\n1;2;\r\n3;4;\r\n', { delimiter: ';' });
    expect(found.columns).toEqual(['a:int:0', 'b:int:0']);
    expect(found.rows).toEqual([[1, 2], [3, 4]]);
  });

  it('reads rows of which only some end with empty fields past the header as their fields, among the sampled rows and past them', async () => {
    // pandas with index_col=False: a [1, 3, 5], b [2, 4, 6]. It refuses a row with more fields
    // than the first data row (`5;6;;` here, or `1,2,` below `3,4`); Keel reads those as their fields.
    const first = await add('some-trailing', 'a;b\r\n1;2;\r\n3;4\r\n5;6;\r\n', { delimiter: ';' });
    expect([first.columns, first.rows]).toEqual([['a:int:0', 'b:int:0'], [[1, 2], [3, 4], [5, 6]]]);
    // 25,000 rows (DuckDB sniffs 20,480), then one with the extra field.
    const late = await add('late-trailing', `a,b\n${'1,2\n'.repeat(25_000)}3,4,,\n`);
    expect(late.columns).toEqual(['a:int:0', 'b:int:0']);
    expect((await add('more-trailing', 'a,b\n1,2,,\n3,4\n')).rows).toEqual([[1, 2], [3, 4]]);
    // Other rows that do not fit the header beside them are refused, naming the first one's line.
    const path = join(t.dir, 'mixed.csv');
    writeFileSync(path, 'a,b\n1,2,\n3,4\n5\n');
    await expectKeelError(t.service.add('mixed', path), 'INVALID_ARGUMENT', /line 4 of mixed.csv has 1 field where the header has 2/);
    writeFileSync(path, 'a,b\n1,2,\n3,4,5\n');
    await expectKeelError(t.service.add('mixed', path), 'INVALID_ARGUMENT', /line 3 of mixed.csv has more than 2 fields/);
    // With short rows filled, too.
    const filled = await add('filled-trailing', 'a,b,c\n1,2,3,\n4,5\n', { fillShortRows: true });
    expect(filled.rows).toEqual([[1, 2, 3], [4, 5, null]]);
  });

  it('reads parts of which some rows end with empty fields past the header as one file of the same rows is read', async () => {
    // pandas, each part read with index_col=False and concatenated: a [1, 3, 5, 7], b [2, 4, 6, 8].
    const folder = (name: string, parts: Record<string, string>) => {
      const dir = join(t.dir, name);
      mkdirSync(dir);
      for (const [file, text] of Object.entries(parts)) writeFileSync(join(dir, file), text);
      return dir;
    };
    const rows = async (name: string, path: string, read: AddDatasetOptions = {}) => {
      const v = await t.service.add(name, path, read);
      return { columns: v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`), rows: (await t.service.rows(`${name}@${v.version}`)).rows.map((r) => r.map(iso)) };
    };
    const one = await add('one', 'a,b\n1,2\n3,4,\n5,6\n7,8,\n');
    expect(one.rows).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    // The mix within a part, in the first one or a later one, with short rows filled too.
    expect(await rows('mixed-first', folder('mixed-first', { 'p1.csv': 'a,b\n1,2\n3,4,\n', 'p2.csv': 'a,b\n5,6\n7,8,\n' }))).toEqual(one);
    expect(await rows('mixed-later', folder('mixed-later', { 'p1.csv': 'a,b\n1,2\n3,4\n', 'p2.csv': 'a,b\n5,6\n7,8,\n' }), { fillShortRows: true })).toEqual(one);
    // With a date column, whose formats the first and last parts are sniffed for, each by itself.
    const dated = { 'p1.csv': 'a,d\n1,2024-01-05\n3,2024-01-06\n', 'p2.csv': 'a,d\n5,2024-02-01,\n7,2024-02-02\n' };
    const oneDated = await add('one-dated', `${dated['p1.csv']}${dated['p2.csv'].slice(4)}`);
    expect(oneDated.columns).toEqual(['a:int:0', 'd:timestamp:0']);
    expect(await rows('dated', folder('dated', dated))).toEqual(oneDated);
    // Another row that does not fit is refused by its part and line, as in one file.
    const short = folder('short', { 'p1.csv': 'a,b\n1,2\n', 'p2.csv': 'a,b\n5,6,\n7,8\n9\n' });
    await expectKeelError(t.service.add('short', short), 'INVALID_ARGUMENT', /line 4 of p2.csv has 1 field where the header has 2/);
    // Parts whose headers differ are read by name, each sniffed again as DuckDB reads it: refused,
    // naming the part and the line (pandas with index_col=False reads them).
    const byName = folder('by-name', { 'p1.csv': 'a,b\n1,2\n', 'p2.csv': 'b,a\n# note\n6,5,\n8,7\n' });
    await expectKeelError(t.service.add('by-name', byName, { comment: '#' }), 'INVALID_ARGUMENT', /^file: not a readable CSV file: line 3 of p2.csv ends with 1 empty field past the header's 2, and line 4 does not: /);
    // Lines counted as DuckDB counts them: CRLF one line end, a quoted one none, a blank line one.
    writeFileSync(join(byName, 'p2.csv'), 'b,a\r\n"x\r\ny",5,\r\n\r\n8,7\r\n');
    await expectKeelError(t.service.add('by-name', byName), 'INVALID_ARGUMENT', /line 2 of p2.csv ends with 1 empty field past the header's 2, and line 4 does not: /);
  });
});
