import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores, type MetadataStore } from '../storage/index.js';
import { parseDatasetRef } from './dataset-ref.js';
import { DatasetRepository } from './dataset-repository.js';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import { expectKeelError, makeTestService, type TestService } from './test-helpers.js';

const CSV_A = 'x,y,c,t\n1,0.5,a,2024-01-01 00:00:00\n2,1.5,b,2024-01-02 00:00:00\n3,,a,2024-01-03 12:00:00\n';
const CSV_B = 'x,y,c,z\n1,2.5,a,true\n5,3.5,c,false\n7,4.5,c,\n9,5.5,,true\n';

describe('parseDatasetRef', () => {
  it('parses name, name@version and name@latest', () => {
    expect(parseDatasetRef('iris')).toEqual({ name: 'iris', version: undefined });
    expect(parseDatasetRef('iris@latest')).toEqual({ name: 'iris', version: undefined });
    expect(parseDatasetRef('iris@0123456789ab')).toEqual({ name: 'iris', version: '0123456789ab' });
    expect(() => parseDatasetRef('../etc@0123456789ab')).toThrow(/invalid dataset name/);
    expect(() => parseDatasetRef('iris@v1')).toThrow(/invalid dataset version/);
  });

  it("parses a version id's start and latest~N", () => {
    expect(parseDatasetRef('iris@0123')).toEqual({ name: 'iris', version: undefined, prefix: '0123' });
    expect(parseDatasetRef('iris@latest~2')).toEqual({ name: 'iris', version: undefined, back: 2 });
    expect(parseDatasetRef('iris@latest~0')).toEqual({ name: 'iris', version: undefined });
    for (const bad of ['iris@012', 'iris@0123456789abc', 'iris@latest~', 'iris@latest~-1', 'iris@~1', 'iris@0123G']) {
      expect(() => parseDatasetRef(bad), bad).toThrow(/invalid dataset version .*'latest~N'/);
    }
  });
});

for (const backend of testStores()) {
  describe(`DatasetService on ${backend.name}`, () => {
    let store: MetadataStore;
    let t: TestService;
    let fileA: string, fileB: string;
    beforeAll(async () => {
      store = await backend.open();
      t = makeTestService(store);
      fileA = join(t.dir, 'a.csv');
      fileB = join(t.dir, 'b.csv');
      writeFileSync(fileA, CSV_A);
      writeFileSync(fileB, CSV_B);
    });
    afterAll(async () => store.close());

    it('adds versions addressed by content, and identical content returns the same version', async () => {
      const a = await t.service.add('demo', fileA, { description: 'first' });
      expect(a.version).toMatch(/^[0-9a-f]{12}$/);
      expect(a.contentSha256.startsWith(a.version)).toBe(true);
      expect(a.rows).toBe(3);
      expect(a.columns.map((c) => `${c.name}:${c.type}:${c.nullable}`)).toEqual(['x:int:false', 'y:float:true', 'c:string:false', 't:timestamp:false']);
      const t0 = a.columns[3]!.stats;
      expect([t0.min, t0.max]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 3, 12)]);
      const again = await t.service.add('demo', fileA);
      // The same version, which this add did not store.
      expect([a.created, again.created]).toEqual([true, false]);
      expect({ ...again, created: true }).toEqual(a);
      const blobs = t.blobs().length;
      const b = await t.service.add('demo', fileB);
      expect(b.version).not.toBe(a.version);
      expect(t.blobs().length).toBe(blobs + 1);
      expect((await t.service.get('demo')).version).toBe(b.version);
      expect((await t.service.get(`demo@${a.version}`)).version).toBe(a.version);
      expect((await t.service.versions('demo')).map((v) => v.version)).toEqual([b.version, a.version]);
      const list = await t.service.list();
      // The description given with the first version stays until another add gives a new one.
      expect(list).toEqual([{ name: 'demo', description: 'first', versions: 2, latest: b.version, rows: 4, updatedAt: expect.any(Number) }]);
    });

    it('keeps the last description given, also when its add found the content already stored', async () => {
      const small = join(t.dir, 'pre.csv');
      writeFileSync(small, 'x,s\n1,a\n2,b\n');
      // A larger file too: its hash ends before its read does, and that add stops the read.
      const large = join(t.dir, 'pre-large.csv');
      writeFileSync(large, `x,s\n${Array.from({ length: 200_000 }, (_, i) => `${i},s${i % 7}`).join('\n')}\n`);
      for (const [name, file] of [['rep', small], ['rep-large', large]] as const) {
        const description = async () => (await t.service.list()).find((d) => d.name === name)?.description;
        const first = await t.service.add(name, file, { description: 'first' });
        const again = await t.service.add(name, file, { description: 'second' });
        expect(again.version).toBe(first.version);
        expect(await description()).toBe('second');
        // No description given: the last one stays.
        await t.service.add(name, file);
        expect(await description()).toBe('second');
        expect((await t.service.versions(name)).length).toBe(1);
      }
      // Two adds of new content at once: the one whose insert loses the race still sets its description.
      const stored = await t.service.get('rep');
      expect(await new DatasetRepository(store.db).insertVersion(stored, 'third')).toMatchObject({ created: false, version: { version: stored.version } });
      expect((await t.service.list()).find((d) => d.name === 'rep')?.description).toBe('third');
    });

    it('moves updatedAt on a new version and on a new description, not on an add that changes nothing', async () => {
      const file = join(t.dir, 'upd.csv');
      writeFileSync(file, 'x\n1\n2\n');
      const updatedAt = async () => (await t.service.list()).find((d) => d.name === 'upd')?.updatedAt;
      const first = await t.service.add('upd', file, { description: 'first' });
      expect(await updatedAt()).toBe(first.createdAt);
      const later = async () => {
        const before = Date.now();
        while (Date.now() <= before + 1) await new Promise((r) => setTimeout(r, 2));
      };
      // The same content and description again: nothing changed.
      await later();
      await t.service.add('upd', file, { description: 'first' });
      await t.service.add('upd', file);
      expect(await updatedAt()).toBe(first.createdAt);
      // The same content with a new description: the dataset changed, as MLflow's last_updated_timestamp moves.
      await later();
      const before = Date.now();
      await t.service.add('upd', file, { description: 'second' });
      const described = (await updatedAt())!;
      expect(described).toBeGreaterThanOrEqual(before);
      expect(described).toBeGreaterThan(first.createdAt);
      // A new version: its time.
      await later();
      writeFileSync(file, 'x\n1\n2\n3\n');
      const second = await t.service.add('upd', file);
      expect(await updatedAt()).toBe(second.createdAt);
      expect(second.createdAt).toBeGreaterThan(described);
    });

    it('names each step of an add on the progress bar, in order, however short the read', async () => {
      const steps: string[] = [];
      const file = join(t.dir, 'steps.csv');
      writeFileSync(file, 'x,s\n1,a\n2,b\n');
      await t.service.add('steps', file, {}, { onProgress: (e) => void (e.message !== steps.at(-1) && steps.push(e.message!)) });
      expect(steps).toEqual(['sniffing types', 'reading', 'statistics', 'storing', 'done']);
    });

    it('diffs schema and statistics', async () => {
      const vs = await t.service.versions('demo');
      const [a, b] = [vs[1]!, vs[0]!];
      const d = await t.service.diff(`demo@${a.version}`, `demo@${b.version}`);
      expect(d.schema.added).toEqual([{ name: 'z', type: 'bool' }]);
      expect(d.schema.removed).toEqual([{ name: 't', type: 'timestamp' }]);
      expect(d.schema.changed).toEqual([{ name: 'y', nullable: { a: true, b: false } }, { name: 'c', nullable: { a: false, b: true } }]);
      const x = d.columns.find((c) => c.name === 'x')!;
      expect(x.mean).toEqual({ a: 2, b: 5.5, delta: 3.5, relative: 1.75, inStd: 3.5 });
      expect(x.meanShiftInStd).toBeCloseTo(3.5, 10);
      const c = d.columns.find((col) => col.name === 'c')!;
      expect(c.newTopValues).toEqual(['c']);
      expect(c.vanishedTopValues).toEqual(['b']);
      expect(c.missingRate).toEqual({ a: 0, b: 0.25, delta: 0.25, relative: null });
      // Shares of the non-missing values: a 2 of 3, then 1 of 3; b and c each in one top list only.
      expect(c.topShares).toEqual([
        { value: 'a', a: 2 / 3, b: 1 / 3, delta: 1 / 3 - 2 / 3, relative: -0.5 },
        { value: 'b', a: 1 / 3, b: null, delta: null, relative: null },
        { value: 'c', a: null, b: 2 / 3, delta: null, relative: null },
      ]);
    });

    it('loads a version as a Table, optionally some columns', async () => {
      const table = await t.service.loadTable('demo');
      expect(table.numRows).toBe(4);
      const [x, y, c, z] = table.columns;
      expect([...(x as { values: Float64Array }).values]).toEqual([1, 5, 7, 9]);
      expect([...(y as { values: Float64Array }).values]).toEqual([2.5, 3.5, 4.5, 5.5]);
      expect(c).toMatchObject({ type: 'string', dictionary: ['a', 'c'] });
      expect([...(c as { codes: Int32Array }).codes]).toEqual([0, 1, 1, -1]);
      expect([...(z as { values: Float64Array }).values]).toEqual([1, 0, NaN, 1]);
      const a = (await t.service.versions('demo'))[1]!;
      const sub = await t.service.loadTable(`demo@${a.version}`, { columns: ['t', 'y'] });
      expect(sub.columns.map((col) => col.name)).toEqual(['t', 'y']);
      expect([...(sub.columns[0] as { values: Float64Array }).values]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3, 12)]);
      expect([...(sub.columns[1] as { values: Float64Array }).values]).toEqual([0.5, 1.5, NaN]);
      await expectKeelError(t.service.loadTable('demo', { columns: ['nope'] }), 'INVALID_ARGUMENT', /no column 'nope'/);
    });

    it('loads a Table of many DuckDB chunks in stored order, missing values where they are', async () => {
      // 5,000 rows: three chunks of up to 2,048; a value is missing in every seventh row.
      const file = join(t.dir, 'chunks.csv');
      writeFileSync(file, `i,s\n${Array.from({ length: 5000 }, (_, i) => (i % 7 === 3 ? ',' : `${i},k${i % 3}`)).join('\n')}\n`);
      const v = await t.service.add('chunks', file);
      const table = await t.service.loadTable(`chunks@${v.version}`);
      const i = table.columns[0] as { values: Float64Array };
      const s = table.columns[1] as { codes: Int32Array; dictionary: readonly string[] };
      expect(table.numRows).toBe(5000);
      for (const r of [0, 3, 2047, 2048, 2049, 4095, 4096, 4999]) {
        expect([r, i.values[r], s.codes[r] === -1 ? null : s.dictionary[s.codes[r]!]]).toEqual([r, r % 7 === 3 ? NaN : r, r % 7 === 3 ? null : `k${r % 3}`]);
      }
    });

    it('reads a page of rows in stored order, across row groups', async () => {
      const a = (await t.service.versions('demo')).at(-1)!;
      const page = await t.service.rows(`demo@${a.version}`, { offset: 1, limit: 5, columns: ['t', 'y', 'x'] });
      expect(page).toEqual({
        name: 'demo',
        version: a.version,
        total: 3,
        offset: 1,
        columns: [{ name: 't', type: 'timestamp' }, { name: 'y', type: 'float' }, { name: 'x', type: 'int' }],
        rows: [['2024-01-02T00:00:00.000Z', 1.5, 2], ['2024-01-03T12:00:00.000Z', null, 3]],
      });
      // 300,000 rows are three of DuckDB's row groups: a page across the first boundary stays in order.
      const file = join(t.dir, 'many.csv');
      writeFileSync(file, `i,s\n${Array.from({ length: 300_000 }, (_, i) => `${i},s${i % 7}`).join('\n')}\n`);
      const many = await t.service.add('many', file);
      const across = await t.service.rows('many', { offset: 122_878, limit: 4 });
      expect(across.rows).toEqual([0, 1, 2, 3].map((k) => [122_878 + k, `s${(122_878 + k) % 7}`]));
      expect((await t.service.rows(`many@${many.version}`, { offset: 299_999 })).rows).toEqual([[299_999, 's0']]);
      expect((await t.service.rows('many', { offset: 400_000 })).rows).toEqual([]);
      await expectKeelError(t.service.rows('many', { limit: 10_001 }), 'INVALID_ARGUMENT', /limit: expected a whole number from 0 to 10000/);
      await expectKeelError(t.service.rows('many', { offset: -1 }), 'INVALID_ARGUMENT', /offset/);
      await expectKeelError(t.service.rows('many', { columns: ['i', 'nope'] }), 'INVALID_ARGUMENT', /no column 'nope' in many@/);
    });

    it('exports a version as Parquet, CSV or NDJSON, whole or not at all', async () => {
      const a = (await t.service.versions('demo')).at(-1)!;
      const ref = `demo@${a.version}`;
      const csv = join(t.dir, 'out.csv');
      expect(await t.service.export(ref, csv)).toMatchObject({ name: 'demo', version: a.version, rows: 3, format: 'csv', path: csv });
      expect(readFileSync(csv, 'utf8')).toBe('x,y,c,t\n1,0.5,a,2024-01-01 00:00:00\n2,1.5,b,2024-01-02 00:00:00\n3,,a,2024-01-03 12:00:00\n');
      // Read back, the export is the same content: the same version.
      expect((await t.service.add('demo', csv)).version).toBe(a.version);
      const nd = join(t.dir, 'out.jsonl');
      await t.service.export(ref, nd);
      expect(readFileSync(nd, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
        { x: 1, y: 0.5, c: 'a', t: '2024-01-01T00:00:00.000Z' },
        { x: 2, y: 1.5, c: 'b', t: '2024-01-02T00:00:00.000Z' },
        { x: 3, y: null, c: 'a', t: '2024-01-03T12:00:00.000Z' },
      ]);
      const pq = join(t.dir, 'out.bin');
      await t.service.export(ref, pq, { format: 'parquet' });
      expect(readFileSync(pq).equals(readFileSync(await t.service.parquetPath(ref)))).toBe(true);
      await expectKeelError(t.service.export(ref, join(t.dir, 'out.xlsx')), 'INVALID_ARGUMENT', /cannot tell the export format .*--format/);
      await expectKeelError(t.service.export(ref, join(t.dir, 'no-such-dir', 'out.csv')), 'INVALID_ARGUMENT', /cannot write/);
      expect(readdirSync(t.dir).filter((f) => f.includes('.keel-tmp-'))).toEqual([]);
    });

    it('adds a folder of parts, or the files a glob matches, as one version', async () => {
      const parts = join(t.dir, 'parts');
      mkdirSync(join(parts, 'day=2'), { recursive: true });
      writeFileSync(join(parts, 'day=1.csv'), 'x,y\n1,a\n2,b\n');
      writeFileSync(join(parts, 'day=2', 'part-0.csv'), 'x,y\n3,c\n');
      // What Spark writes beside its parts, and hidden files, are not data.
      writeFileSync(join(parts, '_SUCCESS'), '');
      writeFileSync(join(parts, '.day=1.csv.crc'), 'junk');
      const folder = await t.service.add('parts', parts);
      expect(folder.rows).toBe(3);
      expect(folder.columns.find((c) => c.name === 'x')!.stats).toMatchObject({ min: 1, max: 3, mean: 2 });
      expect(folder.source).toBe(parts);
      const table = await t.service.loadTable(`parts@${folder.version}`, { columns: ['x'] });
      expect([...(table.columns[0] as { values: Float64Array }).values]).toEqual([1, 2, 3]);
      // The same files through a glob: the same content, so the same version.
      expect((await t.service.add('parts', join(parts, '**', '*.csv'))).version).toBe(folder.version);
      // One file of them is another content.
      const one = await t.service.add('parts', join(parts, 'day=*.csv'));
      expect([one.rows, one.version === folder.version]).toEqual([2, false]);
      // Parts are matched by column name.
      const mixed = join(t.dir, 'nd-parts');
      mkdirSync(mixed);
      writeFileSync(join(mixed, 'a.ndjson'), '{"x": 1, "y": "a"}\n');
      writeFileSync(join(mixed, 'b.ndjson'), '{"y": "b", "z": true}\n');
      const nd = await t.service.add('nd-parts', mixed);
      expect(nd.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['x:int:1', 'y:string:0', 'z:bool:1']);
      writeFileSync(join(mixed, 'c.csv'), 'x\n1\n');
      await expectKeelError(t.service.add('nd-parts', mixed), 'INVALID_ARGUMENT', /mixes formats \(ndjson: 'a\.ndjson' \.\.\.; csv: 'c\.csv'\); add them separately or pass --format$/);      // CSV parts too: a header in another order, or with a column more, puts each value under its own name.
      const csvParts = join(t.dir, 'csv-parts');
      mkdirSync(csvParts);
      writeFileSync(join(csvParts, 'a.csv'), 'x,y\n1,a\n2,b\n');
      writeFileSync(join(csvParts, 'b.csv'), 'y,x\nc,3\n');
      writeFileSync(join(csvParts, 'c.csv'), 'x,y,z\n4,d,1.5\n');
      const byName = await t.service.add('csv-parts', csvParts);
      expect(byName.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['x:int', 'y:string', 'z:float']);
      expect((await t.service.rows(`csv-parts@${byName.version}`)).rows).toEqual([[1, 'a', null], [2, 'b', null], [3, 'c', null], [4, 'd', 1.5]]);
      // The same comment line above headers in other orders: still matched by name.
      const commented = join(t.dir, 'csv-parts-commented');
      mkdirSync(commented);
      writeFileSync(join(commented, 'a.csv'), '# exported\nx,y\n1,a\n');
      writeFileSync(join(commented, 'b.csv'), '# exported\ny,x\nc,3\n');
      const c = await t.service.add('csv-parts-commented', commented, { comment: '#' });
      expect((await t.service.rows(`csv-parts-commented@${c.version}`)).rows).toEqual([[1, 'a'], [3, 'c']]);
      writeFileSync(join(csvParts, 'd.tsv'), 'x\ty\n5\te\n');
      await expectKeelError(t.service.add('csv-parts', csvParts), 'INVALID_ARGUMENT', /mixes tab-separated \(\.tsv\) and comma-separated files/);
    });

    it('reads Parquet, JSON and NDJSON', async () => {
      const nd = join(t.dir, 'rows.ndjson');
      writeFileSync(nd, '{"a": 1, "s": "x"}\n{"a": 2, "s": null}\n');
      const v = await t.service.add('fmt', nd);
      expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 's:string']);
      const js = join(t.dir, 'rows.json');
      writeFileSync(js, '[{"a": 1.5, "b": true}, {"a": 2.5, "b": false}]');
      expect((await t.service.add('fmt', js)).columns.map((c) => c.type)).toEqual(['float', 'bool']);
      const pq = await t.service.parquetPath('demo');
      const fromPq = await t.service.add('fmt', pq, { format: 'parquet' });
      expect(fromPq.columns.map((c) => c.name)).toEqual(['x', 'y', 'c', 'z']);
      expect(fromPq.rows).toBe(4);
    });

    it('finds a version by the start of its id, or by its place before the latest', async () => {
      const repo = new DatasetRepository(store.db);
      const base = await t.service.add('pick-source', fileA);
      // Three versions of one dataset whose ids share their first 4 characters; the last added is the latest.
      for (const [version, createdAt] of [['abcd11111111', 1], ['abcd22222222', 2], ['abce33333333', 3]] as const) {
        await repo.insertVersion({ ...base, name: 'picked', version, createdAt }, undefined);
      }
      expect((await t.service.get('picked@abcd2')).version).toBe('abcd22222222');
      expect((await t.service.get('picked@abce')).version).toBe('abce33333333');
      expect((await t.service.get('picked@latest~1')).version).toBe('abcd22222222');
      expect((await t.service.get('picked@latest~2')).version).toBe('abcd11111111');
      expect((await t.service.diff('picked@latest~1', 'picked')).b.version).toBe('abce33333333');
      await expectKeelError(t.service.get('picked@abcd'), 'INVALID_ARGUMENT', /^ref: version 'abcd' of dataset 'picked' is ambiguous: it starts 2 versions \(abcd11111111, abcd22222222\); give more of its characters$/);
      await expectKeelError(t.service.get('picked@latest~3'), 'NOT_FOUND', /dataset version 'picked@latest~3'/);
      await expectKeelError(t.service.get('picked@ffff'), 'NOT_FOUND', /dataset version 'picked@ffff'/);
      await expectKeelError(t.service.diff('picked@abcd', 'picked'), 'INVALID_ARGUMENT', /^a: version 'abcd'/);
    });

    it('reports missing datasets and versions as NOT_FOUND, naming the argument (ref; versions: name), as the HTTP routes do', async () => {
      expect((await expectKeelError(t.service.get('nope'), 'NOT_FOUND', /^ref: dataset 'nope' not found$/)).field).toBe('ref');
      expect((await expectKeelError(t.service.get('demo@000000000000'), 'NOT_FOUND', /^ref: dataset version 'demo@000000000000' not found$/)).field).toBe('ref');
      expect((await expectKeelError(t.service.loadTable('nope'), 'NOT_FOUND', /^ref: dataset 'nope' not found$/)).field).toBe('ref');
      expect((await expectKeelError(t.service.rows('demo@000000000000'), 'NOT_FOUND', /^ref: /)).field).toBe('ref');
      expect((await expectKeelError(t.service.versions('nope'), 'NOT_FOUND', /^name: dataset 'nope' not found$/)).field).toBe('name');
      // A caller's own name for the ref (a diff's `b`) is the one named.
      expect((await expectKeelError(t.service.get('nope', 'b'), 'NOT_FOUND', /^b: dataset 'nope' not found$/)).field).toBe('b');
    });

    describe('bad input leaves nothing behind', () => {
      const assertUntouched = async (name: string, blobsBefore: number) => {
        await expectKeelError(t.service.get(name), 'NOT_FOUND', /not found/);
        expect(t.blobs().length).toBe(blobsBefore);
        expect(readdirSync(join(t.dir, 'tmp'))).toEqual([]);
      };

      it('a malformed CSV', async () => {
        const before = t.blobs().length;
        const bad = join(t.dir, 'bad.csv');
        writeFileSync(bad, 'a,b\n1,2\n3,4,5,6\n"unterminated,7\n');
        const e = await expectKeelError(t.service.add('bad', bad), 'INVALID_ARGUMENT', /^file: not a readable CSV file: line 3 of bad.csv has more than 2 fields, the header's count \(a delimiter inside an unquoted field\?/);
        expect(e.field).toBe('file');
        await assertUntouched('bad', before);
        // Left to guess, DuckDB took the last row for the header and skipped the rows above it.
        writeFileSync(bad, 'a,b\n1,2\n3\n4,5,6\n');
        await expectKeelError(t.service.add('bad', bad), 'INVALID_ARGUMENT', /line 3 of bad.csv has 1 field where the header has 2 \(a short row/);
        writeFileSync(bad, 'a,b\n1,2\n"3,4\n5,6\n');
        await expectKeelError(t.service.add('bad', bad), 'INVALID_ARGUMENT', /line 3 of bad.csv opens a quote that is never closed/);
        const gz = join(t.dir, 'bad.csv.gz');
        writeFileSync(gz, gzipSync('a,b\n1,2\n3\n'));
        await expectKeelError(t.service.add('bad', gz), 'INVALID_ARGUMENT', /line 3 of bad.csv.gz has 1 field where the header has 2/);
        writeFileSync(gz, 'a,b\n1,2\n');
        await expectKeelError(t.service.add('bad', gz), 'INVALID_ARGUMENT', /^file: 'bad\.csv\.gz' is not gzip data \(its name ends in \.gz, but its bytes do not start as gzip's do, 1f 8b\): it looks like uncompressed text; name it without \.gz$/);
        // After lines to skip and comment lines, and past the sniffed rows (the read names it, not the sniff).
        writeFileSync(bad, `# notes\npreamble\na;b\n${'1;2\n'.repeat(25_000)}3;4;5\n`);
        await expectKeelError(t.service.add('bad', bad, { delimiter: ';', skip: 1, comment: '#' }), 'INVALID_ARGUMENT', /line 25004 of bad.csv has more than 2 fields/);
        writeFileSync(bad, `# notes\npreamble\na;b\n1;2\n3\n`);
        await expectKeelError(t.service.add('bad', bad, { delimiter: ';', skip: 1, comment: '#' }), 'INVALID_ARGUMENT', /line 5 of bad.csv has 1 field where the header has 2/);
        // One of several parts: the message names it.
        const parts = join(t.dir, 'bad-parts');
        mkdirSync(parts);
        writeFileSync(join(parts, 'a.csv'), 'a,b\n1,2\n');
        writeFileSync(join(parts, 'b.csv'), 'a,b\n1,2\n3,4,5\n');
        await expectKeelError(t.service.add('bad', parts), 'INVALID_ARGUMENT', /line 3 of b.csv has more than 2 fields/);
        await assertUntouched('bad', before);
      });

      it('an unreadable, missing or empty file', async () => {
        const before = t.blobs().length;
        await expectKeelError(t.service.add('bad', join(t.dir, 'missing.csv')), 'INVALID_ARGUMENT', /cannot read .*ENOENT/);
        const dir = join(t.dir, 'folder.csv');
        mkdirSync(dir);
        await expectKeelError(t.service.add('bad', dir), 'INVALID_ARGUMENT', /the folder '.*folder.csv' holds no CSV, Parquet or JSON file/);
        await expectKeelError(t.service.add('bad', join(t.dir, 'nothing-*.csv')), 'INVALID_ARGUMENT', /no file matches/);
        const empty = join(t.dir, 'empty.csv');
        writeFileSync(empty, '');
        await expectKeelError(t.service.add('bad', empty), 'INVALID_ARGUMENT', /is empty/);
        const locked = join(t.dir, 'locked.csv');
        writeFileSync(locked, CSV_A);
        chmodSync(locked, 0o000);
        // root reads anything; elsewhere this is EACCES.
        if (process.getuid?.() !== 0) await expectKeelError(t.service.add('bad', locked), 'INVALID_ARGUMENT', /EACCES/);
        await assertUntouched('bad', before);
      });

      it('an unknown format or column type', async () => {
        const before = t.blobs().length;
        await expectKeelError(t.service.add('bad', join(t.dir, 'data.xml')), 'INVALID_ARGUMENT', /cannot tell the format .*--format/);
        await expectKeelError(t.service.add('bad', fileA, { format: 'xlsx' }), 'INVALID_ARGUMENT', /unknown format 'xlsx' \(known: csv, parquet, json, ndjson\)/);
        // A binary column (nested values are kept as their JSON text: nested-values.test.ts).
        const binary = join(t.dir, 'binary.parquet');
        const duck = await openDuckDb(t.dir);
        try {
          await (await duck.connect()).run(`COPY (SELECT 1 AS n, 'abc'::BLOB AS a) TO ${quoteString(binary)} (FORMAT parquet)`);
        } finally {
          duck.close();
        }
        const e = await expectKeelError(t.service.add('bad', binary), 'INVALID_ARGUMENT', /column 'a' has type BLOB, which Keel datasets cannot hold/);
        expect(e.field).toBe('columns.a');
        await expectKeelError(t.service.add('bad', fileA, { format: 'parquet' }), 'INVALID_ARGUMENT', /not a readable PARQUET file/);
        await assertUntouched('bad', before);
      });

      it('a JSON or NDJSON file without objects, as an empty file; one of values that are not objects', async () => {
        const before = t.blobs().length;
        const cases: [string, string, RegExp][] = [
          ['none.json', '[]', /^file: 'none\.json' holds no JSON objects: no rows to read$/],
          ['blank.ndjson', '\n', /^file: 'blank\.ndjson' holds no JSON objects: no rows to read$/],
          ['hollow.json', '[{}]', /^file: 'hollow\.json' holds only empty JSON objects \(\{\}\): no columns to read$/],
          ['hollow.ndjson', '{}\n{}\n', /^file: 'hollow\.ndjson' holds only empty JSON objects/],
          ['numbers.json', '[1, 2, 3]', /^file: 'numbers\.json' holds a JSON value that is not an object \(1\): each row must be an object, \{"column": value, \.\.\.\}$/],
          ['mixed.json', '[{"a": 1}, "x"]', /^file: 'mixed\.json' holds a JSON value that is not an object \("x"\)/],
          // Lists 10,000 deep: the look at the value crashed the process (a segmentation fault).
          ['deep.json', `[${'['.repeat(10000)}${']'.repeat(10000)}]`, /^file: 'deep\.json' holds a JSON value that is not an object \(\[{40}\.\.\.\)/],
        ];
        for (const [name, text, message] of cases) {
          const file = join(t.dir, name);
          writeFileSync(file, text);
          const e = await expectKeelError(t.service.add('bad', file), 'INVALID_ARGUMENT', message);
          expect(e.field).toBe('file');
        }
        await assertUntouched('bad', before);
        // Objects with a field named json are rows as any others.
        const named = join(t.dir, 'named-json.json');
        writeFileSync(named, '[{"json": 1}, {"json": 2}]');
        const v = await t.service.add('json-field', named);
        expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['json:int']);
        expect(v.rows).toBe(2);
      });

      it('a JSON or NDJSON object with a key twice: the file, the row and the key', async () => {
        const before = t.blobs().length;
        const js = join(t.dir, 'dup.json');
        writeFileSync(js, '[{"a": 1}, {"a": 2}, {"a": 3, "b": 1, "a": 4}]');
        await expectKeelError(t.service.add('bad', js), 'INVALID_ARGUMENT', /^file: 'dup\.json' has an object with the key "a" twice \(row 3\); a key may appear once in an object$/);
        // Past the sampled rows, no wider types are tried first (no read starts again).
        const nd = join(t.dir, 'dup.ndjson');
        writeFileSync(nd, `${'{"a": 1}\n'.repeat(25_000)}{"a": 2, "a": 3}\n`);
        const messages: string[] = [];
        await expectKeelError(t.service.add('bad', nd, {}, { onProgress: (e) => void (e.message && messages.push(e.message)) }), 'INVALID_ARGUMENT', /^file: 'dup\.ndjson' has an object with the key "a" twice \(line 25001\)/);
        expect(messages.filter((m) => m.startsWith('reading again'))).toEqual([]);
        await assertUntouched('bad', before);
      });

      it('a dataset name with path characters', async () => {
        for (const name of ['../x', 'a/b', '', '.hidden', 'a\\b']) {
          const e = await expectKeelError(t.service.add(name, fileA), 'INVALID_ARGUMENT', /invalid dataset name/);
          expect(e.field).toBe('name');
        }
      });

      it('a failure of the statistics while the Parquet is being stored', async () => {
        const failing = makeTestService(store, {
          beforeStatistics: () => {
            throw new Error('injected statistics failure');
          },
        });
        const file = join(t.dir, 'stats-fail.csv');
        writeFileSync(file, 'k,v\n1,one\n2,two\n3,three\n');
        await expect(failing.service.add('statsfail', file)).rejects.toThrow('injected statistics failure');
        await expectKeelError(failing.service.get('statsfail'), 'NOT_FOUND', /dataset 'statsfail'/);
        // The copy into the artifact store had started: it is removed again.
        expect(failing.blobs()).toEqual([]);
        expect(readdirSync(join(failing.dir, 'tmp'))).toEqual([]);
      });

      it('an abort (Ctrl-C) during the read, during the statistics or just before the commit', async () => {
        const file = join(t.dir, 'abort.csv');
        writeFileSync(file, `k,v\n${Array.from({ length: 200_000 }, (_, i) => `${i},v${i % 1000}`).join('\n')}\n`);
        let abortAt: 'stats' | 'commit' | undefined;
        let controller = new AbortController();
        // The file is plain: read in JS, and by DuckDB when told so (plain-csv-read.ts).
        for (const plainCsvMinBytes of [undefined, Infinity]) {
          const name = plainCsvMinBytes === undefined ? 'aborted' : 'aborted-duckdb';
          const stopping = makeTestService(
            store,
            {
              beforeStatistics: () => void (abortAt === 'stats' && controller.abort()),
              afterArtifactStored: () => void (abortAt === 'commit' && controller.abort()),
            },
            plainCsvMinBytes === undefined ? {} : { plainCsvMinBytes },
          );
          for (const at of ['read', 'stats', 'commit'] as const) {
            controller = new AbortController();
            abortAt = at === 'read' ? undefined : at;
            const adding = stopping.service.add(name, file, {}, { signal: controller.signal });
            if (at === 'read') setImmediate(() => controller.abort());
            await expectKeelError(adding, 'CANCELLED', /the add was interrupted/);
            await expectKeelError(stopping.service.get(name), 'NOT_FOUND', new RegExp(`dataset '${name}'`));
            expect(stopping.blobs()).toEqual([]);
            expect(readdirSync(join(stopping.dir, 'tmp'))).toEqual([]);
          }
          abortAt = undefined;
          expect((await stopping.service.add(name, file, {}, { signal: new AbortController().signal })).rows).toBe(200_000);
        }
      });

      it('a crash between the Parquet write and the metadata commit, then a retry', async () => {
        let fail = true;
        const crashing = makeTestService(store, {
          afterArtifactStored: () => {
            if (fail) throw new Error('injected crash');
          },
        });
        const file = join(t.dir, 'crash.csv');
        writeFileSync(file, 'k,v\n1,one\n2,two\n');
        await expect(crashing.service.add('crashy', file)).rejects.toThrow('injected crash');
        await expectKeelError(crashing.service.get('crashy'), 'NOT_FOUND', /dataset 'crashy'/);
        expect(crashing.blobs()).toEqual([]);
        expect(readdirSync(join(crashing.dir, 'tmp'))).toEqual([]);
        fail = false;
        const v = await crashing.service.add('crashy', file);
        expect(v.rows).toBe(2);
        expect(crashing.blobs()).toEqual([v.artifactSha256]);
      });
    });
  });
}
