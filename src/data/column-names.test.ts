import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { renameNote, uniqueNames } from './column-names.js';
import { RENAMED } from './add-notes.js';
import { quoteString } from './duckdb-sql.js';
import type { AddDatasetOptions } from './dataset-service.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

describe('uniqueNames: a name unique without case never changes', () => {
  it("suffixes a repeated name with the first free _N, as pandas does with .N (pandas: 'a, a.2, a.1' for a,a,a.1)", () => {
    expect(uniqueNames(['a', 'a', 'a_1']).names).toEqual(['a', 'a_2', 'a_1']);
    // pandas 1.5: a,a_1,a,a gives a, a_1, a.1, a.2.
    expect(uniqueNames(['a', 'a_1', 'a', 'a']).names).toEqual(['a', 'a_1', 'a_2', 'a_3']);
    // Compared without case (DuckDB's names are): pandas keeps both, Keel cannot.
    expect(uniqueNames(['yn', 'YN']).names).toEqual(['yn', 'YN_1']);
    expect(uniqueNames(['A', 'a', 'a_1', 'A_1']).names).toEqual(['A', 'a_2', 'a_1', 'A_1_1']);
    expect(uniqueNames(['x', 'y']).renames).toEqual([]);
  });

  it('names a blank column by its position, clear of the names the file gives (pandas: Unnamed: 1)', () => {
    expect(uniqueNames(['a', '', 'b', ' ']).names).toEqual(['a', 'column1', 'b', 'column3']);
    expect(uniqueNames(['', 'column0']).names).toEqual(['column0_1', 'column0']);
    expect(uniqueNames([' a ', 'b']).names).toEqual(['a', 'b']);
  });

  it('says why each column was renamed', () => {
    expect(uniqueNames(['a', 'a', 'a_1', '', 'YN', 'yn']).renames.map(renameNote)).toEqual([
      "column 2 'a' repeats the name of column 1, so it is named 'a_2'",
      "column 4 has no name in the file, so it is named 'column3'",
      "column 6 'yn' repeats the name of column 5 'YN' (names are compared without case), so it is named 'yn_1'",
    ]);
  });
});

describe('column names of the files added', () => {
  const t = sqliteTestService();

  /** The add's rename notes, each once, and the version's columns with their first row. */
  async function added(name: string, file: string, options: AddDatasetOptions = {}) {
    const notes = new Set<string>();
    const v = await t.service.add(name, file, options, { onProgress: (e) => void (e.message?.startsWith(RENAMED) && notes.add(e.message.slice(RENAMED.length))) });
    const { rows } = await t.service.rows(`${name}@${v.version}`, { limit: 1 });
    return { columns: v.columns.map((c) => c.name), first: rows[0], notes: [...notes] };
  }

  it("keeps a CSV column's own unique name, says what each repeated or blank one is named, and each keeps its values", async () => {
    const file = join(t.dir, 'repeats.csv');
    writeFileSync(file, 'a,a,a_1,,yn,YN\n1,2,3,4,5,6\n');
    // pandas.read_csv: a, a.2, a.1, Unnamed: 3, yn, YN holding 1..6.
    expect(await added('repeats', file)).toEqual({
      columns: ['a', 'a_2', 'a_1', 'column3', 'yn', 'YN_1'],
      first: [1, 2, 3, 4, 5, 6],
      notes: [
        "column 2 'a' repeats the name of column 1, so it is named 'a_2'",
        "column 4 has no name in the file, so it is named 'column3'",
        "column 6 'YN' repeats the name of column 5 'yn' (names are compared without case), so it is named 'YN_1'",
      ],
    });
    // Gzipped, and in UTF-16 (its header read by DuckDB, not in JS): the same names.
    writeFileSync(join(t.dir, 'repeats.csv.gz'), gzipSync(readFileSync(file)));
    expect((await added('repeats-gz', join(t.dir, 'repeats.csv.gz'))).columns).toEqual(['a', 'a_2', 'a_1', 'column3', 'yn', 'YN_1']);
    writeFileSync(join(t.dir, 'repeats16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,a,a_1,,yn,YN\n1,2,3,4,5,6\n', 'utf16le')]));
    expect((await added('repeats-16', join(t.dir, 'repeats16.csv'), { encoding: 'utf-16' })).columns).toEqual(['a', 'a_2', 'a_1', 'column3', 'yn', 'YN_1']);
    // Only the kept columns' renames are told.
    expect(await added('kept', file, { columns: ['a_1', 'YN_1'] })).toEqual({ columns: ['a_1', 'YN_1'], first: [3, 6], notes: ["column 6 'YN' repeats the name of column 5 'yn' (names are compared without case), so it is named 'YN_1'"] });
  });

  it('says what a column named in --columns or --type was renamed to', async () => {
    const file = join(t.dir, 'case.csv');
    writeFileSync(file, 'yn,YN\n1,2\n');
    const why = "column 2 'YN' repeats the name of column 1 'yn' \\(names are compared without case\\), so it is named 'YN_1'";
    await expectKeelError(t.service.add('case', file, { columns: ['YN'] }), 'INVALID_ARGUMENT', new RegExp(`^columns: no column 'YN' in the file; ${why} \\(columns: yn, YN_1\\)$`));
    await expectKeelError(t.service.add('case', file, { types: { YN: 'float' } }), 'INVALID_ARGUMENT', new RegExp(`^types: no column 'YN' in the file; ${why} `));
    expect((await added('case', file, { columns: ['YN_1'], types: { YN_1: 'float' } })).first).toEqual([2]);
  });

  it("types a renamed column by its own values: a day-first date column with NA (its dates sniffed again by Keel's names)", async () => {
    const file = join(t.dir, 'dates.csv');
    // DuckDB names these d, d_1, d_1_1: its d_1 is the second d, Keel's d_1 the third column.
    writeFileSync(file, `d,d,d_1\n${Array.from({ length: 30 }, (_, i) => `${i},${i === 3 ? 'NA' : `${String(i + 1).padStart(2, '0')}/12/2024`},x${i}`).join('\n')}\n`);
    const v = await t.service.add('dates', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['d:int', 'd_2:timestamp', 'd_1:string']);
    expect((await t.service.rows(`dates@${v.version}`, { limit: 1, offset: 3 })).rows).toEqual([[3, null, 'x3']]);
  });

  it('reads parts with one header by the names of the first; parts whose headers differ and repeat a name are refused', async () => {
    const dir = join(t.dir, 'parts');
    mkdirSync(dir);
    writeFileSync(join(dir, 'p1.csv'), 'a,a,a_1\n1,2,3\n');
    writeFileSync(join(dir, 'p2.csv'), 'a,a,a_1\n4,5,6\n');
    const v = await t.service.add('parts', dir);
    expect(v.columns.map((c) => c.name)).toEqual(['a', 'a_2', 'a_1']);
    expect((await t.service.rows(`parts@${v.version}`)).rows).toEqual([[1, 2, 3], [4, 5, 6]]);
    // By name, DuckDB's a_1 would be the second a in p1 and the first column in p2.
    writeFileSync(join(dir, 'p2.csv'), 'a_1,a,a\n6,4,5\n');
    await expectKeelError(t.service.add('parts', dir), 'INVALID_ARGUMENT', /^file: p1\.csv: column 2 'a' repeats the name of column 1; parts whose headers differ are matched by name/);
  });

  it('renames the columns of Parquet and JSON files by the same rule', async () => {
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    // DuckDB writes unique names; the file's own repeat them after a same-length edit of its footer.
    const written = join(t.dir, 'written.parquet');
    await duck.run(`COPY (SELECT 1 AS q1, 2 AS q2, 3 AS q1_1, 4 AS yx, 5 AS "YN") TO ${quoteString(written)}`);
    const bytes = readFileSync(written);
    const footer = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
    const edited = Buffer.from(bytes.subarray(footer).toString('latin1').replaceAll('q2', 'q1').replaceAll('yx', 'yn'), 'latin1');
    const parquet = join(t.dir, 'repeats.parquet');
    writeFileSync(parquet, Buffer.concat([bytes.subarray(0, footer), edited]));
    expect((await (await duck.runAndReadAll(`SELECT name FROM parquet_schema(${quoteString(parquet)})`)).getRows()).map((r) => r[0])).toEqual(['duckdb_schema', 'q1', 'q1', 'q1_1', 'yn', 'YN']);
    expect(await added('pq', parquet)).toEqual({
      columns: ['q1', 'q1_2', 'q1_1', 'yn', 'YN_1'],
      first: [1, 2, 3, 4, 5],
      notes: ["column 2 'q1' repeats the name of column 1, so it is named 'q1_2'", "column 5 'YN' repeats the name of column 4 'yn' (names are compared without case), so it is named 'YN_1'"],
    });
    const ndjson = join(t.dir, 'keys.ndjson');
    writeFileSync(ndjson, '{"a":1,"A":2,"a_1":3,"":4}\n');
    expect(await added('nd', ndjson)).toEqual({
      columns: ['a', 'A_2', 'a_1', 'column3'],
      first: [1, 2, 3, 4],
      notes: ["column 2 'A' repeats the name of column 1 'a' (names are compared without case), so it is named 'A_2'", "column 4 has no name in the file, so it is named 'column3'"],
    });
  });

  it('keeps the values of a JSON key renamed for its case when a late value widens the types (they were all lost)', async () => {
    const file = join(t.dir, 'late.ndjson');
    const rows = Array.from({ length: 25_000 }, (_, i) => JSON.stringify({ yn: i, YN: i * 2 }));
    writeFileSync(file, `${rows.join('\n')}\n{"yn":"x","YN":7}\n`);
    const v = await t.service.add('late', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['yn:string:0', 'YN_1:int:0']);
    expect((await t.service.rows(`late@${v.version}`, { offset: 24_999 })).rows).toEqual([['24999', 49_998], ['x', 7]]);
  });

  // Such a file is read with all rows sampled, where DuckDB types a nested value as a struct of
  // every row's keys: `{"x":1}` was stored as `{"x":1,"y":null}`, the key y of another row added.
  it("keeps each nested value's own keys beside a JSON key renamed for its case, in the sampled rows and past them", async () => {
    for (const n of [3, 25_000]) {
      const file = join(t.dir, `nested-${n}.ndjson`);
      const rows = Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, ID: -i, o: { x: i }, l: [{ x: i }] }));
      writeFileSync(file, `${rows.join('\n')}\n{"id":-1,"ID":1,"o":{"x":1,"y":[2]},"l":[{"y":3}]}\n`);
      const v = await t.service.add(`nested-${n}`, file);
      expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:int', 'ID_1:int', 'o:string', 'l:string']);
      expect((await t.service.rows(`nested-${n}@${v.version}`, { offset: n - 2 })).rows).toEqual([
        [n - 2, 2 - n, `{"x":${n - 2}}`, `[{"x":${n - 2}}]`],
        [n - 1, 1 - n, `{"x":${n - 1}}`, `[{"x":${n - 1}}]`],
        [-1, 1, '{"x":1,"y":[2]}', '[{"y":3}]'],
      ]);
    }
  });
});
