import { once } from 'node:events';
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
  });
});
