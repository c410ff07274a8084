import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, silentLogger } from '../core/index.js';
import { openPlatform, type Platform } from './platform.js';
import { createApiServer } from './server.js';

describe('/docs: request bodies', () => {
  let platform: Platform;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-docs-bodies-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
  });
  afterAll(async () => platform?.close());

  // @fastify/swagger said every body required, where these routes take none as {} (noBodyAsEmpty).
  it('says the body of a route that takes none is optional, and every other body required', async () => {
    const app = await createApiServer(platform, { accessLog: false });
    type Operation = { requestBody?: Record<string, unknown> };
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const bodies = Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).filter(([, op]) => op.requestBody).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.requestBody!] as const));
    const optional = bodies.filter(([, body]) => body.required === false).map(([at]) => at);
    expect(optional.sort()).toEqual(['POST /api/v1/alerts/{id}/ack', 'POST /api/v1/artifacts/gc', 'POST /api/v1/monitors/{name}/run', 'POST /api/v1/train/{runId}/resume']);
    for (const [at, body] of bodies) {
      if (!optional.includes(at)) expect(body.required, at).toBe(true);
      // The mark that carries it from the route to the document is not left in the document.
      expect(Object.keys(body), at).not.toContain('x-keel-optional-body');
    }
    expect(JSON.stringify(spec)).not.toContain('x-keel-optional-body');
    // What it says is so: each is answered without a body.
    for (const at of optional) {
      const [method, path] = at.split(' ') as ['POST', string];
      const res = await app.inject({ method, url: path.replace(/\{[^}]+\}/g, 'nope') });
      expect(res.statusCode === 200 || res.json().error.code === 'NOT_FOUND', `${at}: ${res.body}`).toBe(true);
    }
    await app.close();
  });
});
