import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { exposedApiWarning, listenAddress } from './server-ports.js';

/** This machine's addresses other machines may reach it at, as URL hosts. */
const networkHosts = Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => !a.internal).map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address));

describe('the address a server says it listens on', () => {
  it('is the listen URL itself on a loopback address, not exposed', () => {
    for (const [host, url] of [['127.0.0.1', 'http://127.0.0.1:7070'], ['localhost', 'http://127.0.0.1:7070'], ['::1', 'http://[::1]:7070'], ['127.0.0.2', 'http://127.0.0.2:7070']] as const) {
      expect(listenAddress(host, url)).toEqual({ url, shown: url, where: url, bound: url, exposed: false });
    }
  });

  it('is the listen URL on one network address, exposed', () => {
    expect(listenAddress('192.0.2.7', 'http://192.0.2.7:7070')).toEqual({ url: 'http://192.0.2.7:7070', shown: 'http://192.0.2.7:7070', where: 'http://192.0.2.7:7070', bound: 'http://192.0.2.7:7070', exposed: true });
  });

  it('says all addresses for 0.0.0.0 and ::, with a URL other machines can use, and reaches the server itself on loopback', () => {
    // Fastify answers a listen on 0.0.0.0 with http://127.0.0.1:PORT, which hid that the network can reach it.
    const v4 = listenAddress('0.0.0.0', 'http://127.0.0.1:7392');
    expect(v4.url).toBe('http://127.0.0.1:7392');
    expect(v4.exposed).toBe(true);
    expect(v4.where).toBe(`all addresses of this machine (0.0.0.0), port 7392, e.g. ${v4.shown}`);
    expect(v4.bound).toBe('port 7392 of all addresses (0.0.0.0)');
    const host = new URL(v4.shown).hostname;
    expect(networkHosts.length === 0 ? host === '127.0.0.1' : networkHosts.includes(host)).toBe(true);
    const v6 = listenAddress('::', 'http://[::]:7392');
    expect(v6).toMatchObject({ url: 'http://[::1]:7392', exposed: true, bound: 'port 7392 of all addresses (::)' });
    expect(listenAddress('0:0:0:0:0:0:0:0', 'http://[::]:7392').bound).toBe('port 7392 of all addresses (0:0:0:0:0:0:0:0)');
    expect(exposedApiWarning(v4)).toBe('the API listens on port 7392 of all addresses (0.0.0.0), which other machines can reach, and has no authentication yet: anyone who reaches it may read, change and delete everything in this store (docs/configuration.md); --host 127.0.0.1 keeps it on this machine');
  });
});
