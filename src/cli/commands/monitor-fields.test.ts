import { describe, expect, it } from 'vitest';
import { KeelClient } from '../../client/index.js';
import { runKeelInProcess, startTestServer } from '../test-server.js';

const SECRET = 'cli-signing-secret-93d1';
const URL_PASSWORD = 'cli-url-password-5be2';
const URL_TOKEN = 'cli-url-token-0a7f';

describe('keel monitor: secrets and not-found fields, locally and through --server', () => {
  it.each([['locally', false], ['over HTTP', true]])('never prints a webhook secret %s, and names the argument of a monitor, alert or run not found', async (_how, remote) => {
    const server = await startTestServer('keel-cli-mon-fields-');
    try {
      const where = remote ? ['--server', server.url] : ['--home', server.home];
      const k = (...args: string[]) => runKeelInProcess([...where, '--json', ...args]);
      const created = await k('monitor', 'create', 'hooked', '--deployment', 'svc', '--rule', 'count > 5', '--webhook', 'https://hooks.example.com/keel', '--webhook-secret', SECRET);
      expect(created.exitCode, created.stderr).toBe(0);
      for (const out of [created, await k('monitor', 'ls'), await k('monitor', 'status', 'hooked')]) {
        expect(out.stdout).not.toContain(SECRET);
        expect(out.stdout).toContain('"secretSet": true');
      }
      // The stored one still signs: only the answers leave it out.
      expect((await server.platform.monitoring.store.getMonitor('hooked'))!.rules[0]!.webhook).toEqual({ url: 'https://hooks.example.com/keel', secret: SECRET });
      // A URL's credentials are shown masked, and stored as given.
      const withCredentials = `https://keel:${URL_PASSWORD}@hooks.example.com/keel?token=${URL_TOKEN}`;
      const masked = await k('monitor', 'create', 'creds', '--deployment', 'svc', '--rule', 'count > 5', '--webhook', withCredentials, '--webhook-secret', SECRET);
      expect(masked.exitCode, masked.stderr).toBe(0);
      for (const out of [masked, await k('monitor', 'ls'), await k('monitor', 'status', 'creds')]) {
        expect(out.stdout + out.stderr).not.toMatch(new RegExp(`${URL_PASSWORD}|${URL_TOKEN}`));
        expect(out.stdout).toContain('"url": "https://keel:***@hooks.example.com/keel?token=***"');
      }
      expect((await server.platform.monitoring.store.getMonitor('creds'))!.rules[0]!.webhook!.url).toBe(withCredentials);

      const field = async (...args: string[]) => {
        const r = await k(...args);
        return [r.exitCode, JSON.parse(r.stderr).error.field];
      };
      expect(await field('monitor', 'status', 'nope')).toEqual([3, 'deployment']);
      expect(await field('monitor', 'rm', 'nope')).toEqual([3, 'name']);
      expect(await field('monitor', 'run', 'nope')).toEqual([3, 'name']);
      expect(await field('alerts', 'ack', 'abcd1234')).toEqual([3, 'id']);
      expect(await field('train', '--resume', '0'.repeat(32))).toEqual([3, '--resume']);
    } finally {
      await server.close();
    }
  });

  it('the SDK answers monitors without the secret and the alert an ack acknowledged', async () => {
    const server = await startTestServer('keel-sdk-mon-fields-');
    try {
      const m = new KeelClient({ baseUrl: server.url }).monitoring;
      await m.createMonitor({ name: 'sdk', deployment: 'svc', webhook: { url: 'https://hooks.example.com/keel', secret: SECRET }, rules: [{ metric: 'count', op: '>', threshold: 0 }] });
      await m.createMonitor({ name: 'busy', deployment: 'svc', rules: [{ metric: 'count', op: '>', threshold: 0 }] });
      expect(JSON.stringify([await m.getMonitor('sdk'), await m.listMonitors()])).not.toContain(SECRET);
      expect((await m.getMonitor('sdk')).rules[0]!.webhook).toEqual({ url: 'https://hooks.example.com/keel', secretSet: true });
      // A URL's credentials masked; the masked URL sent back keeps the stored one.
      const withCredentials = `https://keel:${URL_PASSWORD}@hooks.example.com/keel?sig=${URL_TOKEN}`;
      const created = await m.createMonitor({ name: 'sdk-creds', deployment: 'svc', webhook: { url: withCredentials, secret: SECRET }, rules: [{ metric: 'count', op: '>', threshold: 0 }] });
      const updated = await m.updateMonitor({ ...(await m.getMonitor('sdk-creds')), minRows: 2 });
      for (const answer of [created, updated, await m.getMonitor('sdk-creds'), ...(await m.listMonitors())]) expect(JSON.stringify(answer)).not.toMatch(new RegExp(`${URL_PASSWORD}|${URL_TOKEN}`));
      expect(updated.rules[0]!.webhook).toEqual({ url: 'https://keel:***@hooks.example.com/keel?sig=***', secretSet: true });
      expect((await server.platform.monitoring.store.getMonitor('sdk-creds'))!.rules[0]!.webhook).toEqual({ url: withCredentials, secret: SECRET });
      await server.platform.monitoring.predictions.writeBatch([{ receivedAt: 1, record: { requestId: 'q', timestamp: 1, modelName: 'm', modelVersion: 1, deployment: 'svc', variant: null, inputs: {}, outputs: {}, latencyMs: 1 } }]);
      await server.platform.monitoring.runMonitor('busy', { now: 3_600_000 });
      const [alert] = await m.alerts({ monitor: 'busy' });
      expect(await m.acknowledgeAlert(alert!.id.slice(0, 8))).toMatchObject({ id: alert!.id, acknowledgedAt: expect.any(Number) });
    } finally {
      await server.close();
    }
  });
});
