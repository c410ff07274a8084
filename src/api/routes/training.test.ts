import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelClient } from '../../client/index.js';
import { loadConfig, silentLogger } from '../../core/index.js';
import { openPlatform, type Platform } from '../platform.js';
import { createApiServer } from '../server.js';

describe('training routes', () => {
  let platform: Platform;
  let app: FastifyInstance;
  let ref: string;
  let home: string;
  let listening: Promise<string> | undefined;
  const baseUrl = () => (listening ??= app.listen({ host: '127.0.0.1', port: 0 }));
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keel-train-api-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
    const rows = Array.from({ length: 300 }, (_, i) => `${(i * 37) % 100},${i % 3 === 0 ? 'a' : 'b'},${(i * 37) % 100 > 50 ? 1 : 0}`);
    writeFileSync(join(home, 'd.csv'), `x,c,y\n${rows.join('\n')}\n`);
    ref = `d@${(await platform.datasets.add('d', join(home, 'd.csv'))).version}`;
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('POST /api/v1/train trains, tracks and registers; the SDK client calls it', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/train', payload: { dataset: ref, target: 'y', params: { n_estimators: 5 } } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ dataset: ref, task: 'binary', model: 'gbdt', modelVersion: { name: 'd', version: 1 } });
    expect((await platform.tracking.getRun(body.runId)).info.status).toBe('FINISHED');

    const client = new KeelClient({ baseUrl: await baseUrl() });
    const viaSdk = await client.training.train({ dataset: ref, target: 'y', params: { n_estimators: 5 }, register: false });
    expect(viaSdk.metrics).toEqual(body.metrics);
    await expect(client.training.train({ dataset: ref, target: 'nope' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'target' });
    await expect(client.training.resume(body.runId)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('a metric with no value comes as "NaN", as keel train --json prints it, and the SDK makes it NaN again', async () => {
    // One row to validate on: ROC AUC needs both classes.
    writeFileSync(join(home, 'tiny.csv'), 'x,y\n1,0\n3,1\n5,0\n7,1\n');
    const tiny = `tiny@${(await platform.datasets.add('tiny', join(home, 'tiny.csv'))).version}`;
    const request = { dataset: tiny, target: 'y', params: { n_estimators: 2 }, register: false as const };
    const res = await app.inject({ method: 'POST', url: '/api/v1/train', payload: request });
    expect(res.statusCode).toBe(200);
    expect(res.json().metrics.valid.roc_auc).toBe('NaN');
    const viaSdk = await new KeelClient({ baseUrl: await baseUrl() }).training.train(request);
    expect(viaSdk.metrics.valid.roc_auc).toBeNaN();
    expect(typeof viaSdk.metrics.valid.accuracy).toBe('number');
  });

  it('bad input is a 400 naming the field', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/train', payload: { dataset: ref, target: 'y', params: { n_estimators: 'lots' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toContain('n_estimators');
  });

  // DatasetService names its own argument (`ref`); the request names it `dataset`.
  it('a dataset that does not exist is a 404 naming the body field dataset', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/train', payload: { dataset: 'nope', target: 'y' } });
    expect([res.statusCode, res.json().error]).toEqual([404, { code: 'NOT_FOUND', message: "dataset: dataset 'nope' not found", field: 'dataset' }]);
  });

  // They were dropped, and the run trained without them: a typo or a field at the wrong level trained something else than asked.
  it('refuses a body field it does not know, at any level, naming its path; params stay free-form', async () => {
    const runs = async () => (await platform.tracking.searchRuns({ experimentIds: ['0'] })).runs.length;
    const before = await runs();
    expect(before).toBeGreaterThan(0);
    const refused = async (url: string, payload: object) => {
      const r = await app.inject({ method: 'POST', url, payload });
      return [r.statusCode, r.json().error];
    };
    const body = { dataset: ref, target: 'y', params: { n_estimators: 2 } };
    expect(await refused('/api/v1/train', { ...body, maxDepth: 3 })).toEqual([400, { code: 'INVALID_ARGUMENT', message: 'maxDepth: no such body field', field: 'maxDepth' }]);
    expect(await refused('/api/v1/train', { ...body, split: { kind: 'random', knd: 'time' } })).toEqual([400, { code: 'INVALID_ARGUMENT', message: 'split.knd: no such body field', field: 'split.knd' }]);
    expect(await refused('/api/v1/train', { ...body, register: { name: 'm', alias: 'champion' } })).toMatchObject([400, { field: 'register.alias' }]);
    expect(await refused('/api/v1/train/nope/resume', { checkpoint_every: 5 })).toMatchObject([400, { message: 'checkpoint_every: no such body field' }]);
    expect(await runs()).toBe(before);
    // A param's name is the model's business: the trainer names an unknown one.
    expect(await refused('/api/v1/train', { ...body, params: { max_dpth: 3 } })).toMatchObject([400, { field: expect.stringContaining('max_dpth') }]);
    // A resume's body may be left out, as a monitor's run and an alert's acknowledgement may.
    expect((await app.inject({ method: 'POST', url: '/api/v1/train/nope/resume' })).json().error.code).toBe('NOT_FOUND');
    // Named as this route calls it (tracking's and MLflow's routes say run_id).
    const unknown = '0'.repeat(32);
    expect((await app.inject({ method: 'POST', url: `/api/v1/train/${unknown}/resume` })).json().error).toEqual({ code: 'NOT_FOUND', field: 'runId', message: `runId: Run with id=${unknown} not found` });
  });
});
