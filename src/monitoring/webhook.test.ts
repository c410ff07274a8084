import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deliverWebhook, signWebhookBody, verifyWebhookSignature } from './webhook.js';

describe('webhook signing', () => {
  it('signs the raw body with HMAC-SHA256 as sha256=<hex>', () => {
    const body = '{"event":"alert.firing","timestamp":1000}';
    expect(signWebhookBody('k', body)).toBe(`sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`);
    const sig = signWebhookBody('k', body);
    expect(verifyWebhookSignature({ secret: 'k', body, signature: sig, timestamp: '1000', now: 1000 })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'wrong', body, signature: sig, now: 1000 })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'k', body: body.replace('1000', '1001'), signature: sig, now: 1000 })).toBe(false);
    // A replayed delivery is refused once it is older than the tolerance.
    expect(verifyWebhookSignature({ secret: 'k', body, signature: sig, now: 1000 + 6 * 60_000 })).toBe(false);
    // A header timestamp that disagrees with the signed one is refused.
    expect(verifyWebhookSignature({ secret: 'k', body, signature: sig, timestamp: '99999', now: 1000 })).toBe(false);
  });

  it('retries 5xx with backoff, sending the same signed bytes, and stops on 4xx', async () => {
    const seen: { body: string; sig: string; delivery: string }[] = [];
    let status = 503;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ body, sig: String(req.headers['x-keel-signature']), delivery: String(req.headers['x-keel-delivery']) });
        res.statusCode = seen.length < 3 ? status : 200;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const ok = await deliverWebhook({ url, secret: 's' }, 'alert.firing', { a: 1 }, { attempts: 4, backoffMs: 5 });
      expect(ok).toEqual({ status: 'delivered', attempts: 3, httpStatus: 200 });
      expect(new Set(seen.map((s) => s.body)).size).toBe(1);
      expect(new Set(seen.map((s) => s.delivery)).size).toBe(1);
      expect(verifyWebhookSignature({ secret: 's', body: seen[0]!.body, signature: seen[0]!.sig })).toBe(true);
      // A non-finite value (a drift statistic of Infinity) is sent as the API writes it, not as null.
      seen.length = 0;
      await deliverWebhook({ url, secret: 's' }, 'alert.firing', { alert: { value: Infinity } }, { attempts: 4, backoffMs: 5, now: () => 7 });
      expect(seen.at(-1)!.body).toBe('{"event":"alert.firing","timestamp":7,"alert":{"value":"Infinity"}}');
      seen.length = 0;
      status = 400;
      const bad = await deliverWebhook({ url, secret: 's' }, 'alert.firing', {}, { attempts: 4, backoffMs: 5 });
      expect(bad).toMatchObject({ status: 'failed', attempts: 1, httpStatus: 400 });
    } finally {
      await new Promise((r) => server.close(r));
    }
    const down = await deliverWebhook({ url: 'http://127.0.0.1:1/', secret: 's' }, 'x', {}, { attempts: 2, backoffMs: 1 });
    expect(down).toMatchObject({ status: 'failed', attempts: 2 });
  });
});
