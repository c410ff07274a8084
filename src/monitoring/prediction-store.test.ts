import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores, type MetadataStore } from '../storage/index.js';
import { BufferedPredictionLogger } from './buffered-prediction-logger.js';
import { PredictionStore } from './prediction-store.js';
import { makePrediction } from './testing.js';

describe.each(testStores())('prediction log store on $name', ({ open }) => {
  let store: MetadataStore;
  let log: PredictionStore;
  beforeAll(async () => {
    store = await open();
    log = new PredictionStore(store.db);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('writes batches through the buffered logger and joins late labels by request id', async () => {
    const logger = new BufferedPredictionLogger({ db: store.db, capacity: 5000, batchSize: 300, flushIntervalMs: 50, now: () => 42 });
    for (let i = 0; i < 1000; i++) {
      logger.log(makePrediction({ requestId: `r${i}`, timestamp: 1000 + i, inputs: { x: i, c: i % 2 ? 'a' : 'b' }, outputs: { prediction: i / 1000 }, latencyMs: i % 7, ...(i === 5 ? { error: 'boom' } : {}) }));
    }
    await logger.close();
    expect(logger.dropped).toBe(0);
    expect(logger.written).toBe(1000);
    const all = await log.query({ deployment: 'd' });
    expect(all).toHaveLength(1000);
    expect(all[5]!.error).toBe('boom');
    expect(all[999]!.inputs).toEqual({ x: 999, c: 'a' });
    expect(all[0]!.receivedAt).toBe(42);

    const res = await log.addLabels([{ requestId: 'r1', label: 1, timestamp: 5 }, { requestId: 'r2', label: 0 }, { requestId: 'nope', label: 1 }]);
    expect(res).toEqual({ stored: 3, matched: 2 });
    await log.addLabels([{ requestId: 'r2', label: 1, timestamp: 9 }]);
    const labeled = await log.query({ deployment: 'd', labeledOnly: true });
    expect(labeled.map((p) => [p.requestId, p.label])).toEqual([['r1', 1], ['r2', 1]]);
    expect((await log.get('r2'))!.labeledAt).toBe(9);
    expect(await log.countLabeled('d', 1000, 1003, 100)).toBe(2);
  });

  it('keeps the first record of a duplicate request id, and counts late arrivals', async () => {
    await log.writeBatch([
      { record: makePrediction({ requestId: 'dup', deployment: 'e', timestamp: 10 }), receivedAt: 10 },
      { record: makePrediction({ requestId: 'late', deployment: 'e', timestamp: 20 }), receivedAt: 500 },
    ]);
    await log.writeBatch([{ record: makePrediction({ requestId: 'dup', deployment: 'e', timestamp: 99 }), receivedAt: 11 }]);
    expect((await log.get('dup'))!.timestamp).toBe(10);
    expect(await log.countLate('e', 0, 100, 100)).toBe(1);
    expect(await log.firstEventTime('e')).toBe(10);
    expect(await log.query({ deployment: 'e', from: 0, to: 100, receivedBy: 100 })).toHaveLength(1);
  });

  it('prunes old predictions and their labels, per deployment', async () => {
    await log.writeBatch(Array.from({ length: 450 }, (_, i) => ({ record: makePrediction({ requestId: `old${i}`, deployment: 'prune', timestamp: i }), receivedAt: i })));
    await log.addLabels([{ requestId: 'old1', label: 1 }, { requestId: 'old449', label: 0 }]);
    expect(await log.prune(449, 'prune')).toBe(449);
    expect((await log.query({ deployment: 'prune' })).map((p) => [p.requestId, p.label])).toEqual([['old449', 0]]);
    expect(await store.db.selectFrom('prediction_labels').selectAll().where('request_id', '=', 'old1').execute()).toHaveLength(0);
  });

  it('rejects a label without a request id and writes nothing', async () => {
    await expect(log.addLabels([{ requestId: 'ok', label: 1 }, { requestId: '', label: 1 }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'labels[1].requestId' });
    expect(await store.db.selectFrom('prediction_labels').selectAll().where('request_id', '=', 'ok').execute()).toHaveLength(0);
  });
});
