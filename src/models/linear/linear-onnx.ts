/**
 * Linear / logistic model → ONNX, in plain ai.onnx ops (opset 17) so any runtime runs it:
 *
 *   one float32 [N, 1] input per feature → Concat [N, F] → Cast double
 *   → Where(IsNaN(x), mean, x) → (x − mean) / std → MatMul W [F, 1] → + b
 *   regression: `variable` float32 [N, 1]
 *   binary: Sigmoid → `probabilities` float32 [N, 2] = [1 − p, p], `label` int64 [N] = ArgMax
 *
 * The same output names as the GBDT export, so serving treats every kind alike. Arithmetic runs
 * in double, as predict() does after rounding inputs to float32.
 */
import { attr, encodeModel, makeModel, makeNode, makeTensor, makeTensorValueInfo, type OnnxNode, type OnnxTensor } from '../../onnx/index.js';

export interface LinearOnnxInput {
  readonly task: 'regression' | 'binary';
  readonly features: readonly string[];
  readonly weights: readonly number[];
  readonly bias: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly updates: number;
}

// Internal tensor names carry a prefix so that no feature name can collide with them.
export function exportLinearOnnx(m: LinearOnnxInput): Uint8Array {
  const F = m.features.length;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [
    makeTensor('_l_mean', 'float64', [1, F], m.mean),
    makeTensor('_l_std', 'float64', [1, F], m.std),
    makeTensor('_l_W', 'float64', [F, 1], m.weights),
    makeTensor('_l_b', 'float64', [1], [m.bias]),
  ];
  nodes.push(makeNode('Concat', [...m.features], ['_l_x32'], [attr.int('axis', 1)], '', 'concat_features'));
  nodes.push(makeNode('Cast', ['_l_x32'], ['_l_x'], [attr.int('to', 11)], '', 'to_double'));
  nodes.push(makeNode('IsNaN', ['_l_x'], ['_l_missing'], [], '', 'is_missing'));
  nodes.push(makeNode('Where', ['_l_missing', '_l_mean', '_l_x'], ['_l_filled'], [], '', 'impute_mean'));
  nodes.push(makeNode('Sub', ['_l_filled', '_l_mean'], ['_l_centered'], [], '', 'center'));
  nodes.push(makeNode('Div', ['_l_centered', '_l_std'], ['_l_z'], [], '', 'scale'));
  nodes.push(makeNode('MatMul', ['_l_z', '_l_W'], ['_l_zw'], [], '', 'matmul'));
  nodes.push(makeNode('Add', ['_l_zw', '_l_b'], ['_l_score'], [], '', 'add_bias'));
  const outputs = [];
  if (m.task === 'regression') {
    nodes.push(makeNode('Cast', ['_l_score'], ['variable'], [attr.int('to', 1)], '', 'to_float'));
    outputs.push(makeTensorValueInfo('variable', 'float32', ['N', 1]));
  } else {
    initializers.push(makeTensor('_l_one', 'float64', [1], [1]));
    nodes.push(makeNode('Sigmoid', ['_l_score'], ['_l_p1'], [], '', 'sigmoid'));
    nodes.push(makeNode('Sub', ['_l_one', '_l_p1'], ['_l_p0'], [], '', 'complement'));
    nodes.push(makeNode('Concat', ['_l_p0', '_l_p1'], ['_l_probs64'], [attr.int('axis', 1)], '', 'concat_probs'));
    nodes.push(makeNode('Cast', ['_l_probs64'], ['probabilities'], [attr.int('to', 1)], '', 'to_float'));
    nodes.push(makeNode('ArgMax', ['_l_probs64'], ['label'], [attr.int('axis', 1), attr.int('keepdims', 0)], '', 'argmax'));
    outputs.push(makeTensorValueInfo('label', 'int64', ['N']), makeTensorValueInfo('probabilities', 'float32', ['N', 2]));
  }
  return encodeModel(makeModel({
    opsets: [{ domain: '', version: 17 }],
    graph: { name: 'keel_linear', nodes, inputs: m.features.map((f) => makeTensorValueInfo(f, 'float32', ['N', 1])), outputs, initializers },
    metadata: { 'keel.model_kind': 'linear', 'keel.task': m.task, 'keel.updates': String(m.updates) },
  }));
}
