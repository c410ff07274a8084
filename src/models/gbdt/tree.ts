/**
 * One regression tree as parallel arrays (node 0 is the root). Splits are kept both as a bin
 * (what training and the in-framework predict compare on binned data) and as the float32 raw
 * threshold the ONNX export writes; the bin mapper guarantees they decide every row alike.
 */
import { MISSING_BIN } from './bin-mapper.js';

export interface TreeData {
  /** Split feature, or -1 for a leaf. */
  readonly feature: number[];
  /** Numeric split: rows with bin <= this go left. */
  readonly bin: number[];
  /** Numeric split: the same test on raw values, fround(x) <= threshold. */
  readonly threshold: number[];
  /** Categorical split: the category bins that go left (empty for other nodes). */
  readonly catLeft: number[][];
  /** 1 when missing values go left. */
  readonly defaultLeft: number[];
  readonly left: number[];
  readonly right: number[];
  /** Leaf value (learning rate applied, float32-representable); 0 for splits. */
  readonly value: number[];
  /** Loss reduction of the split; 0 for leaves. */
  readonly gain: number[];
  /** Hessian sum of the rows in the node. */
  readonly cover: number[];
}

export function emptyTree(): TreeData {
  return { feature: [], bin: [], threshold: [], catLeft: [], defaultLeft: [], left: [], right: [], value: [], gain: [], cover: [] };
}

export function addNode(t: TreeData, cover: number): number {
  t.feature.push(-1);
  t.bin.push(0);
  t.threshold.push(0);
  t.catLeft.push([]);
  t.defaultLeft.push(0);
  t.left.push(-1);
  t.right.push(-1);
  t.value.push(0);
  t.gain.push(0);
  t.cover.push(cover);
  return t.feature.length - 1;
}

/** Typed-array form for fast traversal over binned rows. */
export class CompiledTree {
  readonly feature: Int32Array;
  readonly bin: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  /** 256 flags per node for categorical splits (1 = bin goes left); null when the tree has none. */
  readonly catMask: Uint8Array | null;

  constructor(t: TreeData) {
    this.feature = Int32Array.from(t.feature);
    this.bin = Int32Array.from(t.bin);
    this.defaultLeft = Uint8Array.from(t.defaultLeft);
    this.left = Int32Array.from(t.left);
    this.right = Int32Array.from(t.right);
    this.value = Float64Array.from(t.value);
    const hasCat = t.catLeft.some((c) => c.length > 0);
    this.catMask = hasCat ? new Uint8Array(t.feature.length * 256) : null;
    if (this.catMask) {
      for (let i = 0; i < t.catLeft.length; i++) {
        this.bin[i] = t.catLeft[i]!.length > 0 ? -1 : this.bin[i]!;
        for (const b of t.catLeft[i]!) this.catMask[i * 256 + b] = 1;
      }
    }
  }

  /** The leaf a binned row reaches. `bin[node] === -1` marks a categorical split. */
  leaf(bins: Uint8Array, rowOffset: number): number {
    let node = 0;
    const feature = this.feature;
    while (feature[node]! >= 0) {
      const b = bins[rowOffset + feature[node]!]!;
      let goLeft: boolean;
      if (b === MISSING_BIN) goLeft = this.defaultLeft[node] === 1;
      else if (this.bin[node]! < 0) goLeft = this.catMask![node * 256 + b] === 1;
      else goLeft = b <= this.bin[node]!;
      node = goLeft ? this.left[node]! : this.right[node]!;
    }
    return node;
  }

  /** out[outOffset + i] += leaf value of row i, for n binned rows of F features. */
  addPredictions(bins: Uint8Array, F: number, n: number, out: Float64Array, outOffset: number): void {
    const value = this.value;
    for (let i = 0; i < n; i++) out[outOffset + i] = out[outOffset + i]! + value[this.leaf(bins, i * F)]!;
  }
}
