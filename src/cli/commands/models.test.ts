import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeel, runKeelInProcess, startTestServer, type TestServer } from '../test-server.js';
import { KeelClient } from '../../client/index.js';

const tiny = fileURLToPath(new URL('../../registry/testdata/tiny.onnx', import.meta.url));

describe('keel models (end to end)', () => {
  let server: TestServer;
  let home: string;
  let url: string;
  let cards: string;
  beforeAll(async () => {
    server = await startTestServer('keel-cli-models-');
    ({ home, url } = server);
    // Lineage names only dataset versions that exist.
    writeFileSync(join(home, 'cards.csv'), 'a,y\n1,0\n2,1\n');
    const v = await server.platform.datasets.add('cards', join(home, 'cards.csv'));
    cards = `cards@${v.version}`;
  });
  afterAll(async () => {
    await server.close();
  });

  // Two process spawns only: each loads the whole CLI.
  it('registers a file locally, then reads the alias history through --server', async () => {
    const reg = await runKeel(['--home', home, '--json', 'models', 'register', 'fraud', tiny, '--metric', 'auc=0.9', '--tag', 'team=risk', '--dataset', cards]);
    const v = JSON.parse(reg.stdout) as { name: string; version: number; signature: { inputs: { name: string }[] }; metrics: Record<string, number>; lineage: object };
    expect(v).toMatchObject({ name: 'fraud', version: 1, metrics: { auc: 0.9 }, lineage: { datasetVersions: [cards] } });
    expect(v.signature.inputs.map((i) => i.name)).toEqual(['x']);
    await new KeelClient({ baseUrl: url }).registry.setAlias('fraud', 'champion', 1);
    const hist = await runKeel(['--server', url, '--json', 'models', 'history', 'fraud']);
    expect(JSON.parse(hist.stdout)).toMatchObject([{ kind: 'alias', alias: 'champion', from: null, to: 1, actor: 'local' }]);
  }, 120_000);

  // It named the registry's max_results (through --server, the route's maxResults), not the flag.
  it('refuses a models ls --limit past the registry\'s 1000, naming the flag, here and through --server', async () => {
    for (const where of [['--home', home], ['--server', url]]) {
      const out = await runKeelInProcess([...where, '--json', 'models', 'ls', '--limit', '5000']);
      expect(out.exitCode).toBe(2);
      expect(JSON.parse(out.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: '--limit', message: '--limit: at most 1000, got 5000' } });
    }
    const max = await runKeelInProcess(['--home', home, '--json', 'models', 'ls', '--max', '1001']);
    expect(JSON.parse(max.stderr)).toMatchObject({ error: { field: '--max', message: '--max: at most 1000, got 1001' } });
    expect((await runKeelInProcess(['--home', home, '--json', 'models', 'ls', '--limit', '1000'])).exitCode).toBe(0);
  }, 60_000);

  it('drives the registry through the SDK', async () => {
    const client = new KeelClient({ baseUrl: url });
    const onnx = new Uint8Array(readFileSync(tiny));
    const v2 = await client.registry.registerModel('fraud', { onnx, description: 'second' });
    expect(v2.version).toBe(2);
    await client.registry.setAlias('fraud', 'champion', 2);
    expect((await client.registry.resolve('fraud@champion')).version).toBe(2);
    expect(Buffer.from(await client.registry.downloadOnnx('fraud', 2)).equals(Buffer.from(onnx))).toBe(true);
    expect((await client.registry.transitionStage('fraud', 2, 'Staging')).stage).toBe('Staging');
    expect((await client.registry.listModels({ filter: "name LIKE 'fr%'" })).items.map((m) => m.name)).toEqual(['fraud']);
    expect((await client.registry.history('fraud', { alias: 'champion' })).map((h) => h.to)).toEqual([1, 2]);
    await expect(client.registry.getVersion('fraud', 9)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // downloadOnnx answers the server's error as every other call does: its code and field (a
    // version that is no number was INTERNAL, without a field).
    await expect(client.registry.downloadOnnx('fraud', 9)).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'version' });
    await expect(client.registry.downloadOnnx('fraud', Number.NaN)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'version', message: "version: the path parameter must be integer, got 'NaN'" });
  });

  it('inspects a registered version through --server, as the local store would', async () => {
    const inspected = await runKeel(['--server', url, '--json', 'models', 'inspect', 'fraud@champion']);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ file: 'fraud@champion', inputs: [{ name: 'x' }], sizeBytes: readFileSync(tiny).length });
  }, 60_000);

  it('refuses a missing .onnx file as bad input naming file, as data add does, locally and through --server', async () => {
    const missing = join(home, 'nope.onnx');
    const error = { code: 'INVALID_ARGUMENT', field: 'file', message: `file: cannot read '${missing}': no such file or directory (ENOENT)` };
    for (const where of [['--home', home], ['--server', url]]) {
      for (const args of [['models', 'register', 'fraud', missing], ['models', 'inspect', missing]]) {
        const r = await runKeelInProcess([...where, '--json', ...args]);
        expect([r.exitCode, JSON.parse(r.stderr).error]).toEqual([2, error]);
      }
    }
    // A file that is not ONNX is named as the argument and its path (register named source.onnx, the server's field; inspect 'onnx').
    const csv = join(home, 'rows.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    const notOnnx = { code: 'INVALID_ARGUMENT', field: 'file', message: `file: '${csv}' is not an ONNX model (index out of range: 1 + 8 > 8)` };
    for (const where of [['--home', home], ['--server', url]]) {
      for (const args of [['models', 'register', 'fraud', csv], ['models', 'inspect', csv]]) {
        const r = await runKeelInProcess([...where, '--json', ...args]);
        expect([r.exitCode, JSON.parse(r.stderr).error]).toEqual([2, notOnnx]);
      }
    }
    // A well-formed reference to a version that does not exist is still NOT_FOUND; one that is no reference, bad input.
    expect(JSON.parse((await runKeelInProcess(['--home', home, '--json', 'models', 'inspect', 'fraud/9'])).stderr).error.code).toBe('NOT_FOUND');
    expect(JSON.parse((await runKeelInProcess(['--home', home, '--json', 'models', 'inspect', 'no-dir/model'])).stderr).error.code).toBe('INVALID_ARGUMENT');
    expect((await server.platform.registry.resolve('fraud')).version).toBe(2);
  }, 60_000);
});
