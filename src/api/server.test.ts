import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError, loadConfig, silentLogger } from '../core/index.js';
import type { AuthRequest, Authorizer } from '../auth/index.js';
import { createApiServer } from './server.js';
import { openPlatform, type Platform } from './platform.js';

describe('API server', () => {
  let platform: Platform;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
  });
  afterAll(async () => {
    await platform?.close();
  });

  it("answers /readyz 503 when the metadata store does not answer, without the database's own words", async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-ready-'));
    const closed = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    const app = await createApiServer(closed, { accessLog: false });
    await closed.store.close();
    const r = await app.inject({ method: 'GET', url: '/readyz' });
    expect([r.statusCode, r.json()]).toEqual([503, { status: 'unavailable', reason: 'the metadata store does not answer (the server log says why)' }]);
    await app.close();
  });

  it('serves health, readiness and OpenAPI docs', async () => {
    const app = await createApiServer(platform, { accessLog: false });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { openapi: string; paths: object };
    expect(spec.openapi).toMatch(/^3\./);
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    await app.close();
  });

  it('documents every operation at /docs/json: its success answer, and its errors by the one component', async () => {
    const app = await createApiServer(platform, { accessLog: false });
    type Operation = { summary?: string; responses: Record<string, { description: string; $ref?: string; content?: Record<string, unknown> }>; requestBody?: { content: Record<string, unknown> } };
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(['KeelError', 'MlflowError']));
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, path, op })));
    expect(operations.length).toBeGreaterThan(60);
    for (const { at, path, op } of operations) {
      const success = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
      // One success answer; the upload's two: 201 for a version it stored, 200 for one already stored.
      expect(success, at).toHaveLength(at === 'POST /api/v1/datasets/{name}/versions' ? 2 : 1);
      // A line in the list at /docs that says what the operation does.
      expect(op.summary, at).toMatch(/^[A-Z]/);
      // @fastify/swagger's own stand-in when a route declares no answer.
      for (const status of success) expect(op.responses[status]!.description, at).not.toBe('Default Response');
      const error = path.startsWith('/api/2.0/mlflow') ? 'MlflowError' : 'KeelError';
      for (const range of ['4XX', '5XX']) {
        expect(op.responses[range], `${at} ${range}`).toMatchObject({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${error}` } } } });
      }
    }
    const upload = spec.paths['/api/v1/datasets/{name}/versions']!.post!;
    expect(Object.keys(upload.responses)).toEqual(['200', '201', '4XX', '5XX']);
    expect(Object.keys(upload.requestBody!.content)).toEqual(['application/octet-stream', 'multipart/form-data']);
    expect(Object.keys(spec.paths['/api/v1/datasets/{name}/versions/{version}/parquet']!.get!.responses['200']!.content!)).toEqual(['application/vnd.apache.parquet']);
    expect(Object.keys(spec.paths['/api/v1/models/{name}']!.delete!.responses)).toEqual(['204', '4XX', '5XX']);
    // The MLflow-compatible routes are listed, tracking and artifacts as the registry's, once (not their /ajax-api copies).
    for (const path of ['/api/2.0/mlflow/runs/create', '/api/2.0/mlflow/registered-models/create', '/api/2.0/mlflow-artifacts/artifacts/{*}', '/healthz', '/readyz']) expect(Object.keys(spec.paths), path).toContain(path);
    expect(Object.keys(spec.paths).filter((path) => path.startsWith('/ajax-api'))).toEqual([]);
    await app.close();
  });

  it('writes every answer whole: a response schema documents it, never drops or retypes a field', async () => {
    const app = await createApiServer(platform, { accessLog: false });
    app.get('/listed', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'string' } } } } } }, async () => ({ a: 1, b: [2] }));
    expect((await app.inject({ method: 'GET', url: '/listed' })).body).toBe('{"a":1,"b":[2]}');
    // A real one: the add's answer holds notes (a column renamed) besides the version's fields.
    const added = await app.inject({ method: 'POST', url: '/api/v1/datasets/noted/versions?format=csv', headers: { 'content-type': 'text/csv' }, payload: 'a,a\n1,2\n' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ name: 'noted', rows: 1, notes: ["column 2 'a' repeats the name of column 1, so it is named 'a_1'"] });
    await app.close();
  });

  // A new route's body object is closed unless it says why not: each open one is listed here.
  it("closes every Keel JSON body's objects of known fields, at every level; the MLflow routes' stay open", async () => {
    const app = await createApiServer(platform, { accessLog: false });
    type Schema = { properties?: Record<string, Schema>; additionalProperties?: boolean | Schema; items?: Schema; anyOf?: Schema[] };
    type Body = { requestBody?: { content: Record<string, { schema: Schema }> } };
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Body>> };
    const open: string[] = [];
    const walk = (s: Schema, at: string): void => {
      if (s.properties && s.additionalProperties !== false) open.push(at);
      for (const [k, p] of Object.entries(s.properties ?? {})) walk(p, `${at}.${k}`);
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${at}.*`);
      if (s.items) walk(s.items, `${at}[]`);
      for (const alt of s.anyOf ?? []) walk(alt, at);
    };
    const bodies = Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, schema: op.requestBody?.content['application/json']?.schema })));
    const keel = bodies.filter((b) => b.at.includes(' /api/v1/') && b.schema);
    expect(keel.length).toBeGreaterThanOrEqual(17);
    for (const { at, schema } of keel) walk(schema!, at);
    // A monitor is checked, unknown keys refused, by parseMonitorConfig; a schema is a document the user edits.
    expect(open).toEqual(['POST /api/v1/monitors', 'PUT /api/v1/monitors/{name}', 'POST /api/v1/validate.schema', 'POST /api/v1/schemas/{name}.schema']);
    const mlflow = bodies.filter((b) => b.at.includes(' /api/2.0/mlflow/') && b.schema);
    expect(mlflow.length).toBeGreaterThan(20);
    for (const { at, schema } of mlflow) expect(schema!.additionalProperties, at).not.toBe(false);
    await app.close();
  });

  it('passes every route through the one auth hook, with the route permission', async () => {
    const seen: AuthRequest[] = [];
    const denyAll: Authorizer = {
      async authorize(req) {
        seen.push(req);
        throw new KeelError('PERMISSION_DENIED', `no access to ${req.method} ${req.url}`);
      },
    };
    const app = await createApiServer({ ...platform, authorizer: denyAll }, { accessLog: false });
    await app.ready();
    const routes = app.printRoutes({ commonPrefix: false });
    expect(routes.length).toBeGreaterThan(0);
    for (const url of ['/healthz', '/readyz', '/api/v1/datasets', '/docs/json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'PERMISSION_DENIED' } });
    }
    expect(seen.map((r) => r.url)).toContain('/api/v1/datasets');
    await app.close();
  });

  it("answers Fastify's own errors in the documented shape, with the code's status and the field named", async () => {
    const app = await createApiServer(platform, { accessLog: false });
    const answer = async (init: InjectOptions) => {
      const res = await app.inject(init);
      return { status: res.statusCode, type: res.headers['content-type'], body: res.json() as unknown };
    };
    expect(await answer({ method: 'GET', url: '/api/v1/nope?x=1' })).toEqual({
      status: 404,
      type: 'application/json; charset=utf-8',
      body: { error: { code: 'NOT_FOUND', message: "no route GET /api/v1/nope (the API's routes are listed at /docs)" } },
    });
    expect((await answer({ method: 'GET', url: '/api/v1/datasets/x/versions/latest/rows?limit=abc' })).body).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: "limit: the query parameter must be integer, got 'abc'", field: 'limit' },
    });
    expect((await answer({ method: 'GET', url: '/api/v1/alerts?state=open' })).body).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: "state: the query parameter must be one of firing, resolved, got 'open'", field: 'state' },
    });
    expect((await answer({ method: 'GET', url: '/api/v1/models/m/versions/0' })).body).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: 'version: the path parameter must be >= 1, got 0', field: 'version' },
    });
    expect(await answer({ method: 'POST', url: '/api/v1/train', payload: { target: 'y' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT', message: 'dataset: the body field is required', field: 'dataset' } },
    });
    expect((await answer({ method: 'POST', url: '/api/v1/train', payload: { dataset: 'd', target: 'y', split: { validFraction: 'half' } } })).body).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: "split.validFraction: the body field must be number, got 'half'", field: 'split.validFraction' },
    });
    const json = { 'content-type': 'application/json' };
    expect(await answer({ method: 'POST', url: '/api/v1/models', headers: json, payload: '{"name":' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT', message: 'body: not valid JSON (the content-type is application/json)', field: 'body' } },
    });
    expect(await answer({ method: 'POST', url: '/api/v1/models', headers: json, payload: '' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT', message: 'body: empty, where the content-type application/json promises a JSON value', field: 'body' } },
    });
    await app.close();
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a JSON route sent another content type, text/plain included; the uploads take any', async () => {
    const app = await createApiServer(platform, { accessLog: false });
    const answer = async (init: InjectOptions) => {
      const res = await app.inject(init);
      return { status: res.statusCode, body: res.json() as unknown };
    };
    const refused = (type: string) => ({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `content-type: '${type}' is not accepted here; send a JSON body (content-type application/json)`, field: 'content-type' } } });
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/xml', 'application/x-www-form-urlencoded']) {
      expect(await answer({ method: 'POST', url: '/api/v1/train', headers: { 'content-type': type }, payload: '{"dataset": "d", "target": "y"}' }), type).toEqual(refused(type));
    }
    expect(await answer({ method: 'POST', url: '/api/v1/monitors', headers: { 'content-type': 'text/plain' }, payload: '{"name": "m", "deployment": "d"}' })).toEqual(refused('text/plain'));
    // The MLflow-compatible routes answer as MLflow's server does: 400 INVALID_PARAMETER_VALUE.
    expect(await answer({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', headers: { 'content-type': 'text/plain' }, payload: '{"name": "e"}' })).toEqual({
      status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "content-type: 'text/plain' is not accepted here; send a JSON body (content-type application/json)", field: 'content-type' },
    });
    // The uploads still take a text/plain body as the file it is.
    expect((await answer({ method: 'POST', url: '/api/v1/datasets/plain/versions?format=csv', headers: { 'content-type': 'text/plain' }, payload: 'a,b\n1,2\n' })).status).toBe(201);
    await app.close();
  });

  it('answers an error of a route that had set a file content type as JSON', async () => {
    const app = await createApiServer(platform, { accessLog: false });
    app.get('/file', async (_req, reply) => {
      reply.type('application/vnd.apache.parquet').header('content-disposition', 'attachment; filename="x.parquet"');
      throw new KeelError('DATA_CORRUPTED', 'x failed its integrity check');
    });
    const res = await app.inject({ method: 'GET', url: '/file' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.json()).toEqual({ error: { code: 'DATA_CORRUPTED', message: 'x failed its integrity check' } });
    await app.close();
  });

  it('answers unknown errors with a plain 500 that leaks nothing', async () => {
    const app = await createApiServer(platform, { accessLog: false });
    app.get('/boom', async () => {
      throw new Error('secret connection string postgres://user:pw@host');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    await app.close();
  });
});
