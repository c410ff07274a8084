import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { verifyWebhookSignature } from '../../monitoring/index.js';
import { openPlatform, type Platform } from '../platform.js';
import { createApiServer } from '../server.js';

const H = 3_600_000;
const FIRST = 'first-signing-secret-4f9a';
const SECOND = 'second-signing-secret-b7c2';

/** A local receiver keeping every delivery's raw body and headers. */
async function startReceiver(): Promise<{ server: Server; url: string; received: { url: string; body: string; headers: IncomingHttpHeaders }[] }> {
  const received: { url: string; body: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ url: req.url!, body, headers: req.headers });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

// A webhook's secret is write-only (as GitHub's and Stripe's are): no answer carries it, and a
// definition sent back without it keeps signing with the stored one.
describe('monitor webhook secrets over HTTP', () => {
  let platform: Platform;
  let app: FastifyInstance;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  // Every line the server logs, request logs included.
  const logged: string[] = [];
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-mon-secret-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), pino({ level: 'debug' }, { write: (line: string) => void logged.push(line) }));
    app = await createApiServer(platform, { accessLog: true });
    hook = await startReceiver();
    // Busy, quiet, busy, quiet hours: the `count > 5` rule fires, resolves, fires, resolves, one delivery per run.
    const log = platform.monitoring.createLogger({ now: () => 0 });
    for (let h = 0; h < 4; h++) {
      for (let i = 0; i < (h % 2 === 0 ? 10 : 2); i++) log.log({ requestId: `s${h}-${i}`, timestamp: h * H + i * 1000, modelName: 'm', modelVersion: 1, deployment: 'sec-svc', variant: null, inputs: { x: i }, outputs: { probability: 0.5 }, latencyMs: 2 });
    }
    await log.close();
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
    if (hook) await new Promise((r) => hook.server.close(r));
  });

  const get = async (url: string) => (await app.inject({ method: 'GET', url })).body;
  const put = (payload: object) => app.inject({ method: 'PUT', url: '/api/v1/monitors/sec', payload });
  const run = async (now: number) => (await app.inject({ method: 'POST', url: '/api/v1/monitors/sec/run', payload: { now } })).json();
  const last = () => hook.received[hook.received.length - 1]!;
  const signedWith = (secret: string) => verifyWebhookSignature({ secret, body: last().body, signature: last().headers['x-keel-signature'] as string | undefined, now: JSON.parse(last().body).timestamp });

  it('answers a webhook as {url, secretSet} everywhere, keeps the secret over a PUT that leaves it out, replaces it, and removes it with null', async () => {
    const rule = { name: 'busy', metric: 'count', op: '>', threshold: 5 };
    const created = await app.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'sec', deployment: 'sec-svc', webhook: { url: hook.url, secret: FIRST }, rules: [rule] } });
    expect(created.statusCode).toBe(201);
    const answers = [created.body, await get('/api/v1/monitors/sec'), await get('/api/v1/monitors'), await get('/api/v1/monitors?deployment=sec-svc'), await get('/api/v1/monitor-status/sec')];
    for (const text of answers) {
      expect(text).not.toContain(FIRST);
      expect(text).toContain(`"webhook":{"url":"${hook.url}","secretSet":true}`);
    }

    // GET, edit, PUT: the answer sent back (secretSet and all) keeps the stored secret.
    const shown = JSON.parse(await get('/api/v1/monitors/sec'));
    const roundTrip = await put({ ...shown, minRows: 1 });
    expect([roundTrip.statusCode, roundTrip.body.includes(FIRST), roundTrip.json().rules[0].webhook]).toEqual([200, false, { url: hook.url, secretSet: true }]);
    expect((await run(H)).fired).toHaveLength(1);
    expect(last().headers['x-keel-event']).toBe('alert.firing');
    expect([signedWith(FIRST), signedWith(SECOND)]).toEqual([true, false]);

    // A secret given replaces it: the next delivery verifies with the new one only.
    const replaced = await put({ name: 'sec', deployment: 'sec-svc', rules: [{ ...rule, webhook: { url: hook.url, secret: SECOND } }] });
    expect([replaced.statusCode, replaced.body.includes(SECOND)]).toEqual([200, false]);
    expect((await run(2 * H)).resolved).toHaveLength(1);
    expect(last().headers['x-keel-event']).toBe('alert.resolved');
    expect([signedWith(FIRST), signedWith(SECOND)]).toEqual([false, true]);

    // A rule-level webhook left without its secret keeps it too.
    await put({ name: 'sec', deployment: 'sec-svc', rules: [{ ...rule, webhook: { url: hook.url } }] });
    expect((await run(3 * H)).fired).toHaveLength(1);
    expect(signedWith(SECOND)).toBe(true);

    // null removes it: the delivery goes unsigned, and answers say there is none.
    const removed = await put({ name: 'sec', deployment: 'sec-svc', rules: [{ ...rule, webhook: { url: hook.url, secret: null } }] });
    expect(removed.json().rules[0].webhook).toEqual({ url: hook.url, secretSet: false });
    expect((await run(4 * H)).resolved).toHaveLength(1);
    expect(last().headers['x-keel-signature']).toBeUndefined();

    // A URL the monitor does not have needs its secret (or null): nothing is stored.
    const moved = await put({ name: 'sec', deployment: 'sec-svc', rules: [{ ...rule, webhook: { url: 'https://hooks.example.com/elsewhere' } }] });
    expect([moved.statusCode, moved.json().error.code, moved.json().error.field]).toEqual([400, 'INVALID_ARGUMENT', 'rules[0].webhook.secret']);
    expect(JSON.parse(await get('/api/v1/monitors/sec')).rules[0].webhook.url).toBe(hook.url);
    const unsigned = await app.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'sec2', deployment: 'sec-svc', webhook: { url: hook.url } } });
    expect([unsigned.statusCode, unsigned.json().error.field]).toEqual([400, 'webhook.secret']);

    // Nothing else answers a secret either: alerts with their deliveries, runs, the OpenAPI document.
    for (const text of [await get('/api/v1/alerts?monitor=sec'), await get('/docs/json'), JSON.stringify(await run(5 * H))]) {
      expect(text).not.toContain(FIRST);
      expect(text).not.toContain(SECOND);
    }
    // Nor the server's log: requests, refusals, alerts fired and resolved.
    expect(logged.some((l) => l.includes('alert firing')) && logged.some((l) => l.includes('/api/v1/monitors/sec'))).toBe(true);
    expect(logged.filter((l) => l.includes(FIRST) || l.includes(SECOND))).toEqual([]);
  });

  it('answers and logs a webhook URL with its credentials masked, delivers to the real one, and keeps it over a round trip of the masked one', async () => {
    const PASSWORD = 'url-pa55word-61c0';
    const TOKEN = 'url-token-d93e';
    const real = hook.url.replace('http://', `http://hookuser:${PASSWORD}@`) + `?team=ml&token=${TOKEN}`;
    const masked = hook.url.replace('http://', 'http://hookuser:***@') + '?team=ml&token=***';
    const rule = { name: 'busy', metric: 'count', op: '>', threshold: 5 };
    const before = hook.received.length;
    const created = await app.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'cred', deployment: 'sec-svc', webhook: { url: real, secret: FIRST }, rules: [rule] } });
    expect(created.statusCode).toBe(201);
    expect(created.json().rules[0].webhook).toEqual({ url: masked, secretSet: true });
    // GET, edit, PUT the masked URL back: the stored real one stays, and deliveries reach it.
    const shown = JSON.parse(await get('/api/v1/monitors/cred'));
    const roundTrip = await app.inject({ method: 'PUT', url: '/api/v1/monitors/cred', payload: { ...shown, minRows: 1 } });
    expect([roundTrip.statusCode, roundTrip.json().rules[0].webhook]).toEqual([200, { url: masked, secretSet: true }]);
    expect((await platform.monitoring.store.getMonitor('cred'))!.rules[0]!.webhook).toEqual({ url: real, secret: FIRST });
    const ran = await app.inject({ method: 'POST', url: '/api/v1/monitors/cred/run', payload: { now: H } });
    expect(ran.json().fired).toHaveLength(1);
    const delivered = hook.received.slice(before);
    expect(delivered.map((d) => [d.url, d.headers.authorization])).toEqual([[`/hook?team=ml&token=${TOKEN}`, `Basic ${Buffer.from(`hookuser:${PASSWORD}`).toString('base64')}`]]);
    // A masked URL the monitor has no webhook for is refused.
    const stray = await app.inject({ method: 'POST', url: '/api/v1/monitors', payload: { name: 'cred2', deployment: 'sec-svc', webhook: { url: masked, secret: FIRST } } });
    expect([stray.statusCode, stray.json().error.field]).toEqual([400, 'webhook.url']);

    const answers = [created.body, roundTrip.body, ran.body, await get('/api/v1/monitors/cred'), await get('/api/v1/monitors'), await get('/api/v1/monitor-status/cred'), await get('/api/v1/alerts?monitor=cred'), stray.body];
    for (const text of [...answers, ...logged]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(TOKEN);
    }
    await app.inject({ method: 'DELETE', url: '/api/v1/monitors/cred' });
  });

  it('names the path parameter of a monitor or alert that is not found', async () => {
    const error = async (method: 'GET' | 'POST' | 'DELETE', url: string) => (await app.inject({ method, url })).json().error;
    expect(await error('GET', '/api/v1/monitors/nope')).toEqual({ code: 'NOT_FOUND', field: 'name', message: "name: monitor 'nope' not found" });
    expect(await error('DELETE', '/api/v1/monitors/nope')).toMatchObject({ code: 'NOT_FOUND', field: 'name' });
    expect(await error('POST', '/api/v1/monitors/nope/run')).toMatchObject({ code: 'NOT_FOUND', field: 'name' });
    expect(await error('GET', '/api/v1/monitors/nope/windows')).toMatchObject({ code: 'NOT_FOUND', field: 'name' });
    expect(await error('GET', '/api/v1/monitor-status/nope')).toMatchObject({ code: 'NOT_FOUND', field: 'target' });
    expect(await error('POST', '/api/v1/alerts/abcd1234/ack')).toEqual({ code: 'NOT_FOUND', field: 'id', message: "id: alert 'abcd1234' not found" });
  });
});
