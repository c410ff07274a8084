import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteTestService } from './test-helpers.js';

// A one-column CSV as pandas.read_csv reads it (pandas 1.5.3; its values in the comments): blank
// lines skipped (skip_blank_lines=True), a quoted "" missing.

describe('a one-column CSV read as pandas reads it', () => {
  const t = sqliteTestService();

  /** The version's type, rows and missing count of its one column, and its values. */
  async function add(name: string, text: string, options: { na?: string[] } = {}) {
    const file = join(t.dir, `${name}.csv`);
    writeFileSync(file, text);
    const v = await t.service.add(name, file, options);
    const [c] = v.columns;
    return { what: `${c!.name}:${c!.type} rows ${v.rows} missing ${c!.stats.missing}`, values: (await t.service.rows(`${name}@${v.version}`)).rows.map((r) => r[0]) };
  }

  it('skips blank lines in the middle, at the start and at the end', async () => {
    // pandas: int64 [1, 3]; DuckDB read a blank line here as a row of NULL.
    expect(await add('blank', 'a\n1\n\n3\n\n')).toEqual({ what: 'a:int rows 2 missing 0', values: [1, 3] });
    // pandas: int64 [1]; object ['x', 'y'] (CRLF line ends).
    expect(await add('leading', 'a\n\n\n1\n')).toEqual({ what: 'a:int rows 1 missing 0', values: [1] });
    expect(await add('crlf', 'a\r\nx\r\n\r\ny\r\n\r\n')).toEqual({ what: 'a:string rows 2 missing 0', values: ['x', 'y'] });
    // pandas: 0 rows.
    expect((await add('only-blank', 'a\n\n\n')).what).toBe('a:string rows 0 missing 0');
  });

  it('reads a quoted "" and an NA line as missing rows, and keeps a quoted line break', async () => {
    // pandas: float64 [1.0, NaN, 3.0, NaN], 4 rows, 2 missing (Keel keeps whole numbers with NA int).
    expect(await add('quoted-empty', 'a\n1\n\n""\n3\nNA\n\n')).toEqual({ what: 'a:int rows 4 missing 2', values: [1, null, 3, null] });
    // pandas: object ['x', NaN, '\n', 'y'].
    expect(await add('quoted-text', 'a\nx\n""\n"\n"\n\ny\n')).toEqual({ what: 'a:string rows 4 missing 1', values: ['x', null, '\n', 'y'] });
    // pandas: object ['2024-01-01', NaN, '2024-01-03'] (Keel: a timestamp column).
    expect((await add('quoted-dates', 'd\n2024-01-01\n""\n\n2024-01-03\n')).what).toBe('d:timestamp rows 3 missing 1');
  });

  it('reads a quoted "" past the sampled rows as missing, after one more read', async () => {
    // pandas: float64, 25,002 rows, 1 missing.
    const ints = Array.from({ length: 25_000 }, (_, i) => i).join('\n');
    const messages: string[] = [];
    const file = join(t.dir, 'late-empty.csv');
    writeFileSync(file, `a\n${ints}\n\n""\n7\n\n`);
    const v = await t.service.add('late-empty', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    expect(`${v.columns[0]!.type} rows ${v.rows} missing ${v.columns[0]!.stats.missing}`).toBe('int rows 25002 missing 1');
    expect((await t.service.rows(`late-empty@${v.version}`, { offset: 25_000 })).rows).toEqual([[null], [7]]);
    expect(messages).toContain("reading again: column 'a' holds \"\" on line 25003, pandas' NA spelling, so it is read as missing");
  });

  it('keeps the lines of --na spellings as missing rows, and skips blank lines beside them', async () => {
    // pandas na_values=['?']: float64 [1.0, NaN, 3.0], 3 rows; with ['?', '-']: [1.0, NaN, NaN, 3.0].
    expect(await add('na', 'a\n1\n\n?\n3\n\n', { na: ['?'] })).toEqual({ what: 'a:int rows 3 missing 1', values: [1, null, 3] });
    expect(await add('na-quoted', 'a\n1\n"?"\n\n-\n3\n', { na: ['?', '-'] })).toEqual({ what: 'a:int rows 4 missing 2', values: [1, null, null, 3] });
    // pandas na_values=['']: the default already; 3 rows.
    expect(await add('na-empty', 'a\n1\n\n""\n3\n', { na: [''] })).toEqual({ what: 'a:int rows 3 missing 1', values: [1, null, 3] });
  });

  it('reads a file of two columns as before: blank lines skipped, an empty field missing', async () => {
    // pandas: a int64 [1, 3], b float64 [NaN, 4.0].
    const file = join(t.dir, 'two.csv');
    writeFileSync(file, 'a,b\n1,""\n\n3,4\n\n');
    const v = await t.service.add('two', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['a:int:0', 'b:int:1']);
    expect((await t.service.rows(`two@${v.version}`)).rows).toEqual([[1, null], [3, 4]]);
  });
});
