import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../core/index.js';
import { openMetadataStore } from '../storage/index.js';
import { READING_AGAIN } from './add-notes.js';
import { lineEndings, normalizedEndings } from './csv-line-endings.js';
import { expectKeelError, makeTestService, sqliteTestService, type TestService } from './test-helpers.js';

// The files and what pandas.read_csv (1.5.3) reads from them: testdata/make-mixed-eol.py.
const TESTDATA = join(import.meta.dirname, 'testdata');
interface Read {
  columns: string[];
  rows: unknown[][];
}
interface LateRead {
  columns: string[];
  count: number;
  first: unknown[][];
  aroundFirstCrlf: { from: number; rows: unknown[][] };
  sha256: string;
}
interface BoundaryRead {
  columns: string[];
  count: number;
  ends: { at: number; end: string; row: number; rows: unknown[][] }[];
  sha256: string;
}
const expected = JSON.parse(readFileSync(join(TESTDATA, 'expected-mixed-eol.json'), 'utf8')) as Record<string, Read> & { 'late.csv': LateRead; 'boundary.csv': BoundaryRead };

describe('lineEndings', () => {
  it('finds the first line of each ending, not counting a line break inside quotes', () => {
    expect(lineEndings(Buffer.from('a,b\r\n1,2\n'))).toEqual({ crlf: 1, lf: 2 });
    expect(lineEndings(Buffer.from('a,b\n1,"x\r\ny"\n2,3\r\n'))).toEqual({ lf: 1, crlf: 3 });
    expect(lineEndings(Buffer.from('a,b\r\n1,"x\ny"\r\n'))).toEqual({ crlf: 1 });
  });

  it('finds a lone \\r outside quotes, at the end of a whole file only, and \\r\\r\\n as a lone \\r then \\r\\n', () => {
    expect(lineEndings(Buffer.from('a,b\r\n1,2\r3,4\n'))).toEqual({ crlf: 1, cr: 2 });
    expect(lineEndings(Buffer.from('a,b\n1,"x\ry"\n2,3\r'))).toEqual({ lf: 1 });
    expect(lineEndings(Buffer.from('a,b\n1,"x\ry"\n2,3\r'), true)).toEqual({ lf: 1, cr: 3 });
    expect(lineEndings(Buffer.from('a,b\r\r\n'))).toEqual({ cr: 1, crlf: 2 });
    expect(lineEndings(Buffer.from('a,b\r1,2\r'), true)).toEqual({ cr: 1 });
  });
});

describe('normalizedEndings', () => {
  it('writes each line end outside quotes (\\r\\n, a lone \\r) as \\n, in chunks split anywhere, keeping line ends in quotes', async () => {
    const text = 'a,b\r\n1,"x\r\ny"\r\n2,"""q""\r"\n3,4\r5\r\n\r\n6,7\r\r\n\r8,"\r"\r';
    const want = 'a,b\n1,"x\r\ny"\n2,"""q""\r"\n3,4\n5\n\n6,7\n\n\n8,"\r"\n';
    for (let at = 0; at <= text.length; at++) {
      for (const ends of [[at], [at, at + 1]]) {
        async function* chunks() {
          let from = 0;
          for (const to of [...ends, text.length]) yield Buffer.from(text.slice(from, (from = Math.max(from, to))));
        }
        const out: Buffer[] = [];
        for await (const b of normalizedEndings(chunks())) out.push(b);
        expect(Buffer.concat(out).toString(), `split at ${ends.join(', ')}`).toBe(want);
      }
    }
  });
});

/** Adds `path` as `name`: its columns (name:type), all its rows in order, and the add's notes. */
async function added(t: TestService, name: string, path: string) {
  const v = await t.service.add(name, path);
  const rows: (readonly unknown[])[] = [];
  for (let offset = 0; offset < v.rows; offset += 10_000) rows.push(...(await t.service.rows(`${name}@${v.version}`, { limit: 10_000, offset })).rows);
  return { v, columns: v.columns.map((c) => `${c.name}:${c.type}`), rows, notes: v.notes ?? [] };
}

describe('a CSV of mixed line endings, read as pandas reads it', () => {
  const t = sqliteTestService();

  it.each(['mixed.csv', 'quoted.csv', 'quoted.csv.gz', 'lone-cr.csv', 'lone-cr.csv.gz', 'one-column.csv', 'last-cr.csv'])('reads %s: its types and rows, a \\r\\n or \\r inside quotes kept as data', async (file) => {
    // Keel refused these, naming a line of each kind.
    const path = join(t.dir, file);
    copyFileSync(join(TESTDATA, 'mixed-eol', file), path);
    const found = await added(t, file.replace(/\W/g, '-'), path);
    expect({ columns: found.columns, rows: found.rows }).toEqual(expected[file]);
    expect(found.notes.some((n) => n.startsWith('line endings are mixed'))).toBe(true);
  });

  it('reads a file whose first \\r\\n comes past its first MiB, plain and gzipped', async () => {
    // Keel looked at the first MiB only: the read failed, DuckDB's parser "reached an invalid state".
    const gz = join(t.dir, 'late.csv.gz');
    copyFileSync(join(TESTDATA, 'mixed-eol', 'late.csv.gz'), gz);
    const plain = join(t.dir, 'late.csv');
    const bytes = gunzipSync(readFileSync(gz));
    expect(bytes.indexOf('\r\n')).toBeGreaterThan(1024 * 1024);
    writeFileSync(plain, bytes);
    const want = expected['late.csv'];
    for (const [name, path] of [['late-gz', gz], ['late', plain]] as const) {
      const found = await added(t, name, path);
      expect(found.columns, name).toEqual(want.columns);
      expect(found.rows.length, name).toBe(want.count);
      expect(found.rows.slice(0, 3), name).toEqual(want.first);
      const { from, rows } = want.aroundFirstCrlf;
      expect(found.rows.slice(from, from + rows.length), name).toEqual(rows);
      expect(sha256(JSON.stringify(found.rows)), name).toBe(want.sha256);
      // 12,000 rows and the header end in \n; 300 rows in \r\n, the first on line 12002.
      expect(found.notes, name).toEqual([
        'line endings are mixed (\\r\\n: 300 lines, \\n alone: 12,001 lines; line 12002 is the first to end otherwise than line 1), which DuckDB cannot read in one file: read again from a copy with every line ending in \\n, as pandas reads it',
      ]);
    }
  });
});

describe('a CSV whose lines end in a lone \\r beside others, read as pandas reads it', () => {
  const t = sqliteTestService();

  it('is read, its line ends counted in the note (Keel refused it: its rows did not all have the header\'s fields)', async () => {
    const path = join(t.dir, 'mix3.csv');
    writeFileSync(path, 'a,b\r\n1,x\r\n2,y\n3,z\r4,w\n');
    const found = await added(t, 'mix3', path);
    expect(found.rows).toEqual([[1, 'x'], [2, 'y'], [3, 'z'], [4, 'w']]);
    expect(found.notes).toEqual([
      'line endings are mixed (\\r\\n: 2 lines, \\n alone: 2 lines, \\r alone: 1 line; line 3 is the first to end otherwise than line 1), which DuckDB cannot read in one file: read again from a copy with every line ending in \\n, as pandas reads it',
    ]);
  });

  it('is read when its line ends fall at the edges of the pieces it is read in, plain and gzipped', async () => {
    const gz = join(t.dir, 'boundary.csv.gz');
    copyFileSync(join(TESTDATA, 'mixed-eol', 'boundary.csv.gz'), gz);
    const plain = join(t.dir, 'boundary.csv');
    const bytes = gunzipSync(readFileSync(gz));
    writeFileSync(plain, bytes);
    const want = expected['boundary.csv'];
    // Node reads a file 64 KiB at a time: a \r ends the first piece, a \r\n spans the next two.
    for (const { at, end } of want.ends) expect(bytes.subarray(at, at + end.length).toString(), `byte ${at}`).toBe(end);
    for (const [name, path] of [['boundary-gz', gz], ['boundary', plain]] as const) {
      const found = await added(t, name, path);
      expect(found.columns, name).toEqual(want.columns);
      expect(found.rows.length, name).toBe(want.count);
      for (const { row, rows } of want.ends) expect(found.rows.slice(row - 1, row + 2), `${name} row ${row}`).toEqual(rows);
      expect(sha256(JSON.stringify(found.rows)), name).toBe(want.sha256);
      expect(found.notes[0], name).toMatch(/^line endings are mixed \(\\r\\n: 2 lines, \\n alone: [\d,]+ lines, \\r alone: 2 lines; line 1190 is the first/);
    }
  });

  it('is read when a lone \\r comes past the sampled rows, its line numbers in a later error the file\'s', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => `${i},v${i}`);
    const path = join(t.dir, 'late-cr.csv');
    writeFileSync(path, `a,b\r\n${rows.join('\r\n')}\r\n25000,x\r25001,y\r`);
    const found = await added(t, 'late-cr', path);
    expect(found.rows.length).toBe(25_002);
    expect(found.rows.slice(-3)).toEqual([[24_999, 'v24999'], [25_000, 'x'], [25_001, 'y']]);
    // Lines 1-3 end in \r\n, \r, \n: line 5 is the fourth row's.
    const bad = join(t.dir, 'bad-cr.csv');
    writeFileSync(bad, 'a,b\r\n1,x\r2,y\n3,z\r\n4,w,extra\r5,v\n');
    await expectKeelError(t.service.add('bad-cr', bad), 'INVALID_ARGUMENT', /line 5 of bad-cr\.csv has more than 2 fields/);
  });
});

describe('a CSV of mixed line endings, its copy', () => {
  const t = sqliteTestService();

  it('is said in the notes with its counts, and the version is the file\'s own bytes\' hash', async () => {
    const path = join(t.dir, 'counted.csv');
    const text = 'a,b\r\n1,"x\r\ny"\r\n3,4\n5,6\r\n';
    writeFileSync(path, text);
    const said: string[] = [];
    const v = await t.service.add('counted', path, {}, { onProgress: (e) => void (e.message && said.push(e.message)) });
    const note = 'line endings are mixed (\\r\\n: 3 lines, \\n alone: 1 line; line 3 is the first to end otherwise than line 1), which DuckDB cannot read in one file: read again from a copy with every line ending in \\n, as pandas reads it';
    expect(v.notes).toEqual([note]);
    expect(said).toContain(`${READING_AGAIN}${note}`);
    // As for every file read from a copy: the version is the hash of the bytes given, not the copy's.
    expect(v.version).toBe(sha256(text).slice(0, 12));
    expect(await t.service.add('counted', path)).toMatchObject({ version: v.version, created: false });
  });

  it('is read when the first \\r\\n past the sampled rows follows a quoted value (DuckDB: a quote never closed)', async () => {
    const path = join(t.dir, 'quoted-late.csv');
    const rows = Array.from({ length: 25_000 }, (_, i) => `${i},"v${i}"`);
    writeFileSync(path, `a,b\n${rows.join('\n')}\n25000,"x"\r\n25001,"y"\r\n`);
    const found = await added(t, 'quoted-late', path);
    expect(found.rows.length).toBe(25_002);
    expect(found.rows.slice(-3)).toEqual([[24_999, 'v24999'], [25_000, 'x'], [25_001, 'y']]);
  });

  it('leaves nothing behind when the copy\'s read fails, naming the file\'s line', async () => {
    const path = join(t.dir, 'bad.csv');
    writeFileSync(path, 'a,b\r\n1,2\n3,4\r\n5,6,7\n');
    await expectKeelError(t.service.add('bad', path), 'INVALID_ARGUMENT', /line 4 of bad\.csv has more than 2 fields/);
    expect(await t.service.list()).not.toContainEqual(expect.objectContaining({ name: 'bad' }));
    expect(readdirSync(join(t.dir, 'tmp')).filter((n) => n.startsWith('ingest-'))).toEqual([]);
  });

  it('is written in the add\'s own work folder, which goes with the add', async () => {
    // A killed add's work folder is swept by the next add (temp-dirs.ts; data-crash.test.ts).
    const store = await openMetadataStore('sqlite::memory:');
    let seen: string[] = [];
    const own = makeTestService(store, {
      beforeStatistics: () => {
        const tmp = join(own.dir, 'tmp');
        seen = readdirSync(tmp).flatMap((d) => (existsSync(join(tmp, d, 'line-endings')) ? readdirSync(join(tmp, d, 'line-endings')).map((f) => `${d}/${f}`) : []));
      },
    });
    try {
      const path = join(own.dir, 'copied.csv.gz');
      writeFileSync(path, gzipSync('a,b\n1,2\r\n'));
      expect((await own.service.add('copied', path)).rows).toBe(1);
      expect(seen).toEqual([expect.stringMatching(new RegExp(`^ingest-.+-${process.pid}-.+/copied\\.csv$`))]);
      expect(readdirSync(join(own.dir, 'tmp'))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('a CSV of binary bytes', () => {
  const t = sqliteTestService();

  it('is refused naming the file and its first control byte, storing nothing', async () => {
    // Keel said only that its rows did not all have the header's fields.
    const path = join(t.dir, 'bin.csv');
    // 4 KiB of pseudo-random bytes (the same each run), after a first line of text.
    let seed = 1;
    const noise = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23));
    writeFileSync(path, Buffer.concat([Buffer.from('abc\x01\n'), noise]));
    await expectKeelError(t.service.add('bin', path), 'INVALID_ARGUMENT', /^file: 'bin\.csv' does not look like CSV text: byte 4 is 0x01, a control character/);
    expect(await t.service.list()).toEqual([]);
    expect(t.blobs()).toEqual([]);
  });
});
