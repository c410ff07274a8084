import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, silentLogger } from '../../core/index.js';
import { createApiServer, openPlatform, type Platform } from '../index.js';

describe('dataset names in paths', () => {
  let platform: Platform;
  let app: FastifyInstance;
  beforeAll(async () => {
    platform = await openPlatform(loadConfig({ env: {}, overrides: { home: mkdtempSync(join(tmpdir(), 'keel-api-names-')) } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('takes a name of up to 128 characters, and refuses a longer one naming the field, not with a bare 414', async () => {
    const longest = 'a'.repeat(128);
    const added = await app.inject({ method: 'POST', url: `/api/v1/datasets/${longest}/versions?format=csv`, headers: { 'content-type': 'text/csv' }, payload: 'x\n1\n' });
    expect(added.statusCode).toBe(201);
    expect((await app.inject(`/api/v1/datasets/${longest}`)).statusCode).toBe(200);
    const longer = await app.inject({ method: 'POST', url: `/api/v1/datasets/${'a'.repeat(129)}/versions?format=csv`, headers: { 'content-type': 'text/csv' }, payload: 'x\n1\n' });
    expect(longer.statusCode).toBe(400);
    expect(longer.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'name', message: expect.stringContaining('at most 128') } });
  });
});
