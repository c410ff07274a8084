/**
 * GBDT → ONNX. The graph takes one input per feature column (float32 [N, 1] for numeric columns,
 * string [N, 1] for categorical ones), so serving feeds raw named features:
 *
 *   categorical: LabelEncoder string → category index (unseen or missing → -1)
 *   Concat → [N, F] float32 → Cast double → ai.onnx.ml TreeEnsemble (opset 5) → + base scores
 *   regression: `variable` [N, 1]; binary: Sigmoid; multiclass: Softmax → `probabilities` [N, C]
 *   and `label` = ArgMax (int64 [N]); no ZipMap.
 *
 * Numeric splits are BRANCH_LEQ on the float32 bin edge with nodes_missing_value_tracks_true
 * carrying the learned direction for NaN; categorical splits are BRANCH_MEMBER sets of category
 * indices (with -1 in the set when missing values go left). The ensemble runs in double after
 * the inputs are rounded to float32: comparisons decide exactly as the in-framework predict
 * does, and leaf sums match its float64 sums rather than drifting by float32 rounding.
 */
import { encodeModel, attr, makeModel, makeNode, makeTensor, makeTensorValueInfo, type OnnxNode, type OnnxTensor } from '../../onnx/index.js';
import type { GbdtModelData } from './gbdt-model-data.js';

const MODE_LEQ = 0;
const MODE_MEMBER = 6;
/** Category index fed to the trees for a missing or unseen category. */
const UNKNOWN_CATEGORY = -1;
export const GBDT_ONNX_OPSETS = [
  { domain: '', version: 17 },
  { domain: 'ai.onnx.ml', version: 5 },
];

interface EnsembleArrays {
  treeRoots: number[];
  featureIds: number[];
  modes: number[];
  splits: number[];
  trueIds: number[];
  trueLeafs: number[];
  falseIds: number[];
  falseLeafs: number[];
  missingTrue: number[];
  membership: number[];
  leafTargets: number[];
  leafWeights: number[];
}

function ensembleArrays(data: GbdtModelData): EnsembleArrays {
  const a: EnsembleArrays = { treeRoots: [], featureIds: [], modes: [], splits: [], trueIds: [], trueLeafs: [], falseIds: [], falseLeafs: [], missingTrue: [], membership: [], leafTargets: [], leafWeights: [] };
  const K = data.task === 'multiclass' ? data.numClasses : 1;
  data.trees.forEach((t, ti) => {
    const target = ti % K;
    const interior = new Map<number, number>();
    const leaf = new Map<number, number>();
    // Global ids first, so children can be referenced before they are written.
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i]! >= 0) interior.set(i, a.featureIds.length + interior.size);
      else leaf.set(i, a.leafWeights.length + leaf.size);
    }
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i]! < 0) {
        a.leafTargets.push(target);
        a.leafWeights.push(t.value[i]!);
      }
    }
    const ref = (child: number): [number, number] => (t.feature[child]! >= 0 ? [interior.get(child)!, 0] : [leaf.get(child)!, 1]);
    if (interior.size === 0) {
      // A tree that is one leaf: TreeEnsemble roots must be interior nodes, so both branches of
      // an always-true test lead to the leaf.
      const l = leaf.get(0)!;
      a.treeRoots.push(a.featureIds.length);
      pushNode(a, 0, MODE_LEQ, 0, [l, 1], [l, 1], 1);
      return;
    }
    a.treeRoots.push(interior.get(0)!);
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i]! < 0) continue;
      const cats = t.catLeft[i]!;
      if (cats.length > 0) {
        pushNode(a, t.feature[i]!, MODE_MEMBER, 0, ref(t.left[i]!), ref(t.right[i]!), 0);
        if (a.membership.length > 0) a.membership.push(NaN);
        a.membership.push(...cats, ...(t.defaultLeft[i] ? [UNKNOWN_CATEGORY] : []));
      } else {
        pushNode(a, t.feature[i]!, MODE_LEQ, t.threshold[i]!, ref(t.left[i]!), ref(t.right[i]!), t.defaultLeft[i]!);
      }
    }
  });
  return a;
}

function pushNode(a: EnsembleArrays, feature: number, mode: number, split: number, t: [number, number], f: [number, number], missingTrue: number): void {
  a.featureIds.push(feature);
  a.modes.push(mode);
  a.splits.push(split);
  a.trueIds.push(t[0]);
  a.trueLeafs.push(t[1]);
  a.falseIds.push(f[0]);
  a.falseLeafs.push(f[1]);
  a.missingTrue.push(missingTrue);
}

export function exportGbdtOnnx(data: GbdtModelData): Uint8Array {
  const K = data.task === 'multiclass' ? data.numClasses : 1;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const columns: string[] = [];
  data.features.forEach((f, j) => {
    if (f.kind === 'categorical') {
      const out = `cat_index_${j}`;
      nodes.push(makeNode('LabelEncoder', [f.name], [out], [
        attr.strings('keys_strings', f.categories),
        attr.floats('values_floats', f.categories.map((_, i) => i)),
        attr.float('default_float', UNKNOWN_CATEGORY),
      ], 'ai.onnx.ml', `encode_${j}`));
      columns.push(out);
    } else columns.push(f.name);
  });
  nodes.push(makeNode('Concat', columns, ['features_f32'], [attr.int('axis', 1)], '', 'concat_features'));
  // TensorProto.DOUBLE = 11
  nodes.push(makeNode('Cast', ['features_f32'], ['features'], [attr.int('to', 11)], '', 'to_double'));

  const e = ensembleArrays(data);
  const treeAttrs = [
    attr.int('n_targets', K),
    attr.int('aggregate_function', 1),
    attr.int('post_transform', 0),
    attr.ints('tree_roots', e.treeRoots),
    attr.ints('nodes_featureids', e.featureIds),
    attr.tensor('nodes_modes', makeTensor('nodes_modes', 'uint8', [e.modes.length], e.modes)),
    attr.tensor('nodes_splits', makeTensor('nodes_splits', 'float64', [e.splits.length], e.splits)),
    attr.ints('nodes_truenodeids', e.trueIds),
    attr.ints('nodes_trueleafs', e.trueLeafs),
    attr.ints('nodes_falsenodeids', e.falseIds),
    attr.ints('nodes_falseleafs', e.falseLeafs),
    attr.ints('nodes_missing_value_tracks_true', e.missingTrue),
    attr.ints('leaf_targetids', e.leafTargets),
    attr.tensor('leaf_weights', makeTensor('leaf_weights', 'float64', [e.leafWeights.length], e.leafWeights)),
    ...(e.membership.length > 0 ? [attr.tensor('membership_values', makeTensor('membership_values', 'float64', [e.membership.length], e.membership))] : []),
  ];
  nodes.push(makeNode('TreeEnsemble', ['features'], ['tree_scores'], treeAttrs, 'ai.onnx.ml', 'trees'));
  initializers.push(makeTensor('base_scores', 'float64', [K], data.baseScores));
  nodes.push(makeNode('Add', ['tree_scores', 'base_scores'], ['scores'], [], '', 'add_base'));

  const outputs = [];
  if (data.task === 'regression') {
    nodes.push(makeNode('Cast', ['scores'], ['variable'], [attr.int('to', 1)], '', 'to_float'));
    outputs.push(makeTensorValueInfo('variable', 'float32', ['N', 1]));
  } else {
    if (data.task === 'binary') {
      initializers.push(makeTensor('one', 'float64', [1], [1]));
      nodes.push(makeNode('Sigmoid', ['scores'], ['p1'], [], '', 'sigmoid'));
      nodes.push(makeNode('Sub', ['one', 'p1'], ['p0'], [], '', 'complement'));
      nodes.push(makeNode('Concat', ['p0', 'p1'], ['probs64'], [attr.int('axis', 1)], '', 'concat_probs'));
    } else {
      nodes.push(makeNode('Softmax', ['scores'], ['probs64'], [attr.int('axis', 1)], '', 'softmax'));
    }
    nodes.push(makeNode('Cast', ['probs64'], ['probabilities'], [attr.int('to', 1)], '', 'to_float'));
    nodes.push(makeNode('ArgMax', ['probs64'], ['label'], [attr.int('axis', 1), attr.int('keepdims', 0)], '', 'argmax'));
    outputs.push(makeTensorValueInfo('label', 'int64', ['N']), makeTensorValueInfo('probabilities', 'float32', ['N', data.task === 'binary' ? 2 : K]));
  }

  const model = makeModel({
    irVersion: 10,
    opsets: GBDT_ONNX_OPSETS,
    graph: {
      name: 'keel_gbdt',
      nodes,
      inputs: data.features.map((f) => makeTensorValueInfo(f.name, f.kind === 'categorical' ? 'string' : 'float32', ['N', 1])),
      outputs,
      initializers,
    },
    metadata: { 'keel.model_kind': 'gbdt', 'keel.task': data.task, 'keel.objective': data.objective, 'keel.num_trees': String(data.trees.length) },
  });
  return encodeModel(model);
}
