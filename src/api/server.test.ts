import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('serves health, readiness and OpenAPI docs', async () => {
    const app = await createApiServer(platform, { accessLog: false });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { openapi: string; paths: object };
    expect(spec.openapi).toMatch(/^3\./);
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
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
