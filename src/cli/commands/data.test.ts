import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../api/index.js';
import { execFile } from 'node:child_process';
import { KEEL_BIN, runKeel, runKeelInProcess, startTestServer, type TestServer } from '../test-server.js';
import { KeelClient } from '../../client/index.js';

const small = fileURLToPath(new URL('../../data/testdata/small.csv', import.meta.url));

/**
 * `keel ARGS` in this process, failing as `runKeel` does (`code` the exit code): a child process
 * per command (~0.5 s each to load the CLI) made this file slow. The real binary stays where it is
 * the point: the first add, and stdin and stdout, which are the process's own.
 */
async function keel(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runKeelInProcess(args);
  if (r.exitCode !== 0) throw Object.assign(new Error(`keel ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`), { code: r.exitCode, stdout: r.stdout, stderr: r.stderr });
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('keel data (end to end)', () => {
  let server: TestServer;
  let home: string;
  let platform: Platform;
  let url: string;
  // A second server, for adds that must not show in the first one's listings (shared: each start costs).
  let other: TestServer;
  beforeAll(async () => {
    [server, other] = await Promise.all([startTestServer('keel-cli-data-'), startTestServer('keel-cli-data-other-')]);
    ({ home, platform, url } = server);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), other?.close()]);
  });

  it('adds locally, then shows through --server with the documented --json shape', async () => {
    const added = await runKeel(['--home', home, '--json', 'data', 'add', 'small', small, '--description', 'test data']);
    const v = JSON.parse(added.stdout) as { name: string; version: string; rows: number };
    expect(v).toMatchObject({ name: 'small', rows: 400 });
    // Why a read started again is kept as a note on stderr (the progress bar shows it only in passing).
    const late = join(home, 'late.csv');
    writeFileSync(late, `n\n${Array.from({ length: 25_000 }, (_, i) => i).join('\n')}\n1.5\n`);
    // (In a store of its own: this test's store lists only 'small'.)
    const lateAdd = await keel(['--home', join(home, 'other-store'), 'data', 'add', 'late', late]);
    expect(lateAdd.stdout).toMatch(/^late@[0-9a-f]{12}: 25001 rows × 1 column\b/);
    expect(lateAdd.stderr).toContain('note: column \'n\' holds "1.5", so it is DOUBLE instead of BIGINT\n');
    // So is a column renamed (a name the header repeats).
    const repeats = join(home, 'repeats.csv');
    writeFileSync(repeats, 'a,a\n1,2\n');
    const repeatsAdd = await keel(['--home', join(home, 'other-store'), 'data', 'add', 'repeats', repeats]);
    expect(repeatsAdd.stderr).toContain("note: column 2 'a' repeats the name of column 1, so it is named 'a_1'\n");
    // Through a server too (the other one: this test's lists only 'small'): the notes come in the add's answer.
    for (const [file, note] of [[late, 'note: column \'n\' holds "1.5", so it is DOUBLE instead of BIGINT\n'], [repeats, "note: column 2 'a' repeats the name of column 1, so it is named 'a_1'\n"]] as const) {
      expect((await keel(['--server', other.url, 'data', 'add', 'noted', file])).stderr).toContain(note);
    }
    // The CLI says its own flags, and names the file as given, as a local add does.
    const unknownFormat = join(home, 'rows.dat');
    writeFileSync(unknownFormat, 'a\n1\n');
    const refused = await keel(['--server', other.url, 'data', 'add', 'z', unknownFormat]).then(() => '', (e: { stderr: string }) => e.stderr);
    expect(refused).toBe(`error: --format: cannot tell the format of '${unknownFormat}' from its name; pass --format (known: csv, parquet, json, ndjson)\n`);
    const shown = await keel(['--server', url, '--json', 'data', 'show', `small@${v.version}`]);
    const out = JSON.parse(shown.stdout) as { columns: { name: string; type: string; nullable: boolean; stats: Record<string, unknown> }[] };
    expect(Object.keys(out)).toEqual(['name', 'version', 'rows', 'columns']);
    expect(out.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['i_int:int', 'f_float:float', 'b_bool:bool', 's_str:string', 't_ts:timestamp', 'k_const:int', 'u_float:float']);
    expect(Object.keys(out.columns[0]!)).toEqual(['name', 'type', 'nullable', 'stats']);
    expect(Object.keys(out.columns[0]!.stats)).toEqual(['count', 'missing', 'min', 'max', 'mean', 'std', 'distinct', 'quantiles', 'top', 'histogram']);
    expect(out.columns[3]!.stats).toMatchObject({ count: 349, missing: 51, distinct: 8 });
    expect(JSON.parse((await keel(['--server', url, '--json', 'data', 'ls'])).stdout)).toMatchObject([{ name: 'small', description: 'test data' }]);
    // Times as in runs ls and models ls: `2025-01-31 12:00:05`, not ISO 8601's `2025-01-31T12:00:05.123Z`.
    expect((await keel(['--home', home, 'data', 'ls'])).stdout).toMatch(/^NAME +VERSIONS +LATEST +ROWS +UPDATED +DESCRIPTION\nsmall +1 +[0-9a-f]{12} +400 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +test data\n$/);
    for (const where of [['--home', home], ['--server', url]]) {
      const versions = JSON.parse((await keel([...where, '--json', 'data', 'ls', 'small'])).stdout) as { version: string; rows: number }[];
      expect(versions).toMatchObject([{ version: v.version, rows: 400 }]);
    }
    const table = (await keel(['--home', home, 'data', 'ls', 'small'])).stdout;
    expect(table).toMatch(new RegExp(`^VERSION +ROWS +ADDED +SOURCE\\n${v.version} +400 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\S*small\\.csv\\n$`));
    expect((await keel(['--home', home, 'data', 'add', 'small', small])).stdout).toMatch(new RegExp(`^small@${v.version}: 400 rows × 7 columns \\(\\d+\\.\\d\\d s, unchanged: the same content was added 20`));
    // The same content with a description: the version is unchanged, the description is not.
    expect((await keel(['--home', home, 'data', 'add', 'small', small, '--description', 'test data'])).stdout).toMatch(/, unchanged: the same content was added \d{4}-\d\d-\d\d \d\d:\d\d:\d\d; the description is updated\)\n$/);
    expect((await keel(['--home', home, 'data', 'show', 'small'])).stdout).toMatch(new RegExp(`^small@${v.version}  400 rows  7 columns  source \\S*small\\.csv  added \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\n`));
    // --type, here and through the server: the same version.
    const typedHere = JSON.parse((await keel(['--home', home, '--json', 'data', 'add', 'small-typed', small, '--type', 'i_int=string', '--type', 'k_const=float'])).stdout) as { version: string; columns: { type: string }[] };
    expect(typedHere.columns.map((c) => c.type).slice(0, 6)).toEqual(['string', 'float', 'bool', 'string', 'timestamp', 'float']);
    const typedThere = JSON.parse((await keel(['--server', url, '--json', 'data', 'add', 'small-typed', small, '--type', 'k_const=float,i_int=string'])).stdout) as { version: string };
    expect(typedThere.version).toBe(typedHere.version);
    // Rows, here and through the server: the same page.
    const head = JSON.parse((await keel(['--server', url, '--json', 'data', 'head', 'small', '-n', '3', '--offset', '1', '--columns', 's_str,i_int'])).stdout) as { rows: unknown[][]; total: number };
    expect(head).toMatchObject({ total: 400, rows: [['red', 37], ['red', 41], ['gray', 53]] });
    const headText = (await keel(['--home', home, 'data', 'head', 'small', '-n', '2', '--columns', 'i_int,t_ts'])).stdout;
    expect(headText).toBe(`i_int  t_ts\n   56  2024-01-26T16:04:00.000Z\n   37  2024-01-21T08:56:00.000Z\nsmall@${v.version}: rows 1-2 of 400\n`);
    // --limit, the list commands' count flag, is an alias of --rows; both at once are refused.
    expect((await keel(['--home', home, 'data', 'head', 'small', '--limit', '2', '--columns', 'i_int,t_ts'])).stdout).toBe(headText);
    await expect(keel(['--home', home, 'data', 'head', 'small', '--limit', '2', '-n', '3'])).rejects.toMatchObject({ code: 2, stderr: 'error: --limit: is an alias of --rows: give one of them\n' });
    // FILE `-` reads stdin (it needs --format).
    const piped = await new Promise<string>((done, fail) => {
      const child = execFile(process.execPath, [KEEL_BIN, '--home', home, '--json', 'data', 'add', 'stdin-data', '-', '--format', 'csv'], (e, out) => (e ? fail(e) : done(out)));
      child.stdin!.end('a,b\n1,x\n2,y\n');
    });
    expect(JSON.parse(piped)).toMatchObject({ name: 'stdin-data', rows: 2 });
    const nothing = await new Promise<string>((done) => {
      const child = execFile(process.execPath, [KEEL_BIN, '--home', home, 'data', 'add', 'stdin-data', '-', '--format', 'csv'], (_e, _out, err) => done(err));
      child.stdin!.end();
    });
    expect(nothing).toBe("error: file: stdin ('-') is empty: nothing was piped in\n");
    expect(JSON.parse((await keel(['--home', home, '--json', 'data', 'ls', 'stdin-data'])).stdout)).toMatchObject([{ rows: 2, source: 'stdin' }]);
    // One column in full: its JSON is the column of `data show --json`; the text has every part.
    const column = JSON.parse((await keel(['--server', url, '--json', 'data', 'show', 'small', '--column', 's_str'])).stdout) as unknown;
    expect(column).toEqual(out.columns[3]);
    const f = (await keel(['--home', home, 'data', 'show', 'small', '--column', 'f_float'])).stdout;
    expect(f).toMatch(/^small@\w{12} {2}column f_float: float/);
    expect(f).toMatch(/quantiles {2}p01 .* p99 /);
    expect(f.split('\nhistogram\n')[1]!.split('\n\n')[0]!.split('\n')).toHaveLength(21);
    expect(f).toContain('\ntop values\nVALUE');
    const noColumn = await keel(['--home', home, 'data', 'show', 'small', '--column', 'nope']).then(() => '', (e: { stderr: string }) => e.stderr);
    expect(noColumn).toContain("no column 'nope' in small@");
    // Exported here and through the server, the same rows: the local CSV and the remote one agree byte for byte.
    const [localCsv, remoteCsv, remotePq] = [join(home, 'local.csv'), join(home, 'remote.csv'), join(home, 'remote.parquet')];
    expect(JSON.parse((await keel(['--home', home, '--json', 'data', 'export', 'small', localCsv])).stdout)).toMatchObject({ version: v.version, rows: 400, format: 'csv' });
    await keel(['--server', url, 'data', 'export', `small@${v.version}`, remoteCsv]);
    expect(readFileSync(remoteCsv, 'utf8')).toBe(readFileSync(localCsv, 'utf8'));
    expect(readFileSync(localCsv, 'utf8').split('\n')[0]).toBe('i_int,f_float,b_bool,s_str,t_ts,k_const,u_float');
    await keel(['--server', url, 'data', 'export', 'small', remotePq]);
    expect(readFileSync(remotePq).equals(readFileSync(await platform.datasets.parquetPath('small')))).toBe(true);
    const unknown = await keel(['--home', home, 'data', 'ls', 'nope']).then(() => undefined, (e: { stderr: string }) => e.stderr);
    expect(unknown).toContain("dataset 'nope' not found");
  });

  it('data add --json carries created and notes, the documented shape, here and through --server', async () => {
    const repeats = join(home, 'repeats-json.csv');
    writeFileSync(repeats, 'a,a\n1,2\n');
    // Other stores: this test's lists only 'small'.
    for (const where of [['--home', join(home, 'add-json-store')], ['--server', other.url]]) {
      const add = async () => JSON.parse((await keel([...where, '--json', 'data', 'add', 'rep', repeats])).stdout) as Record<string, unknown>;
      const first = await add();
      expect(Object.keys(first)).toEqual(['name', 'version', 'rows', 'columns', 'created', 'notes']);
      expect(first).toMatchObject({ name: 'rep', rows: 1, created: true, notes: ["column 2 'a' repeats the name of column 1, so it is named 'a_1'"] });
      const again = await add();
      expect(again).toMatchObject({ version: first.version, created: false });
      // Nothing noted: an empty list, the same keys.
      const plain = JSON.parse((await keel([...where, '--json', 'data', 'add', 'small', small])).stdout) as Record<string, unknown>;
      expect(plain).toMatchObject({ created: true, notes: [] });
    }
  });

  it('adds a gzipped CSV through --server, and gzipped stdin, as it adds the local .csv.gz', async () => {
    const gz = join(home, 'base.csv.gz');
    writeFileSync(gz, gzipSync('a,b\n1,x\n2,y\n'));
    const local = JSON.parse((await keel(['--home', join(home, 'gz-store'), '--json', 'data', 'add', 'z-gz', gz])).stdout) as { version: string; rows: number };
    expect(local.rows).toBe(2);
    for (const format of [[], ['--format', 'csv']]) {
      const remote = JSON.parse((await keel(['--server', url, '--json', 'data', 'add', 'z-gz', gz, ...format])).stdout) as { version: string };
      expect(remote.version).toBe(local.version);
    }
    expect(JSON.parse((await keel(['--server', url, '--json', 'data', 'ls', 'z-gz'])).stdout)).toMatchObject([{ version: local.version, rows: 2, source: 'upload:base.csv.gz' }]);
    for (const where of [['--home', join(home, 'gz-stdin')], ['--server', url]]) {
      const piped = await new Promise<string>((done, fail) => {
        const child = execFile(process.execPath, [KEEL_BIN, ...where, '--json', 'data', 'add', 'z-gz-stdin', '-', '--format', 'csv'], (e, out, err) => (e ? fail(new Error(err)) : done(out)));
        child.stdin!.end(readFileSync(gz));
      });
      expect(JSON.parse(piped)).toMatchObject({ version: local.version, rows: 2 });
    }
  });

  it('data head shows whitespace-only strings quoted, here and through --server, as --json keeps them', async () => {
    const ws = join(home, 'ws.csv');
    writeFileSync(ws, 's,n\n" ",1\n"  ",2\n,3\n"x",4\n" a ",5\n"l1\nl2",6\n"""",7\n');
    const v = JSON.parse((await keel(['--home', home, '--json', 'data', 'add', 'z-ws', ws])).stdout) as { version: string };
    const json = JSON.parse((await keel(['--home', home, '--json', 'data', 'head', 'z-ws'])).stdout) as { rows: unknown[][] };
    expect(json.rows.map((r) => r[0])).toEqual([' ', '  ', null, 'x', ' a ', 'l1\nl2', '"']);
    // A missing value stays blank; the strings a table would hide are quoted, as JSON.
    const table = `s         n\n" "       1\n"  "      2\n          3\nx         4\n" a "     5\n"l1\\nl2"  6\n"\\""      7\nz-ws@${v.version}: rows 1-7 of 7\n`;
    expect((await keel(['--home', home, 'data', 'head', 'z-ws'])).stdout).toBe(table);
    expect((await keel(['--server', url, 'data', 'head', 'z-ws'])).stdout).toBe(table);
  });

  it('data show and data diff quote the top values a table would hide, as data head quotes its strings', async () => {
    const [one, two] = [join(home, 'top1.csv'), join(home, 'top2.csv')];
    writeFileSync(one, 's\n" "\n" "\n" "\nx\n" a "\n');
    writeFileSync(two, 's\n"  "\n"  "\nx\n');
    const add = async (file: string) => (JSON.parse((await keel(['--home', home, '--json', 'data', 'add', 'z-top', file])).stdout) as { version: string }).version;
    const va = await add(one);
    const vb = await add(two);
    const show = (await keel(['--home', home, 'data', 'show', `z-top@${va}`])).stdout.split('\n');
    expect(show[2]).toMatch(/^s +string +no +0 +3 +" " \(3\)$/);
    const column = (await keel(['--home', home, 'data', 'show', `z-top@${va}`, '--column', 's'])).stdout;
    expect(column.split('top values\n')[1]).toBe('VALUE  COUNT  SHARE\n" "        3  60.00 %\n" a "      1  20.00 %\nx          1  20.00 %\n');
    const diff = (await keel(['--server', url, 'data', 'diff', `z-top@${va}`, `z-top@${vb}`])).stdout.split('\n');
    expect(diff.slice(1, 5)).toEqual(['schema: unchanged', expect.stringMatching(/^1 column in both: 1 changed/), '', expect.stringMatching(/ NEW TOP +GONE TOP$/)]);
    // x, the one value in both top lists, moved from 1 of 5 to 1 of 3 (TOP SHARE).
    expect(diff[5]).toMatch(/^s +0\.7188 +12\.6754 +0\.0% → 0\.0% +3 → 2 +x 20\.0% → 33\.3% +"  " +" "," a "$/);
  });

  it('a version whose stored Parquet is corrupted or gone: DATA_CORRUPTED, exit 9, for head and export, here and through --server', async () => {
    const file = join(home, 'broken.csv');
    writeFileSync(file, 'a,b\n1,x\n2,y\n');
    const added = JSON.parse((await keel(['--home', home, '--json', 'data', 'add', 'z-broken', file])).stdout) as { version: string };
    const v = await platform.datasets.get(`z-broken@${added.version}`);
    const blob = join(home, 'artifacts', v.artifactSha256.slice(0, 2), v.artifactSha256.slice(2));
    const failure = (args: string[]) => keel(args).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
    for (const [damage, what] of [[() => writeFileSync(blob, 'not parquet'), 'failed its integrity check'], [() => rmSync(blob), 'is missing from the artifact store']] as const) {
      damage();
      const expected = { code: 9, stderr: `error: z-broken@${v.version}: its stored Parquet (artifact ${v.artifactSha256}) ${what}\n` };
      for (const where of [['--home', home], ['--server', url]]) {
        expect(await failure([...where, 'data', 'head', 'z-broken'])).toEqual(expected);
        expect(await failure([...where, 'data', 'export', 'z-broken', join(home, 'broken-out.parquet')])).toEqual(expected);
      }
    }
  });

  it('the SDK adds, lists, diffs and downloads over HTTP', async () => {
    const client = new KeelClient({ baseUrl: url });
    const file = join(home, 'two.csv');
    writeFileSync(file, 'i_int,extra\n1,x\n2,y\n');
    const events: { task: string; done: number; total?: number; message?: string }[] = [];
    const v2 = await client.datasets.add('small', file, { onProgress: (e) => events.push(e) });
    expect(events.at(-1)).toEqual({ task: 'upload', done: 1, total: 1, message: 'sent; the server computes' });
    const latin = join(home, 'latin1.csv');
    writeFileSync(latin, Buffer.from('i_int,city\n1,K\xf6ln\n', 'latin1'));
    expect((await client.datasets.rows(`z-latin@${(await client.datasets.add('z-latin', latin, { encoding: 'latin-1' })).version}`)).rows).toEqual([[1, 'Köln']]);
    const semi = join(home, 'semi.csv');
    writeFileSync(semi, 'i_int;city\n2;Bonn\n');
    expect((await client.datasets.rows(`z-semi@${(await client.datasets.add('z-semi', semi, { delimiter: ';' })).version}`)).rows).toEqual([[2, 'Bonn']]);
    // Short rows: refused, the advice said as the CLI's flag through --server; filled when asked.
    const short = join(home, 'short.csv');
    writeFileSync(short, 'i_int,city\n3\n4,Ulm\n');
    expect((await client.datasets.rows(`z-short@${(await client.datasets.add('z-short', short, { fillShortRows: true })).version}`)).rows).toEqual([[3, null], [4, 'Ulm']]);
    await expect(keel(['--server', url, 'data', 'add', 'z-short', short])).rejects.toMatchObject({ stderr: expect.stringContaining('as pandas does: --fill-short-rows)') });
    expect(JSON.parse((await keel(['--server', url, '--json', 'data', 'add', 'z-short', short, '--fill-short-rows'])).stdout)).toMatchObject({ rows: 2 });
    expect(v2.rows).toBe(2);
    expect((await client.datasets.list())[0]).toMatchObject({ name: 'small', versions: 2, latest: v2.version });
    expect((await client.datasets.versions('small')).length).toBe(2);
    const d = await client.datasets.diff('small@' + (await client.datasets.versions('small'))[1]!.version, 'small');
    expect(d.schema.added).toEqual([{ name: 'extra', type: 'string' }]);
    expect(d.schema.removed.map((c) => c.name)).toEqual(['f_float', 'b_bool', 's_str', 't_ts', 'k_const', 'u_float']);
    // Names with a comma or a backslash in them, in every list, arrive whole (the client escapes
    // them, the server splits at the other commas); a missing-value spelling is never split.
    const odd = join(home, 'odd.csv');
    writeFileSync(odd, 'id;"a,b";c\\d;e\n1;2;n,a;x\n2;3;z;y\n');
    const oddV = await client.datasets.add('z-odd', odd, { delimiter: ';', columns: ['a,b', 'c\\d', 'id'], types: { 'a,b': 'float', id: 'string' }, na: ['n,a'] });
    expect(oddV.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['id:string:0', 'a,b:float:0', 'c\\d:string:1']);
    expect((await client.datasets.rows(`z-odd@${oddV.version}`, { columns: ['c\\d', 'a,b'] })).rows).toEqual([[null, 2], ['z', 3]]);
    const bare = join(home, 'bare.csv');
    writeFileSync(bare, '1,2\n');
    expect((await client.datasets.add('z-odd', bare, { names: ['x,y', 'z'] })).columns.map((c) => c.name)).toEqual(['x,y', 'z']);
    const dest = join(home, 'dl.parquet');
    await client.datasets.download('small', dest);
    expect(readFileSync(dest).equals(readFileSync(await platform.datasets.parquetPath('small')))).toBe(true);
    await expect(client.datasets.get('small@000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.datasets.download('small@000000000000', join(home, 'none.parquet'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(join(home, 'none.parquet'))).toBe(false);
    await expect(client.datasets.download('small', join(home, 'no-such-dir', 'x.parquet'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('cannot write') });
    expect(readdirSync(home).filter((f) => f.includes('.keel-tmp-'))).toEqual([]);
    await expect(client.datasets.add('small', join(home, 'nope.csv'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'file' });
    // A folder or a glob goes up as one multipart body: the same version as a local add of it.
    const parts = join(home, 'parts');
    mkdirSync(join(parts, '2026'), { recursive: true });
    writeFileSync(join(parts, '2026', 'p1.csv'), 'x,y\n1,a\n2,b\n');
    writeFileSync(join(parts, '2026', 'p2 ü.csv'), 'x,y\n3,ü\n');
    writeFileSync(join(parts, '_SUCCESS'), '');
    const remote = await client.datasets.add('parts', parts);
    expect(remote).toMatchObject({ rows: 3, source: 'upload:2 files (p1.csv ... p2 ü.csv)' });
    expect((await client.datasets.rows('parts')).rows).toEqual([[1, 'a'], [2, 'b'], [3, 'ü']]);
    expect((await platform.datasets.add('parts-local', parts)).version).toBe(remote.version);
    expect((await client.datasets.add('parts', join(parts, '*', 'p1.csv'))).rows).toBe(2);
    await expect(client.datasets.add('parts', join(parts, '*.nothing'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no file matches') });
    // The server refuses the name before it reads the 16 MB body: its answer, not a broken pipe, is the error.
    const big = join(home, 'big.csv');
    writeFileSync(big, `a\n${'1\n'.repeat(8 << 20)}`);
    // In the words the local add uses.
    const badName = "name: invalid dataset name 'no/such name': use letters, digits, '.', '_' and '-' (no path characters, at most 128)";
    await expect(platform.datasets.add('no/such name', big)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: badName });
    await expect(client.datasets.add('no/such name', big)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: badName, field: 'name' });
    await expect(new KeelClient({ baseUrl: 'http://127.0.0.1:9' }).datasets.add('small', file)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    // Ctrl-C during an upload, or before it, stops it: CANCELLED. (Once the whole file is sent
    // the server may finish the add; before, it keeps nothing.)
    const stop = new AbortController();
    const uploading = client.datasets.add('cancelled-midway', big, { signal: stop.signal });
    setTimeout(() => stop.abort(), 5);
    await expect(uploading).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(client.datasets.add('cancelled', big, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(client.datasets.get('cancelled')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("exports to '-' (stdout), through a symlink and into a FIFO, locally and through --server", async () => {
    const csv = 'id,x,ts\n1,1.5,2020-03-09 21:34:14.204\n2,,2044-05-29 12:48:13\n';
    const source = join(home, 'cust.csv');
    writeFileSync(source, csv);
    const v = await platform.datasets.add('cust', source);
    const parquet = readFileSync(await platform.datasets.parquetPath('cust'));
    const keelBytes = (args: readonly string[]) =>
      new Promise<{ stdout: Buffer; stderr: string }>((done, fail) =>
        execFile(process.execPath, [KEEL_BIN, ...args], { encoding: 'buffer' }, (e, stdout, stderr) => (e ? fail(e) : done({ stdout, stderr: stderr.toString() })))
      );
    for (const where of [['--home', home], ['--server', url]]) {
      // '-' is stdout, as data add reads it as stdin: the data alone, CSV unless --format says.
      expect(await keelBytes([...where, 'data', 'export', 'cust', '-'])).toEqual({ stdout: Buffer.from(csv), stderr: '' });
      const nd = (await keelBytes([...where, '--json', 'data', 'export', 'cust', '-', '--format', 'ndjson'])).stdout.toString();
      expect(nd).toBe('{"id":1,"x":1.5,"ts":"2020-03-09T21:34:14.204Z"}\n{"id":2,"x":null,"ts":"2044-05-29T12:48:13.000Z"}\n');
      expect((await keelBytes([...where, 'data', 'export', 'cust', '-', '--format', 'parquet'])).stdout.equals(parquet)).toBe(true);
      // A symlink is followed: the target is written and the link stays.
      const real = mkdtempSync(join(home, 'real-'));
      writeFileSync(join(real, 'target.csv'), 'old\n');
      const link = join(real, 'link.csv');
      symlinkSync(join(real, 'target.csv'), link);
      await keel([...where, 'data', 'export', 'cust', link]);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(real, 'target.csv'), 'utf8')).toBe(csv);
      // A FIFO is written in place: its reader gets the rows, and it stays a FIFO.
      for (const format of ['csv', 'parquet']) {
        const fifo = join(real, `out.${format}`);
        expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
        const [read] = await Promise.all([readFile(fifo), keel([...where, 'data', 'export', 'cust', fifo])]);
        expect(format === 'csv' ? read.toString() : read.equals(parquet)).toBe(format === 'csv' ? csv : true);
        expect(statSync(fifo).isFIFO()).toBe(true);
      }
      expect(readdirSync(real).sort()).toEqual(['link.csv', 'out.csv', 'out.parquet', 'target.csv']);
    }
    // What /dev/stdout is (a link to /proc/self/fd/1, here one of the test's own, never /dev/stdout
    // itself: as root, the bug replaced it), with stdout a pipe: written in place, the link kept.
    const own = join(home, 'own-stdout');
    symlinkSync('/proc/self/fd/1', own);
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${KEEL_BIN}" --home "${home}" data export cust "${own}" --format csv | cat`], { encoding: 'utf8' });
    // The rows alone: the summary line, read as one more row there, goes to stderr.
    expect(piped.stdout).toBe(csv);
    expect(piped.stderr).toBe(`cust@${v.version}: 2 rows written to ${own} (csv)\n`);
    expect(lstatSync(own).isSymbolicLink()).toBe(true);
  });

  // Last: the tests above list this store's datasets.
  it('data ls diff lists the dataset named diff, here and through --server', async () => {
    const file = join(home, 'diff.csv');
    writeFileSync(file, 'a\n1\n');
    const v = JSON.parse((await keel(['--home', home, '--json', 'data', 'add', 'diff', file])).stdout) as { version: string };
    for (const where of [['--home', home], ['--server', url]]) {
      expect(JSON.parse((await keel([...where, '--json', 'data', 'ls', 'diff'])).stdout)).toMatchObject([{ name: 'diff', version: v.version, rows: 1 }]);
    }
  });
});
