import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseMonitorConfig } from './monitor-config.js';
import { deliverWebhook } from './webhook.js';
import { viewOfMonitor } from './webhook-secrets.js';
import { deliveryRequest, hasMaskedCredential, maskedUrl } from './webhook-urls.js';

describe('webhook URL credentials', () => {
  it('masks a password, a token as the user and credential query values, and leaves the rest as given', () => {
    expect(maskedUrl('https://user:s3cr%40t@hooks.example.com/hook')).toBe('https://user:***@hooks.example.com/hook');
    // An unencoded @ in the password: the last one before the host ends the user info.
    expect(maskedUrl('https://user:p@ss@hooks.example.com/hook')).toBe('https://user:***@hooks.example.com/hook');
    expect(maskedUrl('https://ghp_abc123@hooks.example.com/hook')).toBe('https://***@hooks.example.com/hook');
    expect(maskedUrl('https://h.example.com/hook?team=ml&token=t0k&api_key=k3y&sig=s1g&X-Amz-Signature=abc&Password=pw&a=b%20c'))
      .toBe('https://h.example.com/hook?team=ml&token=***&api_key=***&sig=***&X-Amz-Signature=***&Password=***&a=b%20c');
    expect(maskedUrl('https://h.example.com/hook?token=&x=1#token=frag')).toBe('https://h.example.com/hook?token=&x=1#token=frag');
    for (const plain of ['https://hooks.example.com/keel', 'http://127.0.0.1:8080/hook?team=ml', 'not a url']) expect(maskedUrl(plain)).toBe(plain);
  });

  it('tells a masked URL from a real one', () => {
    expect(hasMaskedCredential('https://user:***@h.example.com/')).toBe(true);
    expect(hasMaskedCredential('https://h.example.com/?token=***')).toBe(true);
    expect(hasMaskedCredential('https://user:real@h.example.com/?token=t&note=***')).toBe(false);
  });

  it('sends user info as Basic authorization, the URL without it', () => {
    expect(deliveryRequest('https://us%20er:p%40ss+1@h.example.com/hook?token=t')).toEqual({ url: 'https://h.example.com/hook?token=t', authorization: `Basic ${Buffer.from('us er:p@ss+1').toString('base64')}` });
    expect(deliveryRequest('https://h.example.com/hook')).toEqual({ url: 'https://h.example.com/hook' });
  });

  it('delivers to the real URL, answers it masked, and takes the masked URL back as the stored one', async () => {
    const received: { url: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      received.push({ url: req.url!, headers: req.headers });
      res.statusCode = req.headers.authorization === `Basic ${Buffer.from('hookuser:pa55-w0rd').toString('base64')}` ? 204 : 401;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const real = `http://hookuser:pa55-w0rd@127.0.0.1:${(server.address() as AddressInfo).port}/hook?team=ml&token=tok-9f`;
      expect(await deliverWebhook({ url: real }, 'alert.firing', {}, { attempts: 1 })).toMatchObject({ status: 'delivered', httpStatus: 204 });
      expect(received.map((r) => r.url)).toEqual(['/hook?team=ml&token=tok-9f']);

      const stored = parseMonitorConfig({ name: 'm', deployment: 'd', webhook: { url: real, secret: 'k' }, rules: [{ metric: 'count', op: '>', threshold: 1 }] });
      const shown = viewOfMonitor(stored);
      expect(shown.rules[0]!.webhook!.url).toBe(`http://hookuser:***@127.0.0.1:${(server.address() as AddressInfo).port}/hook?team=ml&token=***`);
      expect(JSON.stringify(shown)).not.toMatch(/pa55-w0rd|tok-9f/);
      // The answer sent back (secretSet and all) keeps the stored URL and secret.
      expect(parseMonitorConfig(shown, stored).rules[0]!.webhook).toEqual({ url: real, secret: 'k' });
      expect(parseMonitorConfig({ ...shown, rules: [{ ...shown.rules[0]!, webhook: { url: shown.rules[0]!.webhook!.url, secret: 'k2' } }] }, stored).rules[0]!.webhook).toEqual({ url: real, secret: 'k2' });
      // A masked URL that masks none of the monitor's webhooks is refused, not stored with *** as its password.
      expect(() => parseMonitorConfig(shown)).toThrow(/webhook\.url: holds \*\*\* where a credential goes/);
      expect(() => parseMonitorConfig({ ...shown, rules: [{ ...shown.rules[0]!, webhook: { url: 'https://u:***@elsewhere.example.com/', secret: 'k' } }] }, stored)).toThrow(/rules\[0\]\.webhook\.url: holds \*\*\*/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('names the URL masked in a failed delivery\'s error', async () => {
    // fetch names the URL it cannot parse (a port out of range): the outcome is stored and answered.
    const outcome = await deliverWebhook({ url: 'http://u:pw-7781@127.0.0.1:99999/hook?token=tok-7781' }, 'alert.firing', {}, { attempts: 1 });
    expect(outcome).toEqual({ status: 'failed', attempts: 1, error: 'Failed to parse URL from http://127.0.0.1:99999/hook?token=***' });
  });
});
