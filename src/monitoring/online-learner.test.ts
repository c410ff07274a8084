import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { RegistryService } from '../registry/index.js';
import { LocalArtifactStore, testStores, type MetadataStore } from '../storage/index.js';
import { OnlineLearner } from './online-learner.js';
import { PredictionStore } from './prediction-store.js';
import { makePrediction } from './testing.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe.each(testStores())('online learning from feedback on $name', ({ open }) => {
  let store: MetadataStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('updates a logistic model from labels as they arrive and publishes a version every N updates with window metrics', async () => {
    const predictions = new PredictionStore(store.db);
    const registry = new RegistryService({ db: store.db, artifacts: new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'keel-ol-'))), logger: silentLogger });
    const r = lcg(11);
    const rows = Array.from({ length: 600 }, (_, i) => {
      const x1 = r() * 10, x2 = r() * 1000;
      // The truth the model must find: positive when x1 - x2/200 > 0.
      return { i, x1, x2, y: x1 - x2 / 200 + (r() - 0.5) > 0 ? 1 : 0 };
    });
    await predictions.writeBatch(rows.map((row) => ({ receivedAt: 1000 + row.i, record: makePrediction({ requestId: `o${row.i}`, timestamp: 1000 + row.i, deployment: 'ol', inputs: { x1: row.x1, x2: row.x2 } }) })));
    let now = 2000;
    const learner = new OnlineLearner(predictions, registry, { deployment: 'ol', modelName: 'ol-model', task: 'binary', features: ['x1', 'x2'], publishEveryUpdates: 250, evaluationWindowMs: 1000, now: () => now });
    // Labels arrive in two batches; a bad label is skipped, not learned.
    await predictions.addLabels(rows.slice(0, 300).map((row) => ({ requestId: `o${row.i}`, label: row.y, timestamp: 1500 })), 0);
    await predictions.addLabels([{ requestId: 'o0', label: 'maybe', timestamp: 1500 }], 0);
    const first = await learner.step();
    expect(first.updates).toBe(299);
    expect(learner.skippedLabels).toBe(1);
    expect(first.published).toMatchObject({ name: 'ol-model', version: 1, updates: 250 });
    await predictions.addLabels(rows.slice(300).map((row) => ({ requestId: `o${row.i}`, label: row.y, timestamp: 1600 })), 0);
    const second = await learner.step();
    expect(second.updates).toBe(300);
    expect(second.published).toMatchObject({ version: 2, updates: 500 });
    // Nothing new: nothing learned, nothing published.
    expect(await learner.step()).toEqual({ updates: 0 });

    const v2 = await registry.getModelVersion('ol-model', 2);
    expect(v2.tags['keel.online']).toBe('true');
    expect(v2.metrics['window.labeled']).toBe(599);
    expect(v2.metrics['window.accuracy']).toBeGreaterThan(0.85);
    expect(v2.metrics['prequential.accuracy']).toBeGreaterThan(0.8);
    // The published ONNX predicts as the in-memory model did when it was published.
    const session = await ort.InferenceSession.create(await registry.onnxBytes(v2));
    const out = await session.run({ x1: new ort.Tensor('float32', Float32Array.from([9, 1]), [2, 1]), x2: new ort.Tensor('float32', Float32Array.from([100, 900]), [2, 1]) });
    expect(Array.from(out.label!.data as BigInt64Array, Number)).toEqual([1, 0]);
    await session.release();

    // A time-based publish: due once the interval has passed since the learner started.
    const timed = new OnlineLearner(predictions, registry, { deployment: 'ol', modelName: 'ol-timed', task: 'binary', features: ['x1', 'x2'], publishEveryMs: 60_000, since: 1550, now: () => now });
    const t1 = await timed.step();
    expect(t1).toEqual({ updates: 300 });
    now += 60_000;
    expect((await timed.step()).published).toMatchObject({ name: 'ol-timed', version: 1, updates: 300 });
    await predictions.addLabels([{ requestId: 'o0', label: 1, timestamp: 1700 }], 0);
    expect(await timed.step()).toEqual({ updates: 1 });
  });
});
