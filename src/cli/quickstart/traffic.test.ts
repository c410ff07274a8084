import { createServer, type AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { assertTrafficAnswered, sendTraffic } from './traffic.js';
import { generateTransactions } from './transactions.js';

describe('the quickstart traffic', () => {
  const rows = generateTransactions(20, 3, 0);
  // A model server that rejects every other request as Keel's does a row the model does not take.
  let calls = 0;
  const app = Fastify();
  app.post<{ Params: { model: string } }>('/v1/models/:model', async (req, reply) => {
    if (req.params.model === 'warming:predict') return reply.code(503).type('text/plain').send('warming up');
    return calls++ % 2 === 0 ? reply.code(400).send({ error: "instances[0]: unknown feature 'amount'; the model takes 'x'" }) : { predictions: [0.1] };
  });
  const listening = app.listen({ host: '127.0.0.1', port: 0 });
  afterAll(() => app.close());

  it('counts the failed requests and keeps the first failure: its status and the server error', async () => {
    const url = await listening;
    // A first request loads fetch's client, which can take longer than the phase below on a busy
    // machine (the test then saw one request); the counts need a few.
    await fetch(`${url}/warm-up`);
    const t = await sendTraffic(url, 'fraud', rows, 'r', Date.now() + 1000, 1);
    expect(t.sent).toBeGreaterThanOrEqual(3);
    expect(t.failed).toBe(Math.ceil(t.sent / 2));
    expect(t.sentRows).toHaveLength(t.sent - t.failed);
    expect(t.firstFailure).toBe("400 instances[0]: unknown feature 'amount'; the model takes 'x'");
    // Half answered is enough; fewer is an error naming the counts and the first failure.
    expect(() => assertTrafficAnswered({ ...t, failed: t.sent / 2 }, 'like month 1', `${url}/v1/models/fraud:predict`)).not.toThrow();
    expect(() => assertTrafficAnswered({ ...t, failed: t.sent }, 'like month 1', `${url}/v1/models/fraud:predict`)).toThrow(
      expect.objectContaining({
        code: 'UNAVAILABLE',
        message: `the model server answered 0 of the quickstart's ${t.sent} requests like month 1 (${t.sent} failed) to POST ${url}/v1/models/fraud:predict; the first failure: 400 instances[0]: unknown feature 'amount'; the model takes 'x'`,
      }),
    );
  });

  it('says a non-JSON answer and a refused connection', async () => {
    const url = await listening;
    const text = await sendTraffic(url, 'warming', rows, 'r', Date.now() + 100, 2);
    expect(text.failed).toBe(text.sent);
    expect(text.firstFailure).toBe('503 warming up');

    const closed = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => closed.once('listening', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const refused = await sendTraffic(`http://127.0.0.1:${port}`, 'fraud', rows, 'r', Date.now() + 100, 2);
    expect(refused.sentRows).toEqual([]);
    expect(refused.failed).toBe(refused.sent);
    expect(refused.firstFailure).toBe(`fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(() => assertTrafficAnswered(refused, 'like month 2', 'u')).toThrow(`(${refused.sent} failed) to POST u; the first failure: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
