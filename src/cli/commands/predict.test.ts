import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeel, runKeelInProcess, startTestServer, type TestServer } from '../test-server.js';

describe('keel predict (end to end)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('keel-cli-predict-');
    const rows = Array.from({ length: 200 }, (_, i) => `${i % 50},${i % 50 > 25 ? 1 : 0}`);
    writeFileSync(join(server.home, 'd.csv'), `x,y\n${rows.join('\n')}\n`);
    await server.platform.datasets.add('d', join(server.home, 'd.csv'));
    await server.platform.train({ dataset: 'd', target: 'y', model: 'gbdt', params: { n_estimators: 3 }, register: { name: 'm' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('with --server, scores a dataset of the server with a model of its registry, as it does on the store itself', async () => {
    const here = mkdtempSync(join(tmpdir(), 'keel-cli-predict-client-'));
    const args = (output: string) => ['--json', 'predict', '--model', 'm/1', '--input', 'd', '--output', output];
    const local = JSON.parse((await runKeel(['--home', server.home, ...args(join(here, 'local.parquet'))])).stdout) as { model: object; rows: number };
    // A home of its own that stays empty: nothing is read from, or made in, a local store.
    const remote = JSON.parse((await runKeel(['--home', join(here, 'home'), '--server', server.url, ...args(join(here, 'remote.parquet'))])).stdout) as { model: object; rows: number };
    expect(remote).toMatchObject({ model: { name: 'm', version: '1' }, rows: 200 });
    expect({ ...remote, output: '' }).toEqual({ ...local, output: '' });
    expect(existsSync(join(here, 'home'))).toBe(false);
    const scored = await server.platform.datasets.add('scored', join(here, 'remote.parquet'));
    expect(scored.rows).toBe(200);
  }, 60_000);

  // Parquet under a CSV name was written without a word, and pandas.read_csv then failed on it.
  it('refuses an --output named as another format than Parquet, before anything is read or written', async () => {
    const here = mkdtempSync(join(tmpdir(), 'keel-cli-predict-name-'));
    for (const name of ['scored.csv', 'scored.ndjson', 'scored.CSV.gz']) {
      const out = await runKeelInProcess(['--home', server.home, '--json', 'predict', '--model', 'm/1', '--input', 'd', '--output', join(here, name)]);
      expect(out.exitCode).toBe(2);
      expect(JSON.parse(out.stderr)).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: '--output' } });
      expect(out.stderr).toContain(`name the file .parquet, not .${name.split('.')[1]!.toLowerCase()}`);
      expect(existsSync(join(here, name))).toBe(false);
    }
    const ok = await runKeelInProcess(['--home', server.home, '--json', 'predict', '--model', 'm/1', '--input', 'd', '--output', join(here, 'scored.pq')]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(existsSync(join(here, 'scored.pq'))).toBe(true);
  }, 60_000);

  // It named the stored Parquet's path in the artifact store (or the temp download through --server).
  it('names a dataset input by the ref given in an error about its columns, here and through --server', async () => {
    const here = mkdtempSync(join(tmpdir(), 'keel-cli-predict-key-'));
    for (const where of [['--home', server.home], ['--server', server.url]]) {
      const out = await runKeelInProcess([...where, '--json', 'predict', '--model', 'm/1', '--input', 'd', '--output', join(here, 'o.parquet'), '--key', 'nope']);
      expect(out.exitCode).toBe(2);
      // It named `key`, which keel predict has no flag of.
      expect(JSON.parse(out.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: '--key', message: "--key: no column 'nope' in d (columns: x, y)" } });
    }
    // An input without the model's columns named `input`.
    writeFileSync(join(here, 'other.csv'), 'z,w\n1,2\n');
    const other = await runKeelInProcess(['--home', server.home, '--json', 'predict', '--model', 'm/1', '--input', join(here, 'other.csv'), '--output', join(here, 'o.parquet')]);
    expect([other.exitCode, JSON.parse(other.stderr).error]).toEqual([2, { code: 'INVALID_ARGUMENT', field: '--input', message: expect.stringMatching(/^--input: /) }]);
  }, 60_000);

  it('names the flag of a dataset input or a model that does not exist, or is malformed, the same here and through --server', async () => {
    const here = mkdtempSync(join(tmpdir(), 'keel-cli-predict-nope-'));
    const cases: [model: string, input: string, exitCode: number, error: object][] = [
      ['m/1', 'nope@latest', 3, { code: 'NOT_FOUND', field: '--input', message: "--input: dataset 'nope' not found" }],
      ['m/1', 'd@zz', 2, { code: 'INVALID_ARGUMENT', field: '--input', message: "--input: invalid dataset version 'zz': expected 12 hex characters (or the first 4 or more of them), 'latest' or 'latest~N'" }],
      ['nope', 'd', 3, { code: 'NOT_FOUND', field: '--model', message: '--model: Registered Model with name=nope not found' }],
      ['m@gone', 'd', 3, { code: 'NOT_FOUND', field: '--model', message: expect.stringMatching(/^--model: .*gone/) }],
      [join(here, 'none.onnx'), 'd', 3, { code: 'NOT_FOUND', field: '--model', message: `--model: ONNX file '${join(here, 'none.onnx')}' not found` }],
    ];
    for (const where of [['--home', server.home], ['--server', server.url]]) {
      for (const [model, input, exitCode, error] of cases) {
        const out = await runKeelInProcess([...where, '--json', 'predict', '--model', model, '--input', input, '--output', join(here, 'o.parquet')]);
        expect([out.exitCode, JSON.parse(out.stderr)], `${where[0]} ${model} ${input}`).toEqual([exitCode, { error }]);
      }
    }
  }, 60_000);
});
