import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, silentLogger } from '../../core/index.js';
import { openPlatform, type Platform } from '../platform.js';
import { createApiServer } from '../server.js';

type Schema = { type?: string; properties?: Record<string, Schema>; required?: string[]; anyOf?: Schema[]; enum?: unknown[]; const?: unknown; minimum?: number };
type Operation = { parameters?: { in: string; name: string; required?: boolean; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } };

/** A value that passes `s`, its required fields only: the body must not be what a route refuses first. */
function sample(s: Schema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf) return sample(s.anyOf[0]!);
  if (s.type === 'object' || s.properties) return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties![k]!)]));
  if (s.type === 'array') return [];
  if (s.type === 'integer' || s.type === 'number') return Math.max(1, s.minimum ?? 1);
  if (s.type === 'boolean') return true;
  return 'x';
}

describe('query parameters of the Keel routes', () => {
  let platform: Platform;
  let app: FastifyInstance;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-query-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  // They were read as if absent: ?limt=3 answered every model, as if the page were right.
  it('refuses a query parameter a route does not declare, naming it', async () => {
    for (const url of ['/api/v1/models?limt=3', '/api/v1/models?maxresults=5&filter=', '/api/v1/alerts?limt=3', '/api/v1/datasets?limt=3']) {
      const name = /[?&](maxresults|limt)=/.exec(url)![1]!;
      const res = await app.inject({ method: 'GET', url });
      expect([res.statusCode, res.json()], url).toEqual([400, { error: { code: 'INVALID_ARGUMENT', message: `${name}: no such query parameter`, field: name } }]);
    }
    // The declared ones still pass, and a value that fails its schema is still named as such.
    expect((await app.inject({ method: 'GET', url: '/api/v1/models?maxResults=5&filter=' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/alerts?limit=0' })).json().error.message).toBe('limit: the query parameter must be >= 1, got 0');
    const upload = await app.inject({ method: 'POST', url: '/api/v1/datasets/q/versions?format=csv&skiprows=2', headers: { 'content-type': 'text/csv' }, payload: 'a\n1\n' });
    expect([upload.statusCode, upload.json().error.message]).toEqual([400, 'skiprows: no such query parameter']);
    await expect(platform.datasets.versions('q')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  // One test over /docs/json, so that a route added later is held to it too.
  it('does so on every /api/v1 operation, those without a query schema included', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.entries(spec.paths).filter(([path]) => path.startsWith('/api/v1/')).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
    expect(operations.length).toBeGreaterThan(40);
    for (const { method, path, op } of operations) {
      const query = new URLSearchParams();
      for (const p of op.parameters ?? []) if (p.in === 'query' && p.required) query.set(p.name, String(sample(p.schema)));
      query.set('zzz', '1');
      const url = `${path.replace(/\{[^}]+\}/g, '1')}?${query}`;
      const json = op.requestBody?.content['application/json'];
      const res = await app.inject(json ? { method: method as 'POST', url, payload: sample(json.schema) as object } : { method: method as 'GET', url, ...(op.requestBody ? { headers: { 'content-type': 'text/csv' }, payload: 'a\n1\n' } : {}) });
      expect([res.statusCode, res.json()], `${method} ${url}`).toEqual([400, { error: { code: 'INVALID_ARGUMENT', message: 'zzz: no such query parameter', field: 'zzz' } }]);
    }
  });

  // MLflow's clients send parameters of newer MLflow versions; MLflow's server ignores those it does not read.
  it('leaves the MLflow-compatible routes lenient', async () => {
    for (const url of ['/api/2.0/mlflow/experiments/search?max_results=5&zzz=1', '/ajax-api/2.0/mlflow/registered-models/search?zzz=1', '/api/2.0/mlflow-artifacts/artifacts?zzz=1']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
  });
});
