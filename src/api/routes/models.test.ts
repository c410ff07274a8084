import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, silentLogger } from '../../core/index.js';
import { openPlatform, type Platform } from '../platform.js';
import { createApiServer } from '../server.js';

const TINY = readFileSync(new URL('../../registry/testdata/tiny.onnx', import.meta.url));

describe('Keel model registry routes', () => {
  let platform: Platform;
  let app: FastifyInstance;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-models-api-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('registers an uploaded ONNX file, moves an alias, resolves it and serves the bytes back', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/models/tiny/versions', payload: { onnxBase64: TINY.toString('base64'), metrics: { auc: 0.9 }, tags: { k: 'v' } } });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ name: 'tiny', version: 1, metrics: { auc: 0.9 }, signature: { inputs: [{ name: 'x', type: 'float32', shape: [-1, 3] }] } });
    await app.inject({ method: 'POST', url: '/api/v1/models/tiny/versions', payload: { onnxBase64: TINY.toString('base64') } });
    expect((await app.inject({ method: 'PUT', url: '/api/v1/models/tiny/aliases/champion', payload: { version: 2 } })).statusCode).toBe(200);
    const resolved = await app.inject({ method: 'GET', url: `/api/v1/model-resolve?ref=${encodeURIComponent('tiny@champion')}` });
    expect(resolved.json().version).toBe(2);
    const bytes = await app.inject({ method: 'GET', url: '/api/v1/models/tiny/versions/2/onnx' });
    expect(Buffer.from(bytes.rawPayload).equals(TINY)).toBe(true);
    const versions = await app.inject({ method: 'GET', url: '/api/v1/models/tiny/versions' });
    expect(versions.json().items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const history = await app.inject({ method: 'GET', url: '/api/v1/models/tiny/history?alias=champion' });
    expect(history.json()).toMatchObject([{ kind: 'alias', alias: 'champion', from: null, to: 2, actor: 'local' }]);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/models/tiny/versions', payload: { onnxBase64: 'AAAA' } });
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'source.onnx']);
    expect((await app.inject({ method: 'GET', url: '/api/v1/models/nope' })).statusCode).toBe(404);
  });

  // They were named as MLflow's routes name them (page_token, order_by, max_results).
  it('names a refused search parameter as the query names it', async () => {
    const error = async (url: string) => {
      const r = await app.inject({ method: 'GET', url });
      return [r.statusCode, r.json().error];
    };
    expect(await error('/api/v1/models?pageToken=zzz')).toEqual([400, { code: 'INVALID_ARGUMENT', field: 'pageToken', message: "pageToken: Invalid page token 'zzz': it was not returned by a previous search" }]);
    expect(await error('/api/v1/models?orderBy=zz')).toMatchObject([400, { field: 'orderBy', message: expect.stringMatching(/^orderBy: invalid order_by clause 'zz'/) }]);
    expect(await error('/api/v1/models?maxResults=100000')).toEqual([400, { code: 'INVALID_ARGUMENT', field: 'maxResults', message: 'maxResults: the query parameter must be <= 1000, got 100000' }]);
    expect(await error('/api/v1/models/tiny/versions?maxResults=300000')).toMatchObject([400, { field: 'maxResults', message: 'maxResults: the query parameter must be <= 200000, got 300000' }]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/models/tiny/versions?maxResults=1001' })).statusCode).toBe(200);
    expect(await error('/api/v1/models/tiny/versions?orderBy=zz')).toMatchObject([400, { field: 'orderBy' }]);
    expect(await error('/api/v1/models?filter=bogus')).toMatchObject([400, { field: 'filter' }]);
  });

  // What is not found is named as the route names it: the path's name, version or alias, or the whole ref.
  it('names the field of a model, version, alias or reference that does not exist', async () => {
    const notFound = async (url: string) => {
      const r = await app.inject({ method: 'GET', url });
      return [r.statusCode, r.json().error];
    };
    expect(await notFound('/api/v1/models/nope')).toEqual([404, { code: 'NOT_FOUND', message: 'Registered Model with name=nope not found', field: 'name' }]);
    expect(await notFound('/api/v1/models/tiny/versions/9')).toMatchObject([404, { field: 'version' }]);
    expect(await notFound('/api/v1/models/tiny/aliases/gone')).toMatchObject([404, { field: 'alias' }]);
    expect(await notFound('/api/v1/models/nope/aliases/gone')).toMatchObject([404, { field: 'name' }]);
    // A reference is one field, whichever of its parts is missing (these named name, version, alias).
    for (const ref of ['nope', 'nope@champion', 'tiny@gone', 'tiny/9', 'tiny/Production']) {
      expect(await notFound(`/api/v1/model-resolve?ref=${encodeURIComponent(ref)}`), ref).toMatchObject([404, { code: 'NOT_FOUND', field: 'ref', message: expect.stringMatching(/^ref: /) }]);
    }
    expect(await notFound('/api/v1/model-resolve?ref=tiny@9bad!')).toMatchObject([400, { code: 'INVALID_ARGUMENT', field: 'ref' }]);
  });

  // They were dropped: `descripton` made a model without a description, `new_name` renamed nothing.
  it('refuses a body field it does not know, at any level, naming its path; tags and metrics stay maps', async () => {
    const refused = async (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: object) => {
      const r = await app.inject({ method, url, payload });
      return [r.statusCode, r.json().error];
    };
    expect(await refused('POST', '/api/v1/models', { name: 'typo', descripton: 'x' })).toEqual([400, { code: 'INVALID_ARGUMENT', message: 'descripton: no such body field', field: 'descripton' }]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/models/typo' })).statusCode).toBe(404);
    expect(await refused('PATCH', '/api/v1/models/tiny', { new_name: 'other' })).toMatchObject([400, { field: 'new_name' }]);
    expect(await refused('POST', '/api/v1/models/tiny/versions/1/stage', { stage: 'Staging', archive: true })).toMatchObject([400, { field: 'archive' }]);
    expect(await refused('PUT', '/api/v1/models/tiny/aliases/x', { version: 1, force: true })).toMatchObject([400, { field: 'force' }]);
    const onnxBase64 = TINY.toString('base64');
    const signature = { inputs: [{ name: 'x', type: 'float32', shape: [-1, 3], dtype: 'f' }], outputs: [] };
    expect(await refused('POST', '/api/v1/models/tiny/versions', { onnxBase64, signature })).toEqual([400, { code: 'INVALID_ARGUMENT', message: 'signature.inputs[0].dtype: no such body field', field: 'signature.inputs[0].dtype' }]);
    expect(await refused('POST', '/api/v1/models/tiny/versions', { onnxBase64, lineage: { run_id: 'r' } })).toMatchObject([400, { field: 'lineage.run_id' }]);
    const kept = await app.inject({ method: 'POST', url: '/api/v1/models', payload: { name: 'maps', tags: { 'any.key': 'v' } } });
    expect(kept.json().tags).toEqual({ 'any.key': 'v' });
  });
});
