/**
 * A real crash in the middle of `keel data add`: the CLI is killed with SIGKILL at each step of
 * the add (the sniff, the read into Parquet, the statistics, the blob stored but the version not
 * yet committed). Nothing half-written may stay visible, and the next add cleans up and stores
 * the same version a clean add does. The kill points are told by the files the add makes (the
 * progress bar is silent when stderr is not a terminal), never by a fixed sleep.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openMetadataStore, testPostgresUrl } from '../../storage/index.js';
import { KEEL_BIN, runKeel } from '../test-server.js';

const small = fileURLToPath(new URL('../../data/testdata/small.csv', import.meta.url));

const ROWS = 500_000;

/** Entries of `dir` (none when it is missing). */
const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

/** The blobs under a home's artifact store: `XX/REST` for each, sorted (tmp/ left out). */
const blobs = (home: string): string[] =>
  entries(join(home, 'artifacts'))
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => entries(join(home, 'artifacts', d)).map((f) => `${d}/${f}`))
    .sort();

/** The add's own work folders: tmp/ingest-HOST-PID-<random suffix>. */
const ingestDirs = (home: string): string[] => entries(join(home, 'tmp')).filter((n) => n.startsWith('ingest-')).map((n) => join(home, 'tmp', n));

/** The kill points, each told by a file the add makes when it reaches that step. */
interface KillPoint {
  readonly step: string;
  readonly reached: (home: string, known: readonly string[]) => boolean;
}
const steps: readonly KillPoint[] = [
  // The sniff opens DuckDB first, whose spill folder sits in the add's work folder.
  { step: 'sniff', reached: (home) => ingestDirs(home).some((d) => entries(d).some((n) => n.startsWith('duckdb-'))) },
  // The read into Parquet writes data.parquet in the work folder as it goes.
  { step: 'reading', reached: (home) => ingestDirs(home).some((d) => entries(d).includes('data.parquet')) },
  // The statistics start with the copy of the Parquet into the store's tmp/.
  { step: 'statistics', reached: (home) => entries(join(home, 'artifacts', 'tmp')).some((n) => n.startsWith('blob-')) },
  // The copy is renamed into place while the statistics still run: the blob exists, the version not yet.
  { step: 'stored', reached: (home, known) => blobs(home).some((b) => !known.includes(b)) },
];

/** `keel ARGS`'s stdout, with the metadata store `env` names (KEEL_DATABASE_URL, or SQLite under --home). */
const keel = async (env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> => (await runKeel(args, env)).stdout;

/** Starts `keel data add NAME FILE` in `home` and kills it with SIGKILL once `reached` says so; returns its PID. */
async function killAddWhen(env: NodeJS.ProcessEnv, home: string, name: string, file: string, reached: (home: string) => boolean): Promise<number> {
  const child = spawn(process.execPath, [KEEL_BIN, '--home', home, 'data', 'add', name, file], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  while (!reached(home)) {
    if (child.exitCode !== null) throw new Error(`keel data add ended (exit ${child.exitCode}) before it could be killed: ${stderr}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return child.pid!;
}

/** A database of its own on the test PostgreSQL server (the CLI takes a URL, not a schema), dropped by `drop`. */
async function freshPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `keel_crash_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await openMetadataStore(serverUrl, { skipMigrations: true });
  await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin.db);
      await admin.close();
    },
  };
}

const postgres = testPostgresUrl();

describe('keel data add killed with SIGKILL', () => {
  let dir: string;
  let csv: string;
  let cleanAdd: Promise<{ version: string; blobs: string[] }>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-data-crash-'));
    csv = join(dir, 'big.csv');
    // Big enough that the add takes about a second: each step lasts long enough to be caught.
    const cities = ['oslo', 'lima', 'kyiv', 'pune', 'rome'];
    const lines = ['id,x,y,city,code'];
    for (let i = 0; i < ROWS; i++) lines.push(`${i},${((i * 7919) % 100_003) / 7},${i % 977},${cities[i % 5]}${i % 131},c${(i * 31) % 5000}`);
    writeFileSync(csv, lines.join('\n') + '\n');
    // The add nothing kills, in a home of its own, runs beside the kills: they are told by files, not by time.
    const cleanHome = join(dir, 'clean');
    cleanAdd = keel({}, ['--home', cleanHome, '--json', 'data', 'add', 'big', csv]).then((out) => ({ version: (JSON.parse(out) as { version: string }).version, blobs: blobs(cleanHome) }));
    cleanAdd.catch(() => undefined);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Kills an add at each of `points` in one store, then checks what is left and what the next adds do. */
  async function crashAndRecover(home: string, env: NodeJS.ProcessEnv, points: readonly KillPoint[]): Promise<void> {
    const killed: number[] = [];
    for (const { step, reached } of points) {
      const before = blobs(home);
      const pid = await killAddWhen(env, home, 'big', csv, (h) => reached(h, before));
      killed.push(pid);
      // The killed add's leftovers are there until a later process sweeps them.
      expect(ingestDirs(home).some((d) => d.includes(`-${pid}-`)), step).toBe(true);
      if (step === 'stored') {
        expect(blobs(home)).toHaveLength(before.length + 1);
        // Its claim on the blob, by which the next add knows to remove it.
        expect(entries(join(home, 'artifacts', 'tmp')).filter((n) => n.startsWith('claim-') && n.includes(`-${pid}-`))).toHaveLength(1);
      }
      expect(JSON.parse(await keel(env, ['--home', home, '--json', 'data', 'ls'])), step).toEqual([]);
    }

    // The next process, an add of other data, sweeps what the killed adds left: their work
    // folders (with DuckDB's spill folders in them), their temp blobs, and the blob stored before
    // its version could commit.
    await keel(env, ['--home', home, 'data', 'add', 'small', small]);
    const left = [...entries(join(home, 'tmp')), ...entries(join(home, 'artifacts', 'tmp'))];
    expect(left.filter((n) => killed.some((pid) => n.includes(`-${pid}-`)))).toEqual([]);
    expect(left).toEqual([]);
    const smallBlobs = blobs(home);
    expect(smallBlobs).toHaveLength(1);

    const added = JSON.parse(await keel(env, ['--home', home, '--json', 'data', 'add', 'big', csv])) as { version: string; rows: number };
    const clean = await cleanAdd;
    expect(added).toMatchObject({ version: clean.version, rows: ROWS });
    expect(JSON.parse(await keel(env, ['--home', home, '--json', 'data', 'ls', 'big']))).toMatchObject([{ version: clean.version, rows: ROWS }]);
    expect(blobs(home)).toEqual([...smallBlobs, ...clean.blobs].sort());
  }

  it('on SQLite: leaves no version or blob behind, and the next add cleans up and stores the version a clean add does', async () => {
    await crashAndRecover(join(dir, 'sqlite'), {}, steps);
  }, 60_000);

  it('killed while it writes the copy of a file of mixed line endings: the next add sweeps the copy, and the file adds as its own bytes\' version', async () => {
    // The lines of big.csv, the second half ending in \r\n: the read fails there, and the add
    // writes a copy with every line ending in \n into its work folder (csv-line-endings.ts).
    const text = readFileSync(csv, 'utf8').split('\n');
    const half = text.length >> 1;
    const mixed = join(dir, 'mixed.csv');
    writeFileSync(mixed, `${text.slice(0, half).join('\n')}\n${text.slice(half).join('\r\n')}`);
    const home = join(dir, 'mixed');
    const copying = (h: string) => ingestDirs(h).some((d) => entries(join(d, 'line-endings')).length > 0);
    const pid = await killAddWhen({}, home, 'mixed', mixed, copying);
    expect(ingestDirs(home).filter((d) => d.includes(`-${pid}-`) && entries(join(d, 'line-endings')).includes('mixed.csv'))).toHaveLength(1);
    await keel({}, ['--home', home, 'data', 'add', 'small', small]);
    expect(entries(join(home, 'tmp'))).toEqual([]);
    const added = JSON.parse(await keel({}, ['--home', home, '--json', 'data', 'add', 'mixed', mixed])) as { version: string; rows: number; notes: string[] };
    expect(added).toMatchObject({ version: createHash('sha256').update(readFileSync(mixed)).digest('hex').slice(0, 12), rows: ROWS });
    expect(added.notes[0]).toMatch(/^line endings are mixed/);
    expect(entries(join(home, 'tmp'))).toEqual([]);
  }, 60_000);

  // The steps whose leftovers the metadata store decides on (is the stored blob recorded?): the
  // others are files alone, and each kill costs a second.
  it.skipIf(!postgres)('on PostgreSQL: the same, killed in the statistics and with the blob stored', async () => {
    const db = await freshPostgresDatabase(postgres!);
    try {
      await crashAndRecover(join(dir, 'postgres'), { KEEL_DATABASE_URL: db.url }, steps.filter((p) => p.step === 'statistics' || p.step === 'stored'));
    } finally {
      await db.drop();
    }
  }, 60_000);
});
