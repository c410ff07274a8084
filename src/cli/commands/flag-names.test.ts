import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelClient } from '../../client/index.js';
import { resumeTraining, trainingDeps } from '../../training/index.js';
import { runKeelInProcess, startTestServer, type TestServer } from '../test-server.js';

/**
 * keel train and keel data add name the flag the user typed in an error about its value, on the
 * local store and through --server alike (docs/errors.md); the SDK and the HTTP API keep their
 * field names (split.validFraction, params.max_depth, dateFormat), which is their contract.
 */
describe('keel train and keel data add name the flag typed', { timeout: 120_000 }, () => {
  let server: TestServer;
  let dir: string;
  const both = async (...args: string[]) => ({
    local: await runKeelInProcess(['--home', server.home, '--json', ...args]),
    remote: await runKeelInProcess(['--server', server.url, '--json', ...args]),
  });

  beforeAll(async () => {
    server = await startTestServer('keel-cli-flag-names-');
    dir = mkdtempSync(join(tmpdir(), 'keel-flag-names-work-'));
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 7},${'pq'[i % 2]},${i % 7 > 3 ? 1 : 0}`);
    writeFileSync(join(dir, 'tiny.csv'), `a,c,y\n${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'one.ndjson'), '{"a":1}\n');
    await server.platform.datasets.add('tiny', join(dir, 'tiny.csv'));
  });
  afterAll(async () => {
    await server.close();
  });

  it('keel train: --target, --features, --seed, --valid-fraction, --time-column, --param NAME, --features COLUMN', async () => {
    const train = ['train', '--dataset', 'tiny', '--no-register', '--no-progress'];
    const cases: [args: string[], flag: string, words: string][] = [
      [['--target', 'zz'], '--target', "no column 'zz' in dataset tiny@"],
      [['--target', 'y', '--features', 'a,zz'], '--features', "no column 'zz' in dataset tiny@"],
      [['--target', 'y', '--seed', '-1'], '--seed', 'expected an integer in [0, 4294967295], got -1'],
      [['--target', 'y', '--valid-fraction', '2'], '--valid-fraction', 'expected a fraction in [0, 1), got 2'],
      [['--target', 'y', '--time-column', 'zz'], '--time-column', "no column 'zz' in dataset tiny@"],
      [['--target', 'y', '--split', 'bogus'], '--split', "unknown split kind 'bogus'"],
      [['--target', 'y', '--param', 'max_depth=x'], '--param max_depth', 'expected an integer, got "x"'],
      [['--target', 'y', '--param', 'nope=1'], '--param nope', 'unknown gbdt param (known: '],
      // A linear model's string column: named by the flag that leaves it out.
      [['--target', 'y', '--model', 'linear'], '--features c', 'linear models take numeric columns only'],
    ];
    for (const [args, flag, words] of cases) {
      const { local, remote } = await both(...train, ...args);
      expect(remote, args.join(' ')).toEqual(local);
      expect([local.exitCode, JSON.parse(local.stderr)], args.join(' ')).toEqual([2, {
        error: { code: 'INVALID_ARGUMENT', field: flag, message: expect.stringContaining(`${flag}: ${words}`) as string },
      }]);
    }
    // The library and the SDK (over HTTP) keep the request's field names.
    const request = { dataset: 'tiny', target: 'y', model: 'gbdt', params: { max_depth: 'x' }, split: { kind: 'random' as const, validFraction: 2 } };
    const named = { field: 'params.max_depth', message: 'params.max_depth: expected an integer, got "x"' };
    await expect(server.platform.train(request)).rejects.toMatchObject(named);
    await expect(new KeelClient({ baseUrl: server.url }).training.train(request)).rejects.toMatchObject(named);
    const split = { ...request, params: {} };
    await expect(new KeelClient({ baseUrl: server.url }).training.train(split)).rejects.toMatchObject({ field: 'split.validFraction' });
  });

  it('a run that cannot be resumed: keel train --resume names --resume, the library, SDK and HTTP route runId', async () => {
    const finished = await server.platform.train({ dataset: 'tiny', target: 'y', model: 'gbdt', params: { n_estimators: 2 }, register: false });
    const refusal = { code: 'FAILED_PRECONDITION', field: 'runId', message: `runId: run '${finished.runId}' has already finished; there is nothing to resume` };
    const { local, remote } = await both('train', '--resume', finished.runId, '--no-progress');
    expect(remote).toEqual(local);
    expect([local.exitCode, JSON.parse(local.stderr)]).toEqual([5, { error: { ...refusal, field: '--resume', message: refusal.message.replace(/^runId/, '--resume') } }]);
    await expect(resumeTraining(finished.runId, trainingDeps(server.platform, server.home))).rejects.toMatchObject(refusal);
    await expect(new KeelClient({ baseUrl: server.url }).training.resume(finished.runId)).rejects.toMatchObject(refusal);
    const http = await fetch(`${server.url}/api/v1/train/${finished.runId}/resume`, { method: 'POST' });
    expect([http.status, (await http.json() as { error: unknown }).error]).toEqual([412, refusal]);
  });

  it('keel data add: --columns, --names, --type, --date-format, --delimiter, --no-header, --fill-short-rows', async () => {
    const csv = join(dir, 'tiny.csv');
    const ndjson = join(dir, 'one.ndjson');
    const cases: [args: string[], flag: string, message: string][] = [
      [[csv, '--columns', 'a,zz'], '--columns', "no column 'zz' in the file (columns: a, c, y)"],
      [[csv, '--names', 'p,q'], '--names', "2 names are given, but 'tiny.csv' has 3 columns"],
      [[csv, '--type', 'zz=int'], '--type', "no column 'zz' in the file (columns: a, c, y)"],
      [[csv, '--type', 'a=blob'], '--type', "column 'a': unknown type 'blob' (known: int, float, bool, string, timestamp)"],
      [[csv, '--date-format', '%Q'], '--date-format', 'expected a strptime format with a day, month or year in it (%d/%m/%Y, %m/%d/%Y %H:%M:%S), got "%Q"'],
      [[csv, '--delimiter', ';;;;;'], '--delimiter', 'expected one to four bytes, none a quote or a line break (\\t or tab for a tab), got ";;;;;"'],
      [[ndjson, '--no-header'], '--no-header', 'a header line applies to CSV only, not NDJSON'],
      [[ndjson, '--fill-short-rows'], '--fill-short-rows', 'filling short rows applies to CSV only, not NDJSON'],
    ];
    for (const [args, flag, message] of cases) {
      const { local, remote } = await both('data', 'add', 'added', ...args);
      expect(remote, args.join(' ')).toEqual(local);
      expect([local.exitCode, JSON.parse(local.stderr)], args.join(' ')).toEqual([2, { error: { code: 'INVALID_ARGUMENT', field: flag, message: `${flag}: ${message}` } }]);
    }
    // The argument NAME and the FILE stay named as they are.
    const badName = await both('data', 'add', 'no/pe', csv);
    expect(JSON.parse(badName.local.stderr).error).toMatchObject({ field: 'name' });
    expect(badName.remote).toEqual(badName.local);
    // The library and the SDK (over HTTP) keep the read options' names.
    await expect(server.platform.datasets.add('added', csv, { columns: ['a', 'zz'] })).rejects.toMatchObject({ field: 'columns' });
    await expect(new KeelClient({ baseUrl: server.url }).datasets.add('added', csv, { dateFormat: '%Q' })).rejects.toMatchObject({ field: 'dateFormat' });
    expect(await server.platform.datasets.list()).toMatchObject([{ name: 'tiny' }]);
  });
});
