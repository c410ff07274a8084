import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteTestService } from './test-helpers.js';

// Lines of only spaces and tabs as pandas.read_csv (1.5.3) reads them: skipped as blank lines;
// its values in the comments.

describe('lines of only spaces, skipped as pandas skips them', () => {
  const t = sqliteTestService();

  /** The version's columns (name:type:missing), its rows, and the notes of the add. */
  async function add(name: string, text: string, file = `${name}.csv`) {
    const path = join(t.dir, file);
    writeFileSync(path, text);
    const notes: string[] = [];
    const v = await t.service.add(name, path, {}, { onProgress: (e) => void (e.message && notes.push(e.message)) });
    return { columns: v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`), rows: (await t.service.rows(`${name}@${v.version}`)).rows, notes };
  }

  it('skips them in a file of several columns, in the sampled rows and past them', async () => {
    // pandas: a int64 [1, 3], b int64 [2, 4] (spaces, a tab, spaces and a tab before \r\n).
    const found = await add('two', 'a,b\n1,2\n   \n\t\n \t \r\n3,4\n  ');
    expect(found.columns).toEqual(['a:int:0', 'b:int:0']);
    expect(found.rows).toEqual([[1, 2], [3, 4]]);
    // Met by the sniff, it is said as one met by the read is (Keel said nothing of it).
    expect(found.notes).toContain('reading again: line 3 holds only spaces, which pandas skips as blank: read again without such lines');
    // pandas: 30,000 rows, int64 (a line of two spaces on line 30002).
    const late = await add('late', `a,b\n${Array.from({ length: 30_000 }, (_, i) => `${i},1`).join('\n')}\n  \n`);
    expect(late.columns).toEqual(['a:int:0', 'b:int:0']);
    expect(late.rows.length).toBeGreaterThan(0);
    expect(late.notes).toContain('reading again: line 30002 holds only spaces, which pandas skips as blank: read again without such lines');
  });

  it('skips them in a file of one column, and keeps a quoted " " and a line of spaces around a comma', async () => {
    // pandas: int64 [1, 3]; object ['x', 'y'].
    expect((await add('one-int', 'a\n1\n   \n3\n')).rows).toEqual([[1], [3]]);
    expect((await add('one-text', 'a\nx\n\t\ny\n')).rows).toEqual([['x'], ['y']]);
    // pandas: object ['x', ' ', 'y'].
    expect((await add('one-quoted', 'a\nx\n" "\n  \ny\n')).rows).toEqual([['x'], [' '], ['y']]);
    // pandas: object [['1', '2'], [' ', ' '], ['3', '4']]: a field each side of the comma.
    expect((await add('comma', 'a,b\n1,2\n , \n3,4\n')).rows).toEqual([['1', '2'], [' ', ' '], ['3', '4']]);
  });

  it('reads a tab-separated line of one tab as two empty fields, a line of spaces skipped', async () => {
    // pandas sep='\t': a float64 [1.0, NaN, 3.0], b float64 [2.0, NaN, 4.0]; the spaces' line skipped.
    const found = await add('tabs', 'a\tb\n1\t2\n\t\n   \n3\t4\n', 'tabs.tsv');
    expect(found.rows).toEqual([[1, 2], [null, null], [3, 4]]);
  });
});
