import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError, loadConfig, silentLogger } from '../../core/index.js';
import { openPlatform, type Platform } from '../platform.js';
import { createApiServer } from '../server.js';

const H = 3_600_000;

describe('monitoring routes', () => {
  let platform: Platform;
  let app: FastifyInstance;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-mon-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
    const log = platform.monitoring.createLogger({ now: () => 0 });
    for (let i = 0; i < 10; i++) log.log({ requestId: `r${i}`, timestamp: i * 1000, modelName: 'm', modelVersion: 1, deployment: 'svc', variant: null, inputs: { x: i }, outputs: { probability: i / 10 }, latencyMs: 2 });
    await log.close();
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('takes feedback one at a time or in a batch, and names a missing field', async () => {
    const one = await app.inject({ method: 'POST', url: '/api/v1/feedback', payload: { requestId: 'r1', label: 1 } });
    expect(one.json()).toEqual({ stored: 1, matched: 1 });
    const many = await app.inject({ method: 'POST', url: '/api/v1/feedback', payload: { labels: [{ requestId: 'r2', label: 0 }, { requestId: 'r3', label: 1 }] } });
    expect(many.json()).toEqual({ stored: 2, matched: 2 });
    const bad = await app.inject({ method: 'POST', url: '/api/v1/feedback', payload: { label: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('requestId');
    const p = await app.inject({ method: 'GET', url: '/api/v1/predictions/r1' });
    expect(p.json()).toMatchObject({ requestId: 'r1', label: 1, outputs: { probability: 0.1 } });
  });

  // They were dropped: a label's `ts` was stored at the time of the call, `request_id` was a missing requestId.
  it('refuses a body field it does not know, naming its path; a monitor\'s run and an ack take no body at all', async () => {
    const refused = async (url: string, payload: object) => {
      const r = await app.inject({ method: 'POST', url, payload });
      return [r.statusCode, r.json().error];
    };
    expect(await refused('/api/v1/feedback', { labels: [{ requestId: 'r4', label: 1 }, { requestId: 'r5', label: 0, ts: 5 }] })).toEqual([400, { code: 'INVALID_ARGUMENT', message: 'labels[1].ts: no such body field', field: 'labels[1].ts' }]);
    expect(await refused('/api/v1/feedback', { request_id: 'r4', label: 1 })).toMatchObject([400, { field: 'request_id' }]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/predictions/r4' })).json().label).toBeUndefined();
    expect(await refused('/api/v1/monitors/nope/run', { nw: 1 })).toMatchObject([400, { field: 'nw' }]);
    expect(await refused('/api/v1/alerts/nope/ack', { note: 'x' })).toMatchObject([400, { field: 'note' }]);
    // Left out, the body is no field: the route answers for the monitor or alert.
    expect((await app.inject({ method: 'POST', url: '/api/v1/monitors/nope/run' })).json().error.code).toBe('NOT_FOUND');
    expect((await app.inject({ method: 'POST', url: '/api/v1/alerts/nope/ack' })).json().error.code).toBe('NOT_FOUND');
  });

  it('creates a monitor, runs it, and serves windows, status and alerts', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'svc-mon', deployment: 'svc', window: { size: '1h' }, task: 'binary', rules: [{ metric: 'count', op: '>', threshold: 5 }] } });
    expect(created.statusCode).toBe(201);
    expect(created.json().window).toEqual({ type: 'tumbling', sizeMs: H, slideMs: H, graceMs: 0 });
    const bad = await app.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'x', deployment: 'svc', window: { type: 'hopping' } } });
    expect(bad.json().error.field).toBe('window.type');
    const run = await app.inject({ method: 'POST', url: '/api/v1/monitors/svc-mon/run', payload: { now: H } });
    expect(run.json().evaluated).toHaveLength(1);
    const windows = await app.inject({ method: 'GET', url: '/api/v1/monitors/svc-mon/windows' });
    const [w] = windows.json().windows;
    expect(w).toMatchObject({ count: 10, labeledCount: 3 });
    expect(w.metrics['performance.accuracy']).toBeCloseTo(1 / 3, 12);
    const alerts = await app.inject({ method: 'GET', url: '/api/v1/alerts?deployment=svc' });
    expect(alerts.json().alerts.map((a: { rule: string }) => a.rule)).toEqual(['count']);
    const alertId = alerts.json().alerts[0].id as string;
    const ack = await app.inject({ method: 'POST', url: `/api/v1/alerts/${alertId.slice(0, 8)}/ack` });
    // The alert acknowledged, its id whole, whatever start of it the path gave.
    expect([ack.statusCode, ack.json()]).toEqual([200, { acknowledged: true, alert: expect.objectContaining({ id: alertId, acknowledgedAt: expect.any(Number) }) }]);
    const status = await app.inject({ method: 'GET', url: '/api/v1/monitor-status/svc' });
    expect(status.json().monitors[0].alerts[0].acknowledgedAt).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/api/v1/monitors/nope/windows' })).statusCode).toBe(404);
  });

  it('stores minRows from the body (default 30), answers it, replaces it on PUT, and refuses a bad one naming minRows', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'rows-mon', deployment: 'svc', minRows: 250 } });
    expect([created.statusCode, created.json().minRows]).toEqual([201, 250]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/monitors/rows-mon' })).json().minRows).toBe(250);
    const put = await app.inject({ method: 'PUT', url: '/api/v1/monitors/rows-mon', payload: { name: 'rows-mon', deployment: 'svc' } });
    expect(put.json().minRows).toBe(30);
    const bad = await app.inject({ method: 'PUT', url: '/api/v1/monitors/rows-mon', payload: { name: 'rows-mon', deployment: 'svc', minRows: -5 } });
    expect([bad.statusCode, bad.json().error.code, bad.json().error.field]).toEqual([400, 'INVALID_ARGUMENT', 'minRows']);
    const listed = (await app.inject({ method: 'GET', url: '/api/v1/monitors?deployment=svc' })).json().monitors;
    expect(listed.find((m: { name: string }) => m.name === 'rows-mon').minRows).toBe(30);
    await app.inject({ method: 'DELETE', url: '/api/v1/monitors/rows-mon' });
  });

  it('deletes a monitor, its firing alert resolved, not listed as firing', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'gone', deployment: 'svc', window: { size: '1h' }, rules: [{ metric: 'count', op: '>', threshold: 5 }] } });
    expect((await app.inject({ method: 'POST', url: '/api/v1/monitors/gone/run', payload: { now: H } })).json().fired).toHaveLength(1);
    const deleted = await app.inject({ method: 'DELETE', url: '/api/v1/monitors/gone' });
    expect([deleted.statusCode, deleted.json()]).toEqual([200, { resolvedAlerts: [expect.any(String)], deliveries: [] }]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/alerts?monitor=gone&state=firing' })).json().alerts).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/alerts?monitor=gone' })).json().alerts.map((a: { rule: string; state: string }) => [a.rule, a.state])).toEqual([['count', 'resolved']]);
  });

  it('pages a deployment\'s labeled predictions by event time or after a label cursor, and names half a cursor', async () => {
    const labeled = await app.inject({ method: 'GET', url: '/api/v1/predictions?deployment=svc&labeled=true&from=1000&to=4000' });
    expect(labeled.json().predictions.map((p: { requestId: string; label: unknown }) => [p.requestId, p.label])).toEqual([['r1', 1], ['r2', 0], ['r3', 1]]);
    const first = (await app.inject({ method: 'GET', url: '/api/v1/predictions?deployment=svc&labeled=true&labelCursorTs=-1&labelCursorRequestId=&limit=2' })).json().predictions;
    expect(first.map((p: { requestId: string }) => p.requestId)).toEqual(['r1', 'r2']);
    const next = await app.inject({ method: 'GET', url: `/api/v1/predictions?deployment=svc&labeled=true&labelCursorTs=${first[1].labeledAt}&labelCursorRequestId=r2&limit=2` });
    expect(next.json().predictions.map((p: { requestId: string }) => p.requestId)).toEqual(['r3']);
    const half = await app.inject({ method: 'GET', url: '/api/v1/predictions?deployment=svc&labelCursorTs=0' });
    expect([half.statusCode, half.json().error.field]).toEqual([400, 'labelCursorRequestId']);
  });

  it('prunes logged predictions before a cut-off (monitoring:admin), naming a missing before', async () => {
    const log = platform.monitoring.createLogger({ now: () => 0 });
    for (let i = 0; i < 4; i++) log.log({ requestId: `old${i}`, timestamp: i * 1000, modelName: 'm', modelVersion: 1, deployment: i < 3 ? 'retired' : 'kept', variant: null, inputs: { x: i }, outputs: { probability: 0.5 }, latencyMs: 2 });
    await log.close();
    const missing = await app.inject({ method: 'DELETE', url: '/api/v1/predictions' });
    expect([missing.statusCode, missing.json().error.field]).toEqual([400, 'before']);
    const pruned = await app.inject({ method: 'DELETE', url: '/api/v1/predictions?before=2000&deployment=retired' });
    expect([pruned.statusCode, pruned.json()]).toEqual([200, { deleted: 2, before: 2000 }]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/predictions/old1' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/predictions/old2' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/predictions/old3' })).statusCode).toBe(200);
    const writer = await createApiServer({
      ...platform,
      authorizer: {
        async authorize(r) {
          if (r.permission === 'monitoring:admin') throw new KeelError('PERMISSION_DENIED', 'writers may not prune');
          return { id: 'writer', kind: 'user' };
        },
      },
    }, { accessLog: false });
    try {
      expect((await writer.inject({ method: 'DELETE', url: '/api/v1/predictions?before=10000' })).statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/api/v1/predictions/old2' })).statusCode).toBe(200);
    } finally {
      await writer.close();
    }
  });

  it('asks for monitoring:admin to define a retrain command (it runs on the server)', async () => {
    const writer = await createApiServer({
      ...platform,
      authorizer: {
        async authorize(r) {
          if (r.permission === 'monitoring:admin') throw new KeelError('PERMISSION_DENIED', 'writers may not run commands');
          return { id: 'writer', kind: 'user' };
        },
      },
    }, { accessLog: false });
    try {
      const rule = { metric: 'count', op: '>', threshold: 1 };
      const denied = await writer.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'cmd', deployment: 'svc', rules: [{ ...rule, retrain: { command: 'rm -rf /' } }] } });
      expect(denied.statusCode).toBe(403);
      expect((await writer.inject({ method: 'GET', url: '/api/v1/monitors/cmd' })).statusCode).toBe(404);
      const allowed = await writer.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'no-cmd', deployment: 'svc', rules: [rule] } });
      expect(allowed.statusCode).toBe(201);
    } finally {
      await writer.close();
    }
  });
});
