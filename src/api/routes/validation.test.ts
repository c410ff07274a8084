import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, silentLogger } from '../../core/index.js';
import { openPlatform, type Platform } from '../platform.js';
import { createApiServer } from '../server.js';

describe('validation routes', () => {
  let platform: Platform;
  let app: FastifyInstance;
  let a: string, b: string;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-val-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
    writeFileSync(join(home, 'a.csv'), `x,c\n${Array.from({ length: 300 }, (_, i) => `${i},${i % 2 ? 'p' : 'q'}`).join('\n')}\n`);
    writeFileSync(join(home, 'b.csv'), `x,c\n${Array.from({ length: 300 }, (_, i) => `${i + 150},${i % 3 ? 'p' : 'r'}`).join('\n')}\n`);
    a = `d@${(await platform.datasets.add('d', join(home, 'a.csv'))).version}`;
    b = `d@${(await platform.datasets.add('d', join(home, 'b.csv'))).version}`;
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('infers and saves schemas, validates and computes drift', async () => {
    const inferred = (await app.inject({ method: 'POST', url: '/api/v1/schemas/infer', payload: { dataset: a } })).json();
    const saved = await app.inject({ method: 'POST', url: '/api/v1/schemas/d', payload: { schema: inferred } });
    expect(saved.statusCode).toBe(201);
    expect(saved.json().version).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/api/v1/schemas/d/versions' })).json().versions).toHaveLength(1);
    const v = (await app.inject({ method: 'POST', url: '/api/v1/validate', payload: { dataset: b, against: a } })).json();
    expect(v.report.anomalies.map((x: { column: string; kind: string }) => `${x.column}:${x.kind}`)).toEqual(['x:out_of_range', 'c:new_values', 'x:drift', 'c:drift']);
    const d = (await app.inject({ method: 'POST', url: '/api/v1/drift', payload: { reference: a, current: b, method: 'psi' } })).json();
    expect(d.columns.map((c: { test: string; drifted: boolean }) => [c.test, c.drifted])).toEqual([['psi', true], ['psi', true]]);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/schemas/d', payload: { schema: { format: 1, columns: [{ name: 'x', type: 'nope' }] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('schema.columns[0].type');
  });

  // They were dropped: `againts` validated against nothing, `treshold` computed drift at the default.
  it('refuses a body field it does not know, naming it; a schema stays the open document the CLI reads', async () => {
    const refused = async (url: string, payload: object) => {
      const r = await app.inject({ method: 'POST', url, payload });
      return [r.statusCode, r.json().error];
    };
    expect(await refused('/api/v1/validate', { dataset: b, againts: a })).toEqual([400, { code: 'INVALID_ARGUMENT', message: 'againts: no such body field', field: 'againts' }]);
    expect(await refused('/api/v1/drift', { reference: a, current: b, treshold: 0.5 })).toMatchObject([400, { field: 'treshold' }]);
    expect(await refused('/api/v1/schemas/infer', { dataset: a, maxDomain: 3 })).toMatchObject([400, { field: 'maxDomain' }]);
    expect(await refused('/api/v1/schemas/d', { schema: { format: 1, columns: [] }, sorce: 'x' })).toMatchObject([400, { field: 'sorce' }]);
    const schema = { format: 1, columns: [{ name: 'x', type: 'int', required: true, maxMissingRate: 0, note: 'kept' }], owner: 'team' };
    expect((await app.inject({ method: 'POST', url: '/api/v1/validate', payload: { dataset: a, schema } })).statusCode).toBe(200);
  });
});
