import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExpr, firstRead, type CsvColumn } from './csv-columns.js';
import { SHARED_CHECK_COLUMNS, sharedChecked, sharedCheckRead, sharedMisfit } from './csv-whole-check.js';
import { openDuckDb } from './duckdb-sql.js';
import { describeSource } from './source-reader.js';
import { sqliteTestService } from './test-helpers.js';

const t = sqliteTestService();

/** The error a query fails with, or '' when it does not. */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('the shared check of many integer columns read as DOUBLE', () => {
  it('fails on exactly the values the per-column check fails on, naming the same column, kind and value', async () => {
    // Column `d` is a float column between the checked ones: the position maps past it. A column
    // has the list's name: the list takes another.
    const cols: CsvColumn[] = [firstRead('a', 'BIGINT'), firstRead('d', 'DOUBLE'), ...Array.from({ length: SHARED_CHECK_COLUMNS }, (_, i) => firstRead(i === 0 ? 'keel_whole' : `c${i}`, 'BIGINT'))];
    const checked = sharedChecked(cols);
    expect(checked.length).toBe(SHARED_CHECK_COLUMNS + 1);
    expect(sharedChecked(cols.slice(0, -2))).toEqual([]);
    const duck = await openDuckDb(join(t.dir, 'tmp-shared'));
    const con = await duck.connect();
    try {
      const values = ['NULL', '0', '-3', '9007199254740991', '-9007199254740991', '9007199254740992', '-9007199254740992', '1.5', '-0.25', '1e20', "'inf'", "'-inf'", "'nan'"];
      for (const v of values) {
        // The value in column c57 (index 59 of the read), every other checked column 1.
        const select = cols.map((c) => `${c.name === 'c57' ? v : c.name === 'd' ? '0.5' : '1'}::DOUBLE AS ${c.name}`).join(', ');
        const perColumn = await failure(() => con.run(`SELECT ${checkExpr(cols[59]!, 59, {})} FROM (SELECT ${select})`));
        const shared = await failure(() => con.run(`SELECT * FROM ${sharedCheckRead(`(SELECT ${select})`, cols, checked)}`));
        const said = (msg: string) => (msg === '' ? '' : /keel-misfit:.*/.exec(msg)![0]);
        expect(said((sharedMisfit(new Error(shared), cols) as Error).message), v).toBe(said(perColumn));
      }
      // What the per-column check said: the first four fit, the rest fail.
      const bad = await failure(() => con.run(`SELECT ${checkExpr(cols[59]!, 59, {})} FROM (SELECT 9007199254740992::DOUBLE AS c57)`));
      expect(bad).toContain('keel-misfit:59:big:9007199254740992.0');
      // The first misfit of a row is the one named.
      const two = cols.map((c) => `${c.name === 'c3' ? '2.5' : c.name === 'c9' ? '7.5' : '1'}::DOUBLE AS ${c.name}`).join(', ');
      const first = await failure(() => con.run(`SELECT * FROM ${sharedCheckRead(`(SELECT ${two})`, cols, checked)}`));
      expect((sharedMisfit(new Error(first), cols) as Error).message).toBe('keel-misfit:5:fraction:2.5');
    } finally {
      con.closeSync();
      duck.close();
    }
    // Another error passes as it is.
    const other = new Error('Conversion Error: keel-misfit:3:text:x');
    expect(sharedMisfit(other, cols)).toBe(other);
  });

  it('reads a wide file as before: the misfit past the sniffed rows said as the per-column check says it, the values the same', async () => {
    // 300 columns of 12,000 rows (7.2 MB): the sniff reads about 7,000 (of a copy of the first
    // 5 MiB), the integer scan none (quoted values in the first row: not plain). c5 and c200 are
    // floats; the last row has a fraction in c150 and an integer beyond 2^53 in c299.
    const names = Array.from({ length: 300 }, (_, i) => `c${i}`);
    const cell = (k: number, i: number) => (i === 5 || i === 200 ? `${(k + i) % 10}.5` : String((k + i) % 10));
    const first = names.map((_, i) => `"${cell(0, i)}"`).join(',');
    const rows = Array.from({ length: 11_998 }, (_, k) => names.map((_, i) => cell(k + 1, i)).join(','));
    const last = names.map((_, i) => (i === 150 ? '1.5' : i === 299 ? '123456789012345678' : cell(11_999, i))).join(',');
    const file = join(t.dir, 'wide-shared.csv');
    writeFileSync(file, `${names.join(',')}\n${first}\n${rows.join('\n')}\n${last}\n`);
    const duck = await openDuckDb(join(t.dir, 'tmp'));
    try {
      const described = await describeSource(await duck.connect(), [file], 'csv', {}, t.dir);
      expect(described.source).toContain('keel-misfit-at:');
      expect(described.source).not.toContain('keel-misfit:150:');
      expect(described.source).toContain(`'c150': 'DOUBLE'`);
    } finally {
      duck.close();
    }
    const messages: string[] = [];
    const v = await t.service.add('wide-shared', file, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) });
    const widened = [...new Set(messages.filter((m) => m.startsWith('reading again: column')))].sort();
    expect(widened).toEqual([
      'reading again: column \'c150\' holds "1.5", so it is DOUBLE instead of BIGINT',
      "reading again: column 'c299' holds an integer beyond 2^53 (about 1.2345678901234568e+17), so the column is read exactly from its text",
    ]);
    // pandas.read_csv: c5, c150 and c200 float64, the others int64 (c299's last value exact).
    expect(v.columns.filter((c) => c.type === 'float').map((c) => c.name)).toEqual(['c5', 'c150', 'c200']);
    expect(v.columns.filter((c) => c.type === 'int').length).toBe(297);
    expect((await t.service.rows(`wide-shared@${v.version}`, { offset: 0, limit: 1, columns: ['c0', 'c5', 'c150', 'c299'] })).rows).toEqual([[0, 5.5, 0, 9]]);
    expect((await t.service.rows(`wide-shared@${v.version}`, { offset: 11_998, columns: ['c0', 'c5', 'c150', 'c299'] })).rows).toEqual([
      [8, 3.5, 8, 7],
      [9, 4.5, 1.5, "123456789012345678"],
    ]);
  });
});
