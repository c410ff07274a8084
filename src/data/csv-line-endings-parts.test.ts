import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../core/index.js';
import { openMetadataStore } from '../storage/index.js';
import { expectKeelError, makeTestService, sqliteTestService, type TestService } from './test-helpers.js';

// The parts and what pandas.read_csv (1.5.3) reads from them, concatenated: testdata/make-mixed-eol.py.
const TESTDATA = join(import.meta.dirname, 'testdata');
const PARTS = ['p1.csv', 'p2.csv', 'p3.csv.gz', 'p4.csv'];
const expected = JSON.parse(readFileSync(join(TESTDATA, 'expected-mixed-eol.json'), 'utf8')) as { parts: { columns: string[]; rows: unknown[][] } };

/** Adds the folder `dir` as `name`: its columns (name:type), its rows in order, and the add's notes. */
async function added(t: TestService, name: string, dir: string) {
  const v = await t.service.add(name, dir);
  const rows: (readonly unknown[])[] = [];
  for (let offset = 0; offset < v.rows; offset += 10_000) rows.push(...(await t.service.rows(`${name}@${v.version}`, { limit: 10_000, offset })).rows);
  return { v, columns: v.columns.map((c) => `${c.name}:${c.type}`), rows, notes: v.notes ?? [] };
}

/** The version of files added at once: the hash of their bytes' hashes, in order (source-files.ts' contentHash). */
const versionOfParts = (dir: string, names: readonly string[]): string => sha256(names.map((n) => sha256(readFileSync(join(dir, n)))).join('\n')).slice(0, 12);

describe('parts of a folder, some mixing line endings', () => {
  const t = sqliteTestService();

  it('are read as pandas reads each and concatenates them, each mixing part from its own copy, the version the given bytes\' hash', async () => {
    // Keel refused the folder: "'p2.csv' mixes line endings ... add it alone".
    const dir = join(t.dir, 'parts');
    mkdirSync(dir);
    for (const p of PARTS) copyFileSync(join(TESTDATA, 'mixed-eol', 'parts', p), join(dir, p));
    const found = await added(t, 'parts', dir);
    expect({ columns: found.columns, rows: found.rows }).toEqual(expected.parts);
    expect(found.notes).toEqual([
      "line endings are mixed in 'p2.csv' (\\r\\n: 2 lines, \\n alone: 1 line, \\r alone: 1 line; line 2 is the first to end otherwise than line 1) and 'p3.csv.gz' (\\r\\n: 1 line, \\n alone: 2 lines; line 2 is the first to end otherwise than line 1), which DuckDB cannot read in one file: each such part read again from a copy with every line ending in \\n, as pandas reads it",
    ]);
    expect(found.v.version).toBe(versionOfParts(dir, PARTS));
    expect(await t.service.add('parts', dir)).toMatchObject({ version: found.v.version, created: false });
  });

  it('are read when a part mixes them past the sampled rows, only that part copied', async () => {
    const store = await openMetadataStore('sqlite::memory:');
    let seen: string[] = [];
    const own = makeTestService(store, {
      beforeStatistics: () => {
        const tmp = join(own.dir, 'tmp');
        seen = readdirSync(tmp).flatMap((d) => {
          const copies = join(tmp, d, 'line-endings');
          return existsSync(copies) ? readdirSync(copies).flatMap((i) => readdirSync(join(copies, i)).map((f) => `${i}/${f}`)) : [];
        });
      },
    });
    try {
      const dir = join(own.dir, 'late');
      mkdirSync(dir);
      const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `${from + i},v${from + i}`);
      writeFileSync(join(dir, 'a.csv'), `k,v\n${rows(0, 3).join('\n')}\n`);
      writeFileSync(join(dir, 'b.csv'), `k,v\n${rows(3, 25_000).join('\n')}\n25003,x\r25004,y\r\n`);
      writeFileSync(join(dir, 'c.csv.gz'), gzipSync(`k,v\r\n${rows(25_005, 2).join('\r\n')}\r\n`));
      const found = await added(own, 'late', dir);
      expect(found.rows.length).toBe(25_007);
      expect(found.rows.map((r) => r[0])).toEqual(Array.from({ length: 25_007 }, (_, i) => i));
      expect(found.rows.slice(25_002, 25_006)).toEqual([[25_002, 'v25002'], [25_003, 'x'], [25_004, 'y'], [25_005, 'v25005']]);
      expect(found.notes).toEqual([expect.stringMatching(/^line endings are mixed in 'b\.csv' \(\\r\\n: 1 line, \\n alone: 25,001 lines, \\r alone: 1 line; line 25002 is the first/)]);
      // The second part (from 0), alone; the work folder goes with the add.
      expect(seen).toEqual(['1/b.csv']);
      expect(readdirSync(join(own.dir, 'tmp'))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('are read by their headers\' names when these differ, a mixing part among them', async () => {
    const dir = join(t.dir, 'named');
    mkdirSync(dir);
    writeFileSync(join(dir, 'p1.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'p2.csv'), 'b,a\r\n3,4\n5,6\r7,8\n');
    writeFileSync(join(dir, 'p3.csv'), 'a,b,c\n9,9,9\n');
    const found = await added(t, 'named', dir);
    // The rows pandas.concat makes of each part's read_csv (its c is float64 for the NaN Keel's int column holds as missing).
    expect(found.columns).toEqual(['a:int', 'b:int', 'c:int']);
    expect(found.rows).toEqual([[1, 2, null], [4, 3, null], [6, 5, null], [8, 7, null], [9, 9, 9]]);
  });

  it('are named three at most in the note, the others counted', async () => {
    const dir = join(t.dir, 'many');
    mkdirSync(dir);
    for (let i = 1; i <= 6; i++) writeFileSync(join(dir, `p${i}.csv`), i === 2 ? `a,b\n${i},0\n` : `a,b\r\n${i},0\n${i},1\r`);
    const found = await added(t, 'many', dir);
    expect(found.rows.map((r) => r[0])).toEqual([1, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    const said = '(\\r\\n: 1 line, \\n alone: 1 line, \\r alone: 1 line; line 2 is the first to end otherwise than line 1)';
    expect(found.notes).toEqual([`line endings are mixed in 'p1.csv' ${said}, 'p3.csv' ${said}, 'p4.csv' ${said} and 2 more parts, which DuckDB cannot read in one file: each such part read again from a copy with every line ending in \\n, as pandas reads it`]);
  });

  it('name the part and its own line in a later error', async () => {
    const dir = join(t.dir, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'p1.csv'), 'a,b\n1,2\n');
    // Lines 1-3 end in \r\n, \r, \n: line 4 is the third row's.
    writeFileSync(join(dir, 'p2.csv'), 'a,b\r\n3,4\r5,6\n7,8,9\r\n');
    const blobs = t.blobs();
    const e = await expectKeelError(t.service.add('bad', dir), 'INVALID_ARGUMENT', /line 4 of p2\.csv has more than 2 fields/);
    expect(e.field).toBe('file');
    expect(t.blobs()).toEqual(blobs);
  });
});
