import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../../core/index.js';
import { readSignature } from '../../onnx/index.js';
import { linearKind } from './linear-kind.js';
import { OnlineLinearModel } from './online-linear-model.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}
function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

/** y = 3·a − 2·b + 5 (+ noise), with features on very different scales. */
function regressionRows(n: number, seed: number) {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const a = normal(r) * 100 + 1000, b = normal(r) * 0.01;
    return { row: { a, b }, y: 3 * ((a - 1000) / 100) - 2 * (b / 0.01) + 5 + normal(r) * 0.1 };
  });
}

describe('OnlineLinearModel', () => {
  it('learns a linear function online (Adagrad), whatever the feature scales', () => {
    const m = new OnlineLinearModel({ task: 'regression', features: ['a', 'b'] });
    for (const { row, y } of regressionRows(5000, 1)) m.update(row, y);
    const test = regressionRows(500, 2);
    const rmse = Math.sqrt(test.reduce((s, { row, y }) => s + (m.predictRow(row) - y) ** 2, 0) / test.length);
    expect(rmse).toBeLessThan(0.3);
    expect(m.updates).toBe(5000);
  });

  it('learns a logistic model with SGD, and the update returns the prediction before the step', () => {
    const m = new OnlineLinearModel({ task: 'binary', features: ['x'], optimizer: 'sgd', learningRate: 0.05 });
    const r = rng(3);
    let correct = 0;
    for (let i = 0; i < 4000; i++) {
      const x = normal(r);
      const y = x + normal(r) * 0.3 > 0 ? 1 : 0;
      const p = m.update({ x }, y);
      if (i >= 3000 && (p >= 0.5 ? 1 : 0) === y) correct++;
    }
    expect(correct / 1000).toBeGreaterThan(0.85);
    expect(() => m.update({ x: 1 }, 2)).toThrow(/target/);
  });

  it('round-trips through serialize/load and imputes missing values with the running mean', () => {
    const m = new OnlineLinearModel({ task: 'regression', features: ['a', 'b'] });
    for (const { row, y } of regressionRows(300, 4)) m.update(row, y);
    const back = OnlineLinearModel.load(m.serialize());
    expect(back.predictRow({ a: 1010, b: 0.002 })).toBe(m.predictRow({ a: 1010, b: 0.002 }));
    const { mean } = m.scaling();
    expect(m.predictRow({ a: 1010, b: null })).toBeCloseTo(m.predictRow({ a: 1010, b: mean[1]! }), 6);
  });

  for (const task of ['regression', 'binary'] as const) {
    it(`exports ONNX that onnxruntime runs to the same predictions (${task})`, async () => {
      const m = new OnlineLinearModel({ task, features: ['a', 'b'] });
      for (const { row, y } of regressionRows(400, 5)) m.update(row, task === 'binary' ? (y > 5 ? 1 : 0) : y);
      const rows = regressionRows(50, 6).map((r, i) => ({ a: r.row.a, b: i % 7 === 0 ? null : r.row.b }));
      const table = tableFromRows(rows, { a: 'float', b: 'float' });
      const expected = m.predict(table);
      const bytes = m.toOnnx();
      expect(readSignature(bytes)).toEqual(m.signature);
      const session = await ort.InferenceSession.create(bytes);
      const feeds = {
        a: new ort.Tensor('float32', Float32Array.from(rows.map((r) => r.a)), [rows.length, 1]),
        b: new ort.Tensor('float32', Float32Array.from(rows.map((r) => r.b ?? NaN)), [rows.length, 1]),
      };
      const out = await session.run(feeds);
      if (task === 'regression') {
        const got = out.variable!.data as Float32Array;
        got.forEach((v, i) => expect(v).toBeCloseTo(Math.fround(expected[i]!), 4));
      } else {
        const probs = out.probabilities!.data as Float32Array;
        const labels = out.label!.data as BigInt64Array;
        for (let i = 0; i < rows.length; i++) {
          expect(Math.abs(probs[2 * i + 1]! - expected[i]!)).toBeLessThan(1e-6);
          expect(Number(labels[i])).toBe(expected[i]! > 0.5 ? 1 : 0);
        }
      }
      await session.release();
    });
  }

  it('fits in batch as a model kind, validating params first', async () => {
    expect(() => linearKind.parseParams({ epochs: 0 })).toThrow(/params.epochs/);
    expect(() => linearKind.parseParams({ momentum: 1 })).toThrow(/unknown param/);
    const data = regressionRows(1000, 7);
    const train = tableFromRows(data.map((d) => d.row), { a: 'float', b: 'float' });
    const model = await linearKind.fit({ train, trainTarget: Float64Array.from(data.map((d) => d.y)), task: 'regression' }, linearKind.parseParams({ epochs: 3 }), { seed: 1 });
    const test = regressionRows(200, 8);
    const pred = model.predict(tableFromRows(test.map((d) => d.row), { a: 'float', b: 'float' }));
    const rmse = Math.sqrt(test.reduce((s, d, i) => s + (pred[i]! - d.y) ** 2, 0) / test.length);
    expect(rmse).toBeLessThan(0.3);
    expect(linearKind.load(model.serialize()).predict(tableFromRows([{ a: 1000, b: 0 }]))[0]).toBeCloseTo(5, 0);
  });
});
