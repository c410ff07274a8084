import { createServer, type AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { assertTrafficAnswered, phaseWindows, sendTraffic } from './traffic.js';
import { generateTransactions } from './transactions.js';

describe('the quickstart traffic', () => {
  const rows = generateTransactions(20, 3, 0);
  // A model server that rejects every other request as Keel's does a row the model does not take.
  let calls = 0;
  const answeredAt: number[] = [];
  const app = Fastify();
  app.post<{ Params: { model: string } }>('/v1/models/:model', async (req, reply) => {
    if (req.params.model === 'warming:predict') return reply.code(503).type('text/plain').send('warming up');
    if (req.params.model === 'slow:predict') {
      // Stamped when answered, as Keel's model server logs a prediction.
      await new Promise((r) => setTimeout(r, 25));
      answeredAt.push(Date.now());
      return { predictions: [0.1] };
    }
    return calls++ % 2 === 0 ? reply.code(400).send({ error: "instances[0]: unknown feature 'amount'; the model takes 'x'" }) : { predictions: [0.1] };
  });
  const listening = app.listen({ host: '127.0.0.1', port: 0 });
  afterAll(() => app.close());

  it('counts the failed requests and keeps the first failure: its status and the server error', async () => {
    const url = await listening;
    // A first request loads fetch's client, which can take longer than the phase below on a busy
    // machine (the test then saw one request); the counts need a few.
    await fetch(`${url}/warm-up`);
    const t = await sendTraffic(url, 'fraud', rows, 'r', { until: Date.now() + 1000 }, 1);
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

  it('goes on past its time until it has the answers a window needs, and lays the windows after the last answer', async () => {
    const url = await listening;
    await fetch(`${url}/warm-up`);
    answeredAt.length = 0;
    // A slow server answers about 80 requests a second on two connections: 40 answers take 0.5 s.
    const first = Date.now();
    const t = await sendTraffic(url, 'slow', rows, 'r', { until: first + 100, minAnswered: 40, latest: first + 30_000 }, 2);
    const end = Date.now();
    expect(t.failed).toBe(0);
    expect(t.sentRows.length).toBeGreaterThanOrEqual(40);
    expect(answeredAt).toHaveLength(t.sentRows.length);
    // Every answer of the first phase lies in the first window, [start, boundary), and none in the next.
    const w = phaseWindows(first, end);
    expect(answeredAt.every((a) => a >= w.start && a < w.boundary)).toBe(true);
    expect(w.boundary).toBe(end + 1);
    expect(w.sizeMs % 100).toBe(0);
    expect(w.sizeMs).toBeGreaterThanOrEqual(end + 1 - first);
    expect(w.start).toBe(w.boundary - w.sizeMs);
    expect((w.boundary - w.originMs) % w.sizeMs).toBe(0);

    // Not past `latest`: a server too slow for the answers wanted ends the phase there.
    const capped = Date.now();
    const few = await sendTraffic(url, 'slow', rows, 'r', { until: capped + 50, minAnswered: 10_000, latest: capped + 300 }, 2);
    expect(Date.now() - capped).toBeLessThan(2_000);
    expect(few.sentRows.length).toBeLessThan(10_000);
  });

  it('says a non-JSON answer and a refused connection', async () => {
    const url = await listening;
    // More failed than answered: the phase ends at its time, not at `latest` for the answers it wanted.
    const started = Date.now();
    const text = await sendTraffic(url, 'warming', rows, 'r', { until: started + 100, minAnswered: 1000, latest: started + 30_000 }, 2);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(text.failed).toBe(text.sent);
    expect(text.firstFailure).toBe('503 warming up');

    const closed = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => closed.once('listening', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const refused = await sendTraffic(`http://127.0.0.1:${port}`, 'fraud', rows, 'r', { until: Date.now() + 100 }, 2);
    expect(refused.sentRows).toEqual([]);
    expect(refused.failed).toBe(refused.sent);
    expect(refused.firstFailure).toBe(`fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(() => assertTrafficAnswered(refused, 'like month 2', 'u')).toThrow(`(${refused.sent} failed) to POST u; the first failure: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
