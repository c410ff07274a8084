import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const expected = JSON.parse(readFileSync(join(TESTDATA, 'expected-mixed-eol.json'), 'utf8')) as Record<string, Read> & { 'late.csv': LateRead };

describe('lineEndings', () => {
  it('finds the first line of each ending, not counting a line break inside quotes', () => {
    expect(lineEndings(Buffer.from('a,b\r\n1,2\n'))).toEqual({ crlf: 1, lf: 2 });
    expect(lineEndings(Buffer.from('a,b\n1,"x\r\ny"\n2,3\r\n'))).toEqual({ lf: 1, crlf: 3 });
    expect(lineEndings(Buffer.from('a,b\r\n1,"x\ny"\r\n'))).toEqual({ crlf: 1 });
  });
});

describe('normalizedEndings', () => {
  it('writes each \\r\\n outside quotes as \\n, in chunks split anywhere, keeping a lone \\r and line ends in quotes', async () => {
    const text = 'a,b\r\n1,"x\r\ny"\r\n2,"""q""\r"\n3,4\r5\r\n\r\n6,7\r';
    const want = 'a,b\n1,"x\r\ny"\n2,"""q""\r"\n3,4\r5\n\n6,7\r';
    for (let at = 0; at <= text.length; at++) {
      async function* chunks() {
        yield Buffer.from(text.slice(0, at));
        yield Buffer.from(text.slice(at));
      }
      const out: Buffer[] = [];
      for await (const b of normalizedEndings(chunks())) out.push(b);
      expect(Buffer.concat(out).toString(), `split at ${at}`).toBe(want);
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

  it.each(['mixed.csv', 'quoted.csv', 'quoted.csv.gz'])('reads %s: its types and rows, a \\r\\n inside quotes kept as data', async (file) => {
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

  it('is not made for a file of several: that one is refused, naming a line of each kind', async () => {
    const dir = join(t.dir, 'parts');
    mkdirSync(dir);
    writeFileSync(join(dir, 'p1.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'p2.csv'), 'a,b\r\n1,2\r\n3,4\n5,6\r\n');
    const blobs = t.blobs();
    const e = await expectKeelError(t.service.add('parts', dir), 'INVALID_ARGUMENT', /'p2\.csv' mixes line endings: line 1 ends in \\r\\n \(Windows\), line 3 in \\n alone, which DuckDB cannot read in a file added with others/);
    expect(e.field).toBe('file');
    expect(t.blobs()).toEqual(blobs);
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
