import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

// Date columns in a CSV. DuckDB's sniffer finds one date format (and one timestamp format) per file;
// Keel gives a column in another format its own, from its sampled values.

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d);

describe('date columns', () => {
  const t = sqliteTestService();

  it('types each date column by its own format, where the file holds several', async () => {
    const file = join(t.dir, 'formats.csv');
    writeFileSync(file, 'a,b,c,d\n31/12/2024,2024.12.31,12/31/2024 10:00:00,2024-12-31\n01/11/2024,2024.11.01,NA,2024-11-01\n');
    const v = await t.service.add('formats', file);
    // pandas.to_datetime of each column by its format: a 2024-12-31, 2024-11-01; b the same; c
    // 2024-12-31 10:00:00, NaT; d as a.
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['a:timestamp:0', 'b:timestamp:0', 'c:timestamp:1', 'd:timestamp:0']);
    expect((await t.service.rows(`formats@${v.version}`)).rows.map((r) => r.map(iso))).toEqual([
      ['2024-12-31T00:00:00.000Z', '2024-12-31T00:00:00.000Z', '2024-12-31T10:00:00.000Z', '2024-12-31T00:00:00.000Z'],
      ['2024-11-01T00:00:00.000Z', '2024-11-01T00:00:00.000Z', null, '2024-11-01T00:00:00.000Z'],
    ]);
    expect(v.notes).toBeUndefined();
  });

  it('tells which reading dates that read both day first and month first took, and --date-format takes the other', async () => {
    const file = join(t.dir, 'ambiguous.csv');
    writeFileSync(file, 'a,b,c\n05/01/2024,2024.01.05,05/01/2024\n02/03/2024,2024.03.02,25/03/2024\n');
    const v = await t.service.add('ambiguous', file);
    // pandas.to_datetime reads a month first (its dayfirst=False): 2024-05-01, 2024-02-03.
    expect((await t.service.rows(`ambiguous@${v.version}`)).rows.map((r) => iso(r[0]))).toEqual(['2024-01-05T00:00:00.000Z', '2024-03-02T00:00:00.000Z']);
    // b, year first, reads one way only; so does c (25/03).
    expect(v.notes).toEqual([
      "column 'a': every sampled value reads as %d/%m/%Y (day/month/year) and as %m/%d/%Y (month/day/year), so it is read as %d/%m/%Y; pass --date-format '%m/%d/%Y' (HTTP: ?dateFormat=) to read it as %m/%d/%Y",
    ]);
    const m = await t.service.add('ambiguous', file, { dateFormat: '%m/%d/%Y' });
    expect(m.version).not.toBe(v.version);
    expect(m.notes).toBeUndefined();
    // c, which does not fit the given format, keeps its own.
    expect(m.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:timestamp', 'b:timestamp', 'c:timestamp']);
    expect((await t.service.rows(`ambiguous@${m.version}`)).rows.map((r) => r.map(iso))).toEqual([
      ['2024-05-01T00:00:00.000Z', '2024-01-05T00:00:00.000Z', '2024-01-05T00:00:00.000Z'],
      ['2024-02-03T00:00:00.000Z', '2024-03-02T00:00:00.000Z', '2024-03-25T00:00:00.000Z'],
    ]);
    await expectKeelError(t.service.add('ambiguous', file, { dateFormat: 'mm/dd' }), 'INVALID_ARGUMENT', /expected a strptime format/);
  });

  it('says so when --date-format reads no column (kept), as the format still makes another version', async () => {
    const file = join(t.dir, 'unfitted.csv');
    writeFileSync(file, 'd,x\n2024-01-05,1\n2024-02-06,2\n');
    const plain = await t.service.add('unfitted', file);
    const v = await t.service.add('unfitted', file, { dateFormat: '%d/%m/%Y' });
    // Another version of the same data, which only the note tells apart.
    expect([v.created, v.version === plain.version]).toEqual([true, false]);
    expect((await t.service.rows(`unfitted@${v.version}`)).rows).toEqual((await t.service.rows(`unfitted@${plain.version}`)).rows);
    expect(v.notes).toEqual([
      "no column was read by --date-format '%d/%m/%Y' (HTTP: ?dateFormat=): it fits the sampled values of no column, yet it is part of the version's identity, so the same data added without it is another version",
    ]);
    // A format that fits a column dropped by `columns` reads none of those kept.
    const dmy = join(t.dir, 'dmy.csv');
    writeFileSync(dmy, 'd,x\n25/01/2024,1\n');
    expect((await t.service.add('unfitted-kept', dmy, { dateFormat: '%d/%m/%Y', columns: ['x'] })).notes).toEqual([expect.stringContaining('it fits the sampled values of no column kept,')]);
    expect((await t.service.add('unfitted-kept', dmy, { dateFormat: '%d/%m/%Y' })).notes).toBeUndefined();
  });

  it('reads a date column of its own format as text when a value past the sampled rows does not fit it', async () => {
    // 25,000 rows (DuckDB sniffs 20,480): a in the file's format, b in another; then b holds 31/12/2024.
    const file = join(t.dir, 'late-format.csv');
    const head = Array.from({ length: 25_000 }, (_, i) => `${String((i % 28) + 1).padStart(2, '0')}/12/2024,2024.12.${String((i % 28) + 1).padStart(2, '0')}`);
    writeFileSync(file, `a,b\n${head.join('\n')}\n31/12/2024,31/12/2024\n`);
    const v = await t.service.add('late-format', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:timestamp', 'b:string']);
    expect((await t.service.rows(`late-format@${v.version}`, { offset: 25_000 })).rows.map((r) => r.map(iso))).toEqual([['2024-12-31T00:00:00.000Z', '31/12/2024']]);
    expect(v.notes).toEqual(['column \'b\' holds "31/12/2024", so it is VARCHAR instead of DATE']);
  });

  it('keeps numbers separated by spaces, or with a year of fewer than four digits, as text: a spaced date needs a four-digit year', async () => {
    // DuckDB's sniffer read a as the year 1 (0001-02-03), b by %m %d %y (2030-10-20), c as the year
    // 1, and f with NA spellings missing as the year 1; pandas keeps all six as text (object).
    const file = join(t.dir, 'spaced.csv');
    writeFileSync(file, 'a,b,c,d,e,f\n1 2 3,10 20 30,1-2-3,555 1234,2024 1 5,1 2 3\n4 5 6,11 21 31,4/5/6,555 9876,2024 2 6,NA\n');
    const v = await t.service.add('spaced', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:string', 'b:string', 'c:string', 'd:string', 'e:timestamp', 'f:string']);
    expect((await t.service.rows(`spaced@${v.version}`)).rows.map((r) => r.map(iso))).toEqual([
      ['1 2 3', '10 20 30', '1-2-3', '555 1234', '2024-01-05T00:00:00.000Z', '1 2 3'],
      ['4 5 6', '11 21 31', '4/5/6', '555 9876', '2024-02-06T00:00:00.000Z', 'NA'],
    ]);
    // A day, a month and a four-digit year separated by spaces is a date.
    const dmy = join(t.dir, 'spaced-dmy.csv');
    writeFileSync(dmy, 'a\n12 5 2024\n13 6 2024\n');
    const d = await t.service.add('spaced-dmy', dmy);
    expect((await t.service.rows(`spaced-dmy@${d.version}`)).rows.map((r) => iso(r[0]))).toEqual(['2024-05-12T00:00:00.000Z', '2024-06-13T00:00:00.000Z']);
    // --date-format reads the spaced two-digit years as asked, in every column that fits it.
    const given = await t.service.add('spaced', file, { dateFormat: '%m %d %y' });
    expect(given.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:timestamp', 'b:timestamp', 'c:string', 'd:string', 'e:timestamp', 'f:timestamp']);
    expect((await t.service.rows(`spaced@${given.version}`)).rows.map((r) => [iso(r[0]), iso(r[1])])).toEqual([
      ['2003-01-02T00:00:00.000Z', '2030-10-20T00:00:00.000Z'],
      ['2006-04-05T00:00:00.000Z', '2031-11-21T00:00:00.000Z'],
    ]);
  });

  it('reads a two-digit year day first or month first, not year first, whichever column DuckDB gave its format to, and the note says so', async () => {
    // DuckDB's sniffer read a and c (with an NA) by %y/%m/%d: 2005-01-24, 2006-02-24.
    const file = join(t.dir, 'short-years.csv');
    writeFileSync(file, 'a,b,c\n05/01/24,31/12/2024,05/01/24\n06/02/24,01/02/2024,NA\n');
    const v = await t.service.add('short-years', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['a:timestamp:0', 'b:timestamp:0', 'c:timestamp:1']);
    expect((await t.service.rows(`short-years@${v.version}`)).rows.map((r) => r.map(iso))).toEqual([
      ['2024-01-05T00:00:00.000Z', '2024-12-31T00:00:00.000Z', '2024-01-05T00:00:00.000Z'],
      ['2024-02-06T00:00:00.000Z', '2024-02-01T00:00:00.000Z', null],
    ]);
    const note = (c: string) =>
      `column '${c}': every sampled value reads as %d/%m/%y (day/month/year) and as %m/%d/%y (month/day/year) or %y/%m/%d (year/month/day), so it is read as %d/%m/%y; pass --date-format '%m/%d/%y' (HTTP: ?dateFormat=) to read it as %m/%d/%y`;
    expect(v.notes).toEqual([note('a'), note('c')]);
    // Beside e, DuckDB's sniffer gave the file's %d/%m/%Y to d too: the year 24 (0024-01-05). g by
    // %y/%m/%d was 2031-12-24; f and h, which only year first reads, stay 1999-12-31.
    const other = join(t.dir, 'short-years-2.csv');
    writeFileSync(other, 'e,d,f\n31/12/2024,05/01/24,99/12/31\n01/02/2024,06/02/24,98/01/02\n');
    const w = await t.service.add('short-years-2', other);
    expect((await t.service.rows(`short-years-2@${w.version}`)).rows.map((r) => r.map(iso))).toEqual([
      ['2024-12-31T00:00:00.000Z', '2024-01-05T00:00:00.000Z', '1999-12-31T00:00:00.000Z'],
      ['2024-02-01T00:00:00.000Z', '2024-02-06T00:00:00.000Z', '1998-01-02T00:00:00.000Z'],
    ]);
    const third = join(t.dir, 'short-years-3.csv');
    writeFileSync(third, 'g,h\n31/12/24,99/12/31\n01/02/24,98/01/02\n');
    const x = await t.service.add('short-years-3', third);
    expect((await t.service.rows(`short-years-3@${x.version}`)).rows.map((r) => r.map(iso))).toEqual([
      ['2024-12-31T00:00:00.000Z', '1999-12-31T00:00:00.000Z'],
      ['2024-02-01T00:00:00.000Z', '1998-01-02T00:00:00.000Z'],
    ]);
    // --date-format takes the year first, as asked, with no note.
    const given = await t.service.add('short-years', file, { dateFormat: '%y/%m/%d' });
    expect((await t.service.rows(`short-years@${given.version}`)).rows.map((r) => iso(r[0]))).toEqual(['2005-01-24T00:00:00.000Z', '2006-02-24T00:00:00.000Z']);
    expect(given.notes).toBeUndefined();
  });

  it('reads dates with a time without seconds in any format it reads dates in, as ISO ones are', async () => {
    // DuckDB's sniffer read a as text (and b too beside c's format); pandas.to_datetime(format=...)
    // of each: a 2024-01-13 10:30, 2024-01-14 09:05; b 2024-01-05 10:30, NaT; c the day alone.
    const file = join(t.dir, 'minutes.csv');
    writeFileSync(file, 'a,b,c\n13.01.2024 10:30,2024/01/05 10:30,31/12/2024\n14.01.2024 9:05,NA,01/12/2024\n');
    const v = await t.service.add('minutes', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['a:timestamp:0', 'b:timestamp:1', 'c:timestamp:0']);
    expect((await t.service.rows(`minutes@${v.version}`)).rows.map((r) => r.map(iso))).toEqual([
      ['2024-01-13T10:30:00.000Z', '2024-01-05T10:30:00.000Z', '2024-12-31T00:00:00.000Z'],
      ['2024-01-14T09:05:00.000Z', null, '2024-12-01T00:00:00.000Z'],
    ]);
    expect(v.notes).toBeUndefined();
  });

  it('reads an ambiguous date column in the order a row past the sampled ones settles: another order read again, the order taken confirmed, its note withdrawn', async () => {
    // 25,000 rows whose day and month are both 12 or less (the sniff reads the first 20,480), then
    // one that settles the order. `i`'s date is 2024-MM-DD with these fields.
    const [rows, late] = [25_000, 25_000];
    const fields = (i: number) => [1 + Math.floor(i / 12) % 12, 1 + (i % 12)] as const;
    const two = (n: number) => String(n).padStart(2, '0');
    const utc = (month: number, day: number) => new Date(Date.UTC(2024, month - 1, day)).toISOString();
    const lines = (text: (m: number, d: number) => string, last: string, na = false) =>
      ['a,b', ...Array.from({ length: rows }, (_, i) => `${text(...fields(i))},${na && i === 3 ? 'NA' : text(...fields(i))}`), `${last},${last}`].join('\n') + '\n';
    const messages: string[] = [];
    const onProgress = (e: { message?: string }) => void (e.message && messages.push(e.message));

    // Month first (US): read day first from the sample, the late 01/13/2024 reads month first only.
    const us = join(t.dir, 'us-dates.csv');
    writeFileSync(us, lines((m, d) => `${two(m)}/${two(d)}/2024`, '01/13/2024', true));
    const v = await t.service.add('us-dates', us, {}, { onProgress });
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['a:timestamp:0', 'b:timestamp:1']);
    const page = await t.service.rows(`us-dates@${v.version}`, { offset: 13, limit: 1 });
    expect(page.rows[0]!.map(iso)).toEqual([utc(...fields(13)), utc(...fields(13))]);
    expect((await t.service.rows(`us-dates@${v.version}`, { offset: late, limit: 1 })).rows[0]!.map(iso)).toEqual([utc(1, 13), utc(1, 13)]);
    // The note on the order taken is gone; what changed it is said, for each column.
    expect(v.notes).toEqual([
      `column 'a' holds "01/13/2024" on line ${late + 2}, which reads only as %m/%d/%Y, so it is read as %m/%d/%Y, not as %d/%m/%Y`,
      `column 'b' holds "01/13/2024", which reads only as %m/%d/%Y, so it is read as %m/%d/%Y, not as %d/%m/%Y`,
    ]);
    expect(messages.filter((m) => m.startsWith('typed: '))).toHaveLength(2);

    // Day first: the late 13/01/2024 confirms the order taken, and the notes are withdrawn.
    const eu = join(t.dir, 'eu-dates.csv');
    writeFileSync(eu, lines((m, d) => `${two(d)}/${two(m)}/2024`, '13/01/2024'));
    const e = await t.service.add('eu-dates', eu);
    expect((await t.service.rows(`eu-dates@${e.version}`, { offset: 13, limit: 1 })).rows[0]!.map(iso)).toEqual([utc(...fields(13)), utc(...fields(13))]);
    expect(e.notes).toBeUndefined();

    // A late value no order reads: the column is text, and its note on the order taken is withdrawn.
    const mixed = join(t.dir, 'mixed-dates.csv');
    writeFileSync(mixed, lines((m, d) => `${two(d)}/${two(m)}/2024`, 'soon'));
    const x = await t.service.add('mixed-dates', mixed);
    expect(x.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:string', 'b:string']);
    expect(x.notes).toEqual([
      `column 'a' holds "soon" on line ${late + 2}, so it is VARCHAR instead of DATE`,
      `column 'b' holds "soon" on line ${late + 2}, so it is VARCHAR instead of DATE`,
    ]);
  });

  it('withdraws the note on a two-digit-year column read three ways once later rows rule out the other two, and keeps it while one is left', async () => {
    // dd/mm/yy with day and month 12 or less and the year 28 or less: each value reads day first,
    // month first and year first (05/01/03: 2003-01-05, 2003-05-01, 2005-01-03).
    const two = (n: number) => String(n).padStart(2, '0');
    const value = (i: number) => `${two(1 + (i % 12))}/${two(1 + (Math.floor(i / 12) % 12))}/${two(1 + (i % 28))}`;
    const file = (name: string, last: string) => {
      const path = join(t.dir, name);
      writeFileSync(path, ['d', ...Array.from({ length: 25_000 }, (_, i) => value(i)), last].join('\n') + '\n');
      return path;
    };
    const note = "column 'd': every sampled value reads as %d/%m/%y (day/month/year) and as %m/%d/%y (month/day/year) or %y/%m/%d (year/month/day), so it is read as %d/%m/%y; pass --date-format '%m/%d/%y' (HTTP: ?dateFormat=) to read it as %m/%d/%y";
    // 25/12/99 reads neither month first nor year first (day 99): the order taken is the only one.
    const settled = await t.service.add('yy-settled', file('yy-settled.csv', '25/12/99'));
    expect(settled.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['d:timestamp']);
    expect(iso((await t.service.rows('yy-settled', { offset: 25_000 })).rows[0]![0])).toBe('1999-12-25T00:00:00.000Z');
    expect(settled.notes).toBeUndefined();
    // 13/05/07 rules out month first only: year first (2013-05-07) still reads every value.
    const open = await t.service.add('yy-open', file('yy-open.csv', '13/05/07'));
    expect(open.notes).toEqual([note]);
  });
});
