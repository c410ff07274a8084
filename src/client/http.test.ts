import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KeelError } from '../core/index.js';
import { KeelClient } from './keel-client.js';

describe('HttpTransport', () => {
  it('says why a server could not be reached, not only fetch\'s "fetch failed"', async () => {
    // A port that was just free: nothing listens on it.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    await once(probe, 'close');
    const client = new KeelClient({ baseUrl: `http://127.0.0.1:${port}` });
    const err = await client.datasets.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeelError);
    expect((err as KeelError).code).toBe('UNAVAILABLE');
    expect((err as KeelError).message).toBe(`cannot reach Keel server at http://127.0.0.1:${port}: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    const download = await client.datasets.download('d', process.stdout).catch((e: unknown) => e);
    expect((download as KeelError).message).toContain(`fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    // The tracking calls (MLflow's routes) say why too (they said 'fetch failed' alone).
    const tracking = await client.tracking.getRun('r').catch((e: unknown) => e);
    expect((tracking as KeelError).message).toBe(`cannot reach Keel server at http://127.0.0.1:${port}: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    // A model's ONNX file too (it was fetch's own TypeError, 'fetch failed').
    const onnx = await client.registry.downloadOnnx('m', 1).catch((e: unknown) => e);
    expect(onnx).toBeInstanceOf(KeelError);
    expect((onnx as KeelError).message).toBe(`cannot reach Keel server at http://127.0.0.1:${port}: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('refuses a baseUrl that is not an http(s) URL, or a timeoutMs Node cannot keep, when the client is made, naming the option', () => {
    for (const [baseUrl, message] of [
      ['localhost:7070', "baseUrl: expected http(s)://..., got 'localhost:7070'"],
      ['http://', "baseUrl: 'http://' is not a URL"],
      [undefined, 'baseUrl: expected http(s)://..., got undefined'],
    ] as const) {
      const err = (() => {
        try {
          return new KeelClient({ baseUrl: baseUrl as unknown as string });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(KeelError);
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'baseUrl', message });
    }
    expect(new KeelClient({ baseUrl: 'https://keel.example.com/base/' }).http.options.baseUrl).toBe('https://keel.example.com/base/');
    // A timeout Node cannot keep is refused here, not blamed on the server at each call (UNAVAILABLE, 'delay is out of range').
    for (const timeoutMs of [-1, 0, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => new KeelClient({ baseUrl: 'http://127.0.0.1:7070', timeoutMs })).toThrow(expect.objectContaining({
        code: 'INVALID_ARGUMENT', field: 'timeoutMs', message: `timeoutMs: expected a whole number of milliseconds from 1 to 2147483647, got ${timeoutMs}`,
      }));
    }
    expect(new KeelClient({ baseUrl: 'http://127.0.0.1:7070', timeoutMs: 2 ** 31 - 1 }).http.options.timeoutMs).toBe(2 ** 31 - 1);
  });

  it('gives an error answer without Keel\'s error body (a proxy in front of the server) the code of its status, not INTERNAL', async () => {
    let status = 502;
    const proxy = createHttpServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    }).listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const client = new KeelClient({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    try {
      for (const [answered, code] of [[502, 'UNAVAILABLE'], [503, 'UNAVAILABLE'], [504, 'UNAVAILABLE'], [401, 'UNAUTHENTICATED'], [403, 'PERMISSION_DENIED'], [404, 'NOT_FOUND'], [429, 'RESOURCE_EXHAUSTED'], [409, 'INTERNAL'], [500, 'INTERNAL']] as const) {
        status = answered;
        // The tracking calls too, where the status has a code of its own (their 409 and 500 keep their own fallback).
        const calls = [() => client.datasets.list(), () => client.registry.downloadOnnx('m', 1), ...(code !== 'INTERNAL' ? [() => client.tracking.getRun('r')] : [])];
        for (const call of calls) {
          const err = await call().catch((e: unknown) => e);
          expect(err, String(answered)).toBeInstanceOf(KeelError);
          expect((err as KeelError).code, String(answered)).toBe(code);
          expect((err as KeelError).message).toMatch(new RegExp(`^HTTP ${answered} from GET /api/`));
        }
      }
    } finally {
      proxy.close();
    }
  });
});
