/**
 * ONNX parity: onnxruntime-node runs the exported graph on held-out raw columns (with missing
 * numbers, missing and unseen categories) and must agree with predict() within 1e-5.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { makeTable, type Table } from '../../core/index.js';
import { inspectOnnx, readSignature } from '../../onnx/index.js';
import { gbdtKind } from './gbdt-kind.js';
import { loadTestSplit } from './gbdt-test-data.js';

const train = loadTestSplit('train');
const held = loadTestSplit('test');
// A category never seen in training must follow the missing-value path in both.
const c = held.table.columns.find((col) => col.name === 'c')!;
const test: Table = makeTable(held.table.columns.map((col) => (col.type === 'string' && col === c ? { ...col, dictionary: [...col.dictionary.slice(0, 5), 'zzz'] } : col)));

function feeds(table: Table): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const col of table.columns) {
    out[col.name] = col.type === 'string'
      ? new ort.Tensor('string', Array.from(col.codes, (k) => (k < 0 ? '' : col.dictionary[k]!)), [table.numRows, 1])
      : new ort.Tensor('float32', Float32Array.from(col.values), [table.numRows, 1]);
  }
  return out;
}

const params = gbdtKind.parseParams({ n_estimators: 25, max_depth: 5, learning_rate: 0.3, nthread: 1 });
const cases = [
  { task: 'regression' as const, y: train.yReg },
  { task: 'binary' as const, y: train.yBin },
  { task: 'multiclass' as const, y: train.yMulti },
];

describe('gbdt ONNX export', () => {
  for (const { task, y } of cases) {
    it(`matches predict() within 1e-5 through onnxruntime (${task})`, async () => {
      const model = await gbdtKind.fit({ train: train.table, trainTarget: y, task, numClasses: 3 }, params, { seed: 3 });
      const bytes = model.toOnnx();
      const session = await ort.InferenceSession.create(bytes);
      expect(session.inputNames).toEqual(model.signature.inputs.map((i) => i.name));
      expect([...session.outputNames].sort()).toEqual(model.signature.outputs.map((o) => o.name).sort());
      const out = await session.run(feeds(test));
      const p = model.predict(test);
      const n = test.numRows;
      if (task === 'regression') {
        const v = out.variable!.data as Float32Array;
        expect(out.variable!.dims).toEqual([n, 1]);
        for (let i = 0; i < n; i++) expect(Math.abs(v[i]! - p[i]!)).toBeLessThan(1e-5);
        return;
      }
      const K = task === 'binary' ? 2 : 3;
      const probs = out.probabilities!.data as Float32Array;
      const labels = out.label!.data as BigInt64Array;
      expect(out.probabilities!.dims).toEqual([n, K]);
      expect(out.label!.dims).toEqual([n]);
      for (let i = 0; i < n; i++) {
        const mine = task === 'binary' ? [1 - p[i]!, p[i]!] : Array.from(p.subarray(i * K, i * K + K));
        for (let k = 0; k < K; k++) expect(Math.abs(probs[i * K + k]! - mine[k]!)).toBeLessThan(1e-5);
        const best = mine.indexOf(Math.max(...mine));
        if (Math.abs(mine[best]! - [...mine].sort((a, b) => b - a)[1]!) > 1e-6) expect(Number(labels[i])).toBe(best);
      }
    });
  }

  it('declares opsets and a signature that inspect reads back', async () => {
    const model = await gbdtKind.fit({ train: train.table, trainTarget: train.yBin, task: 'binary' }, gbdtKind.parseParams({ n_estimators: 3, nthread: 1 }), { seed: 0 });
    const summary = inspectOnnx(model.toOnnx());
    expect(readSignature(model.toOnnx())).toEqual(model.signature);
    expect(JSON.stringify(summary)).toContain('ai.onnx.ml');
    expect(model.signature.inputs.find((i) => i.name === 'c')).toEqual({ name: 'c', type: 'string', shape: [-1, 1] });
    expect(model.signature.inputs.find((i) => i.name === 'x0')).toEqual({ name: 'x0', type: 'float32', shape: [-1, 1] });
  });
});
