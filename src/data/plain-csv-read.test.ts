/**
 * The JS read path for plain CSV files against the DuckDB path, file by file: each file is added
 * to two stores, one reading plain files in JS and one never, and the versions must agree in
 * everything but the Parquet's bytes: version, rows, types, statistics (mean and std to 1e-12 of
 * their value: the paths sum in other orders) and every value loaded back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { mulberry32, silentLogger, type Column, type Table } from '../core/index.js';
import { LocalArtifactStore, openMetadataStore } from '../storage/index.js';
import { DatasetService } from './dataset-service.js';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import { readPlainCsv } from './plain-csv-read.js';
import type { ColumnProfile } from './types.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

async function service(dir: string, plainCsvMinBytes: number): Promise<DatasetService> {
  const store = await openMetadataStore('sqlite::memory:');
  return new DatasetService({ db: store.db, artifacts: new LocalArtifactStore(join(dir, 'artifacts')), logger: silentLogger, tmpDir: join(dir, 'tmp'), plainCsvMinBytes });
}

const dir = mkdtempSync(join(tmpdir(), 'keel-plain-'));
const both = Promise.all([service(join(dir, 'js'), 0), service(join(dir, 'duck'), Infinity)]);

/** A random plain CSV: ints, floats of 1 to 6 decimals, bools, strings of few and many values, missing values. */
function plainCsv(rows: number, seed: number, crlf = false): string {
  const r = mulberry32(seed);
  const cols = ['id', 'small', 'neg', 'f1', 'f6', 'big', 'flag', 'cat', 'word', 'sparse'];
  const lines = [cols.join(',')];
  const miss = (p: number, s: string) => (r() < p ? '' : s);
  for (let i = 0; i < rows; i++) {
    lines.push(
      [
        String(i),
        miss(0.05, String(Math.floor(r() * 10))),
        String(Math.floor((r() - 0.5) * 2_000_000)),
        miss(0.1, ((r() - 0.5) * 100).toFixed(1)),
        ((r() - 0.3) * 10).toFixed(6),
        miss(0.02, String(Math.floor(r() * 9e14))),
        miss(0.03, r() < 0.4 ? 'true' : 'false'),
        ['alpha', 'beta', 'gamma', 'Delta'][Math.floor(r() * r() * 4)]!,
        miss(0.2, `w${Math.floor(r() * rows)}x`),
        miss(0.9, (r() * 1e-3).toFixed(5)),
      ].join(','),
    );
  }
  return lines.join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
}

function decoded(c: Column): unknown[] {
  if (c.type === 'string') return Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]));
  return Array.from(c.values as ArrayLike<number>);
}

function expectSameTable(a: Table, b: Table): void {
  expect(a.numRows).toBe(b.numRows);
  expect(a.columns.map((c) => `${c.name}:${c.type}`)).toEqual(b.columns.map((c) => `${c.name}:${c.type}`));
  a.columns.forEach((c, i) => expect(decoded(c), c.name).toEqual(decoded(b.columns[i]!)));
}

/** Statistics equal, but mean and std to 1e-12 of their value. */
function expectSameProfiles(a: readonly ColumnProfile[], b: readonly ColumnProfile[]): void {
  const loose = (p: ColumnProfile) => ({ ...p, stats: { ...p.stats, mean: null, std: null } });
  expect(a.map(loose)).toEqual(b.map(loose));
  a.forEach((p, i) => {
    for (const k of ['mean', 'std'] as const) {
      const [x, y] = [p.stats[k], b[i]!.stats[k]];
      if (x === null || y === null) expect(x, `${p.name} ${k}`).toBe(y);
      else expect(Math.abs(x - y), `${p.name} ${k}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-12 * Math.abs(y));
    }
  });
}

/** viaJs: whether the JS path reads the file (then the Parquet's bytes differ: two writers), undefined to leave it open. */
async function expectSameAdd(name: string, text: string, viaJs: boolean | undefined = true): Promise<void> {
  const [js, duck] = await both;
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, text);
  const [a, b] = [await js.add(name, file), await duck.add(name, file)];
  expect(a.version).toBe(b.version);
  if (viaJs !== undefined) expect(a.artifactSha256 !== b.artifactSha256, 'read in JS').toBe(viaJs);
  expect(a.rows).toBe(b.rows);
  expectSameProfiles(a.columns, b.columns);
  expectSameTable(await js.loadTable(`${name}@${a.version}`), await duck.loadTable(`${name}@${b.version}`));
}

describe('plain CSV files read in JS', () => {
  it('are read into the same version as DuckDB reads them', async () => {
    // One row: its sparse column is empty, a column the JS path leaves to DuckDB.
    await expectSameAdd('mixed1', plainCsv(1, 1), false);
    for (const [rows, seed] of [[7, 2], [1000, 3], [30_000, 4]] as const) await expectSameAdd(`mixed${rows}`, plainCsv(rows, seed));
  }, 120_000);

  it('with \\r\\n line ends and without a final line end', async () => {
    await expectSameAdd('crlf', plainCsv(500, 5, true));
    await expectSameAdd('open', plainCsv(500, 6).trimEnd());
  }, 60_000);

  it('a line of 3,000,000 bytes, negative zeros, and mixed line ends (left to DuckDB, which notes them)', async () => {
    await expectSameAdd('long', `a,b\n1,x\n2,${'y'.repeat(3_000_000)}\n3,z\n`);
    await expectSameAdd('zeros', 'i,f\n-0,-0.0\n1,2.5\n-0,-0.25\n');
    await expectSameAdd('mixed', 'a,b\r\n1,x\n2,y\r\n', false);
  }, 60_000);

  it('a failure of the JS path leaves the file to DuckDB, with a warning', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const store = await openMetadataStore('sqlite::memory:');
    const failing = new DatasetService({
      db: store.db,
      artifacts: new LocalArtifactStore(join(dir, 'failing', 'artifacts')),
      logger,
      tmpDir: join(dir, 'failing', 'tmp'),
      plainCsvMinBytes: 0,
      hooks: { afterPlainParse: () => { throw new Error('injected'); } },
    });
    const file = join(dir, 'failing.csv');
    writeFileSync(file, plainCsv(300, 8));
    const [a, b] = [await failing.add('f', file), await (await both)[1].add('f', file)];
    // DuckDB's Parquet: the same bytes as the DuckDB path's add.
    expect(a.artifactSha256).toBe(b.artifactSha256);
    expect(lines.join('')).toMatch(/the JS read of a plain CSV file failed: read by DuckDB.*injected|injected.*the JS read of a plain CSV file failed/s);
  }, 60_000);

  it('read in JS indeed, and a file that is not plain is left to DuckDB with the reason', async () => {
    mkdirSync(join(dir, 'direct'), { recursive: true });
    const plain = join(dir, 'direct', 'p.csv');
    writeFileSync(plain, plainCsv(100, 7));
    const read = await readPlainCsv(plain, { minBytes: 0 });
    expect('profile' in read && read.profile.rows).toBe(100);
    // The Parquet's bytes, as DuckDB reads them.
    const parquet = join(dir, 'direct', 'p.parquet');
    writeFileSync(parquet, Buffer.concat('parquet' in read ? read.parquet : []));
    const duck = await openDuckDb(dir);
    try {
      const rows = (await (await duck.connect()).runAndReadAll(`SELECT count(*)::INTEGER, sum(id)::INTEGER FROM read_parquet(${quoteString(parquet)})`)).getRows();
      expect(rows).toEqual([[100, 4950]]);
    } finally {
      duck.close();
    }
    const quoted = join(dir, 'direct', 'q.csv');
    writeFileSync(quoted, 'a,b\n1,"x"\n');
    expect(await readPlainCsv(quoted, { minBytes: 0 })).toEqual({ bail: expect.stringMatching(/quote|"/) });
  }, 60_000);

  it('writes the same Parquet bytes however many threads parse the file, its row groups cut over the whole file', async () => {
    mkdirSync(join(dir, 'threads'), { recursive: true });
    const file = join(dir, 'threads', 't.csv');
    // `phase`: many values in the first two row groups, then few, so that its later chunks are
    // dictionary-encoded or not as the first two went (two misses and the column is not tried again).
    const phase = (i: number) => (i < 1400 ? (i * 0.37).toFixed(2) : (i % 5).toFixed(1));
    writeFileSync(file, plainCsv(5000, 9).trimEnd().split('\n').map((line, i) => `${line},${i === 0 ? 'phase' : phase(i - 1)}`).join('\n') + '\n');
    const bytes = async (threads: number) => {
      const read = await readPlainCsv(file, { minBytes: 0, threads, rowGroupRows: 700 });
      if (!('parquet' in read)) throw new Error(read.bail);
      return Buffer.concat(read.parquet);
    };
    const one = await bytes(1);
    for (const threads of [2, 3, 4]) expect((await bytes(threads)).equals(one), `${threads} threads`).toBe(true);
    // Row groups of 700 rows from the first row on (the last short), as DuckDB reads them back.
    const parquet = join(dir, 'threads', 't.parquet');
    writeFileSync(parquet, one);
    const duck = await openDuckDb(dir);
    try {
      const con = await duck.connect();
      const groups = (await con.runAndReadAll(`SELECT row_group_num_rows::INTEGER FROM parquet_metadata(${quoteString(parquet)}) WHERE column_id = 0 ORDER BY row_group_id`)).getRows().map((r) => r[0]);
      expect(groups).toEqual([700, 700, 700, 700, 700, 700, 700, 100]);
      const sums = (await con.runAndReadAll(`SELECT count(*)::INTEGER, sum(id)::BIGINT::VARCHAR, count(DISTINCT word)::INTEGER, round(sum(f6), 4)::VARCHAR FROM read_parquet(${quoteString(parquet)})`)).getRows()[0];
      const csv = (await con.runAndReadAll(`SELECT count(*)::INTEGER, sum(id)::BIGINT::VARCHAR, count(DISTINCT word)::INTEGER, round(sum(f6), 4)::VARCHAR FROM read_csv(${quoteString(file)})`)).getRows()[0];
      expect(sums).toEqual(csv);
    } finally {
      duck.close();
    }
  }, 60_000);
});
