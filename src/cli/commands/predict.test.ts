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
      expect(JSON.parse(out.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: 'key', message: "key: no column 'nope' in d (columns: x, y)" } });
    }
  }, 60_000);

  it('names the field of a dataset input that does not exist the same here and through --server', async () => {
    const here = mkdtempSync(join(tmpdir(), 'keel-cli-predict-nope-'));
    for (const where of [['--home', server.home], ['--server', server.url]]) {
      const out = await runKeelInProcess([...where, '--json', 'predict', '--model', 'm/1', '--input', 'nope@latest', '--output', join(here, 'o.parquet')]);
      expect(out.exitCode).toBe(3);
      expect(JSON.parse(out.stderr)).toEqual({ error: { code: 'NOT_FOUND', field: 'ref', message: "ref: dataset 'nope' not found" } });
    }
  }, 60_000);
});
