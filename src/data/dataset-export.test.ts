import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

// Every type, each with a missing value, and the values a text format can get wrong: ints past
// 2^53, floats at their limits, text with commas, quotes and non-ASCII, timestamps before 1970,
// whole seconds, milliseconds and (a column of its own) microseconds.
const ALL_TYPES = [
  'i,f,b,s,ts,tu',
  '1,0.1,true,hello,2020-03-09 21:34:14.204,2001-01-01 00:00:00.123456',
  '-9007199254740993,1e300,false,"a,b",2044-05-29 12:48:13,',
  '1500000000000000995,,,"say ""hi""",1969-12-31 23:59:59.5,1999-12-31 23:59:59.999999',
  ',-2.5,true,é 日本,,2000-02-29 00:00:00',
  '0,0.30000000000000004,false,,2000-02-29 00:00:00.001,1970-01-01 00:00:00.000001',
].join('\n');

describe('data export', () => {
  const t = sqliteTestService();

  /** Rows of `a` not in `b` and of `b` not in `a` (NULLs equal): none when the two Parquet files hold the same values. */
  async function differingRows(a: string, b: string): Promise<number> {
    const duck = await openDuckDb(join(t.dir, 'tmp'));
    try {
      const con = await duck.connect();
      const [pa, pb] = [`read_parquet(${quoteString(a)})`, `read_parquet(${quoteString(b)})`];
      const rows = await con.runAndReadAll(`SELECT (SELECT count(*) FROM (SELECT * FROM ${pa} EXCEPT ALL SELECT * FROM ${pb})) + (SELECT count(*) FROM (SELECT * FROM ${pb} EXCEPT ALL SELECT * FROM ${pa}))`);
      return Number(rows.getRows()[0]![0]);
    } finally {
      duck.close();
    }
  }

  it.each(['ndjson', 'csv'] as const)('a re-add of the %s export has the same types and values', async (format) => {
    const source = join(t.dir, 'all.csv');
    writeFileSync(source, `${ALL_TYPES}\n`);
    const a = await t.service.add('all', source);
    expect(a.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['i:int', 'f:float', 'b:bool', 's:string', 'ts:timestamp', 'tu:timestamp']);
    const out = join(t.dir, `all.${format}`);
    await t.service.export(`all@${a.version}`, out);
    const b = await t.service.add(`all-${format}`, out);
    expect(b.columns.map((c) => `${c.name}:${c.type}`)).toEqual(a.columns.map((c) => `${c.name}:${c.type}`));
    expect(b.columns.map((c) => c.stats.missing)).toEqual(a.columns.map((c) => c.stats.missing));
    expect(b.rows).toBe(5);
    expect(await differingRows(await t.service.parquetPath(`all@${a.version}`), await t.service.parquetPath(`all-${format}@${b.version}`))).toBe(0);
  });

  it.each(['ndjson', 'csv'] as const)('a re-add of the %s export of one column with missing values keeps its rows', async (format) => {
    const source = join(t.dir, 'one.csv');
    writeFileSync(source, 'f\n1.5\nNA\n-2\n\n');
    const a = await t.service.add('one', source);
    expect(a.rows).toBe(3);
    const out = join(t.dir, `one.${format}`);
    await t.service.export(`one@${a.version}`, out);
    // A blank line is no row to a CSV reader (pandas, Keel): the missing value is a quoted "", as pandas writes it.
    if (format === 'csv') expect(readFileSync(out, 'utf8')).toBe('f\n1.5\n""\n-2.0\n');
    const b = await t.service.add(`one-${format}`, out);
    expect(b.columns.map((c) => [c.type, c.stats.missing])).toEqual([['float', 1]]);
    expect(await differingRows(await t.service.parquetPath(`one@${a.version}`), await t.service.parquetPath(`one-${format}@${b.version}`))).toBe(0);
  });

  it('writes NDJSON timestamps as data head --json shows them, ISO 8601 with Z; microseconds where a column has them', async () => {
    const source = join(t.dir, 'mix.csv');
    writeFileSync(source, 'ts,tu\n2020-03-09 21:34:14.204,2001-01-01 00:00:00.123456\n2044-05-29 12:48:13,\n');
    const v = await t.service.add('mix', source);
    const out = join(t.dir, 'mix.ndjson');
    await t.service.export(`mix@${v.version}`, out);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { ts: '2020-03-09T21:34:14.204Z', tu: '2001-01-01T00:00:00.123456Z' },
      { ts: '2044-05-29T12:48:13.000Z', tu: null },
    ]);
    const head = await t.service.rows(`mix@${v.version}`, { columns: ['ts'] });
    expect(head.rows.map((r) => r[0])).toEqual(lines.map((l) => l.ts));
  });
});

describe('data export destinations', () => {
  const t = sqliteTestService();
  const csv = 'id,x,b,s,ts\n1,1.5,true,hello,2020-03-09 21:34:14.204\n2,,false,,2044-05-29 12:48:13\n';
  const setUp = async () => {
    const source = join(t.dir, 'cust.csv');
    writeFileSync(source, csv);
    await t.service.add('cust', source);
    return readFileSync(await t.service.parquetPath('cust'));
  };
  /** The files in `dir` that a write left behind (its temp files). */
  const temps = (dir: string) => readdirSync(dir).filter((f) => f.includes('.keel-tmp-'));

  it('follows a symlink: the target is written (atomically, in its folder), the link stays a link', async () => {
    await setUp();
    const real = mkdtempSync(join(t.dir, 'real-'));
    writeFileSync(join(real, 'target.csv'), 'old\n');
    chmodSync(join(real, 'target.csv'), 0o640);
    const link = join(t.dir, 'link.csv');
    symlinkSync(join(real, 'target.csv'), link);
    expect(await t.service.export('cust', link)).toMatchObject({ path: link, rows: 2 });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(real, 'target.csv'), 'utf8')).toBe(csv);
    // The file replaced keeps its permissions, as a write in place would.
    expect(statSync(join(real, 'target.csv')).mode & 0o777).toBe(0o640);
    // A relative link to a file not there yet: the file is made where the link points.
    const dangling = join(t.dir, 'new-link.ndjson');
    symlinkSync(join('real-dir-to-be', 'made.ndjson'), dangling);
    mkdirSync(join(t.dir, 'real-dir-to-be'));
    await t.service.export('cust', dangling);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(t.dir, 'real-dir-to-be', 'made.ndjson'), 'utf8').split('\n')[0]).toBe('{"id":1,"x":1.5,"b":true,"s":"hello","ts":"2020-03-09T21:34:14.204Z"}');
    expect([...temps(real), ...temps(t.dir)]).toEqual([]);
  });

  it.each(['csv', 'ndjson', 'parquet'] as const)('writes a FIFO in place as %s: its reader gets the rows, the FIFO stays', async (format) => {
    const parquet = await setUp();
    const fifo = join(mkdtempSync(join(t.dir, 'fifo-')), `out.${format}`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // The reader opens the FIFO as the export writes it.
    const [read] = await Promise.all([readFile(fifo), t.service.export('cust', fifo)]);
    expect(statSync(fifo).isFIFO()).toBe(true);
    if (format === 'parquet') expect(read.equals(parquet)).toBe(true);
    else if (format === 'csv') expect(read.toString()).toBe(csv);
    else expect(read.toString().trim().split('\n')).toHaveLength(2);
    expect(temps(dirname(fifo))).toEqual([]);
  });

  it('writes to a stream (stdout) without ending it, CSV unless told; a folder is refused', async () => {
    const parquet = await setUp();
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) });
    expect(await t.service.export('cust', sink)).toMatchObject({ format: 'csv', path: '-', rows: 2 });
    expect(Buffer.concat(chunks).toString()).toBe(csv);
    expect(sink.writableEnded).toBe(false);
    chunks.length = 0;
    await t.service.export('cust', sink, { format: 'parquet' });
    expect(Buffer.concat(chunks).equals(parquet)).toBe(true);
    await expectKeelError(t.service.export('cust', t.dir, { format: 'csv' }), 'INVALID_ARGUMENT', /cannot write '.*': it is a folder/);
    // The stream's temp folder is gone.
    expect(readdirSync(join(t.dir, 'tmp')).filter((f) => f.startsWith('export-'))).toEqual([]);
  });
});
