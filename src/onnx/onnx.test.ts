import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { KeelError } from '../core/index.js';
import {
  attr, decodeModel, encodeModel, inspectOnnx, makeModel, makeNode, makeTensor, makeTensorValueInfo, readSignature,
} from './index.js';

const testdata = new URL('./testdata/', import.meta.url);

/** y = Relu(x·W + b), and a one-split tree on x[:, 1] as an ai.onnx.ml TreeEnsembleRegressor. */
function smallModel(): Uint8Array {
  const W = [1, -1, 2, 0.5, -3, 1];
  const model = makeModel({
    graph: {
      name: 'small',
      nodes: [
        makeNode('MatMul', ['x', 'W'], ['xw']),
        makeNode('Add', ['xw', 'b'], ['pre']),
        makeNode('Relu', ['pre'], ['y']),
        makeNode('TreeEnsembleRegressor', ['x'], ['tree'], [
          attr.ints('nodes_treeids', [0, 0, 0]),
          attr.ints('nodes_nodeids', [0, 1, 2]),
          attr.ints('nodes_featureids', [1, 0, 0]),
          attr.floats('nodes_values', [0.5, 0, 0]),
          attr.strings('nodes_modes', ['BRANCH_LEQ', 'LEAF', 'LEAF']),
          attr.ints('nodes_truenodeids', [1, 0, 0]),
          attr.ints('nodes_falsenodeids', [2, 0, 0]),
          attr.ints('nodes_missing_value_tracks_true', [1, 0, 0]),
          attr.ints('target_treeids', [0, 0]),
          attr.ints('target_nodeids', [1, 2]),
          attr.ints('target_ids', [0, 0]),
          attr.floats('target_weights', [-2.5, 4]),
          attr.floats('base_values', [0.25]),
          attr.int('n_targets', 1),
          attr.string('post_transform', 'NONE'),
        ], 'ai.onnx.ml', 'tree'),
      ],
      inputs: [makeTensorValueInfo('x', 'float32', ['N', 3])],
      outputs: [makeTensorValueInfo('y', 'float32', ['N', 2]), makeTensorValueInfo('tree', 'float32', [-1, 1])],
      initializers: [makeTensor('W', 'float32', [3, 2], W), makeTensor('b', 'float32', [2], [0.5, -1])],
    },
    metadata: { 'keel.kind': 'test' },
  });
  return encodeModel(model);
}

describe('onnx builder', () => {
  it('builds a graph that onnxruntime runs with the expected outputs', async () => {
    const session = await ort.InferenceSession.create(smallModel());
    const x = [1, 2, 3, 0, 0.25, -1, 0, NaN, 1];
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [3, 3]) });
    // Row 0: pre = [1 + 4 - 9 + 0.5, -1 + 1 + 3 - 1] = [-3.5, 2] -> relu [0, 2]
    // Row 1: pre = [0 + 0.5 + 3 + 0.5, 0 + 0.125 - 1 - 1] = [4, -1.875] -> [4, 0]
    expect(Array.from(out.y!.data as Float32Array).slice(0, 4)).toEqual([0, 2, 4, 0]);
    // Tree: x1 <= 0.5 -> -2.5 else 4, plus base 0.25; NaN follows the missing-goes-true branch.
    expect(Array.from(out.tree!.data as Float32Array)).toEqual([4.25, -2.25, -2.25]);
  });

  it('round-trips through encode/decode', () => {
    const model = decodeModel(smallModel());
    expect(model.graph?.node?.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Relu', 'TreeEnsembleRegressor']);
    const tree = model.graph!.node![3]!;
    expect(tree.domain).toBe('ai.onnx.ml');
    const modes = tree.attribute!.find((a) => a.name === 'nodes_modes')!;
    expect(modes.strings!.map((s) => new TextDecoder().decode(s))).toEqual(['BRANCH_LEQ', 'LEAF', 'LEAF']);
    expect(tree.attribute!.find((a) => a.name === 'n_targets')!.i).toBe(1);
    expect(model.metadataProps).toEqual([{ key: 'keel.kind', value: 'test' }]);
  });

  it('inspects its own model', () => {
    const bytes = smallModel();
    const s = inspectOnnx(bytes);
    expect(s.producer).toBe('keel');
    expect(s.irVersion).toBe(8);
    expect(s.opsets).toEqual([{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }]);
    expect(s.inputs).toEqual([{ name: 'x', type: 'float32', shape: [-1, 3] }]);
    expect(s.outputs).toEqual([{ name: 'y', type: 'float32', shape: [-1, 2] }, { name: 'tree', type: 'float32', shape: [-1, 1] }]);
    expect(s.nodeCount).toBe(4);
    // W (6) + b (2) + tree floats: nodes_values 3, target_weights 2, base_values 1.
    expect(s.parameterCount).toBe(14);
    expect(s.sizeBytes).toBe(bytes.length);
    expect(s.opTypes).toEqual({ MatMul: 1, Add: 1, Relu: 1, 'ai.onnx.ml.TreeEnsembleRegressor': 1 });
    expect(s.metadata).toEqual({ 'keel.kind': 'test' });
  });

  it('writes each element type a tensor can hold', async () => {
    const model = makeModel({
      graph: {
        name: 'consts',
        nodes: [makeNode('Identity', ['d'], ['d_out']), makeNode('Identity', ['i'], ['i_out']), makeNode('Identity', ['s'], ['s_out']), makeNode('Identity', ['t'], ['t_out'])],
        inputs: [],
        outputs: [
          makeTensorValueInfo('d_out', 'float64', [2]), makeTensorValueInfo('i_out', 'int64', [2]),
          makeTensorValueInfo('s_out', 'string', [2]), makeTensorValueInfo('t_out', 'bool', [2]),
        ],
        initializers: [
          makeTensor('d', 'float64', [2], [0.1, 1e300]), makeTensor('i', 'int64', [2], [-7, 2 ** 40]),
          makeTensor('s', 'string', [2], ['a', 'héllo']), makeTensor('t', 'bool', [2], [1, 0]),
        ],
      },
    });
    const out = await (await ort.InferenceSession.create(encodeModel(model))).run({});
    expect(Array.from(out.d_out!.data as Float64Array)).toEqual([0.1, 1e300]);
    expect(Array.from(out.i_out!.data as BigInt64Array)).toEqual([-7n, 2n ** 40n]);
    expect(out.s_out!.data).toEqual(['a', 'héllo']);
    expect(Array.from(out.t_out!.data as Uint8Array)).toEqual([1, 0]);
  });

  it('rejects bad builder input with the field named', () => {
    expect(() => makeTensor('W', 'float32', [2, 2], [1, 2, 3])).toThrow(/W: tensor of shape \[2, 2\] needs 4 values/);
    expect(() => makeTensorValueInfo('x', 'float128', [1])).toThrow(KeelError);
    expect(() => attr.ints('ids', [1.5])).toThrow(/ids/);
  });
});

describe('inspect a foreign model', () => {
  const bytes = new Uint8Array(readFileSync(new URL('foreign-model.onnx', testdata)));
  const expected = JSON.parse(readFileSync(new URL('foreign-model.json', testdata), 'utf8')) as {
    producer: string; irVersion: number; sizeBytes: number; nodeCount: number; parameterCount: number;
    features: number[][]; scores: number[][];
  };

  it('summarizes it as the producer wrote it', () => {
    const s = inspectOnnx(bytes);
    expect(s.producer).toBe(expected.producer);
    expect(s.irVersion).toBe(expected.irVersion);
    expect(s.sizeBytes).toBe(expected.sizeBytes);
    expect(s.nodeCount).toBe(expected.nodeCount);
    expect(s.parameterCount).toBe(expected.parameterCount);
    expect(s.opTypes).toEqual({
      MatMul: 1, Add: 2, Constant: 1, If: 1, Identity: 1, Neg: 1, 'ai.onnx.ml.LinearClassifier': 1, 'ai.onnx.ml.ZipMap': 1,
    });
    expect(s.metadata).toEqual({ author: 'keel-tests' });
  });

  it('reads the signature without initializers listed as inputs', () => {
    expect(readSignature(bytes)).toEqual({
      inputs: [{ name: 'features', type: 'float32', shape: [-1, 3] }, { name: 'ids', type: 'int64', shape: [-1] }],
      outputs: [
        { name: 'branched', type: 'float32', shape: [-1, 2] },
        { name: 'shifted_ids', type: 'int64', shape: [-1] },
        { name: 'label', type: 'int64', shape: [-1] },
        { name: 'prob_map', type: 'seq(map(int64,float32))', shape: [] },
      ],
    });
  });

  it('survives decode/encode so onnxruntime still runs it', async () => {
    const again = encodeModel(decodeModel(bytes));
    const session = await ort.InferenceSession.create(again, { logSeverityLevel: 3 });
    const out = await session.run(
      { features: new ort.Tensor('float32', Float32Array.from(expected.features.flat()), [2, 3]), ids: new ort.Tensor('int64', BigInt64Array.from([1n, 2n]), [2]) },
      ['branched', 'shifted_ids'],
    );
    const branched = Array.from(out.branched!.data as Float32Array);
    expected.scores.flat().forEach((v, i) => expect(branched[i]).toBeCloseTo(v, 5));
    expect(Array.from(out.shifted_ids!.data as BigInt64Array)).toEqual([4n, 5n]);
  });

  it('rejects bytes that are not a model', () => {
    expect(() => inspectOnnx(new TextEncoder().encode('hello, not a model'))).toThrow(/not an ONNX model/);
    expect(() => inspectOnnx(new Uint8Array(0))).toThrow(KeelError);
  });
});
