/**
 * Grows one tree on the rows listed in rows[0, rowCount). Each node owns a contiguous range of
 * positions; the threads partition a split's range (stably, so rows stay in ascending order and
 * memory access stays sequential) and build histograms (histogram.ts); this class decides the
 * splits. Only the smaller child's histogram is built; the larger one is the parent's minus it,
 * computed in the parent's buffer. Depth-wise growth expands nodes in creation order (level by
 * level); loss-guided growth expands the node with the largest gain.
 */
import { canSplit, subtractHistogram } from './histogram.js';
import { HIST_STRIDE } from './histogram-layout.js';
import type { HistogramBuilder } from './histogram-builder.js';
import type { LeafUpdate, SharedTrainingBuffers } from './histogram-builder-types.js';
import { findBestSplit, type SplitConstraints, type SplitInfo } from './split-finder.js';
import { addNode, emptyTree, type TreeData } from './tree.js';
import type { GrowPolicy } from './gbdt-params.js';

export interface GrowerConfig extends SplitConstraints {
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly growPolicy: GrowPolicy;
  readonly learningRate: number;
  readonly numBins: Int32Array;
  readonly isCategorical: Uint8Array;
  /** Raw float32 upper edge of every numeric bin, per feature. */
  readonly edges: readonly (readonly number[])[];
}

interface GrowNode {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly G: number;
  readonly H: number;
  hist: Float64Array | null;
  split: SplitInfo | null;
}

export class TreeGrower {
  private readonly free: Float64Array[] = [];

  constructor(
    private readonly buf: SharedTrainingBuffers,
    private readonly builder: HistogramBuilder,
    private readonly cfg: GrowerConfig,
  ) {}

  /**
   * The tree, and its leaves with their positions and values: after a tree on every row,
   * HistogramBuilder.updateScores adds them to the training scores without walking the tree.
   */
  grow(gOffset: number, rowCount: number, featureCount: number): { tree: TreeData; leaves: LeafUpdate[] } {
    const cfg = this.cfg;
    const tree = emptyTree();
    // The threads sum the root's G and H while they gather its rows, so the root histogram is
    // built whenever depth and row count allow (wasted only when H is below min_child_weight).
    const { G, H } = this.builder.begin(rowCount, gOffset, featureCount, canSplit(0, rowCount, Infinity, cfg.maxDepth, cfg.minChildWeight));
    const root: GrowNode = { id: addNode(tree, H), start: 0, end: rowCount, depth: 0, G, H, hist: null, split: null };
    const leaves: GrowNode[] = [];
    const candidates: GrowNode[] = [];
    if (this.canSplit(root)) {
      root.hist = this.copySlot(this.builder.slot(0), this.alloc(), featureCount);
      this.evaluate(root, featureCount, candidates, leaves);
    } else leaves.push(root);

    let numLeaves = 1;
    const depthwise = cfg.growPolicy === 'depthwise';
    while (candidates.length > 0 && (cfg.maxLeaves === 0 || numLeaves < cfg.maxLeaves)) {
      // Depth-wise: every node of the shallowest level at once (one hand-off per level);
      // loss-guided: the single best node.
      const batch: GrowNode[] = [];
      if (depthwise) {
        const depth = candidates[0]!.depth;
        while (candidates.length > 0 && candidates[0]!.depth === depth && batch.length < this.builder.slots && (cfg.maxLeaves === 0 || numLeaves < cfg.maxLeaves)) {
          batch.push(candidates.shift()!);
          numLeaves++;
        }
      } else {
        batch.push(candidates.splice(this.pick(candidates), 1)[0]!);
        numLeaves++;
      }
      const mids = this.builder.level(batch.map((node) => {
        const split = node.split!;
        return { start: node.start, end: node.end, feature: split.feature, depth: node.depth, leftH: split.leftH, rightH: node.H - split.leftH, bin: split.bin, catLeft: split.catLeft, defaultLeft: split.defaultLeft };
      }));
      const splits = batch.map((node, q) => this.applySplit(tree, node, mids[q]!));
      this.childHistograms(splits, featureCount);
      for (const { left, right } of splits) {
        for (const child of [left, right]) {
          if (child.hist) this.evaluate(child, featureCount, candidates, leaves);
          else leaves.push(child);
        }
      }
    }
    for (const c of candidates) {
      this.release(c);
      leaves.push(c);
    }
    for (const leaf of leaves) tree.value[leaf.id] = Math.fround((-leaf.G / (leaf.H + cfg.lambda)) * cfg.learningRate);
    return { tree, leaves: leaves.map((l) => ({ start: l.start, end: l.end, depth: l.depth, value: tree.value[l.id]! })) };
  }

  private canSplit(n: GrowNode): boolean {
    return canSplit(n.depth, n.end - n.start, n.H, this.cfg.maxDepth, this.cfg.minChildWeight);
  }

  private pick(candidates: GrowNode[]): number {
    if (this.cfg.growPolicy === 'depthwise') return 0;
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (candidates[i]!.split!.gain > candidates[best]!.split!.gain) best = i;
    return best;
  }

  private evaluate(node: GrowNode, featureCount: number, candidates: GrowNode[], leaves: GrowNode[]): void {
    const cfg = this.cfg;
    node.split = findBestSplit(node.hist!, this.buf.features, featureCount, cfg.numBins, cfg.isCategorical, node.G, node.H, cfg);
    if (node.split) candidates.push(node);
    else {
      this.release(node);
      leaves.push(node);
    }
  }

  /** Writes the split into the tree and makes the node's two children (rows partitioned at `mid`). */
  private applySplit(tree: TreeData, node: GrowNode, mid: number): { parent: GrowNode; left: GrowNode; right: GrowNode } {
    const cfg = this.cfg;
    const split = node.split!;
    tree.feature[node.id] = split.feature;
    tree.defaultLeft[node.id] = split.defaultLeft ? 1 : 0;
    tree.gain[node.id] = split.gain;
    if (split.catLeft) tree.catLeft[node.id] = split.catLeft;
    else {
      tree.bin[node.id] = split.bin;
      tree.threshold[node.id] = cfg.edges[split.feature]![split.bin]!;
    }
    const rG = node.G - split.leftG;
    const rH = node.H - split.leftH;
    const left: GrowNode = { id: addNode(tree, split.leftH), start: node.start, end: mid, depth: node.depth + 1, G: split.leftG, H: split.leftH, hist: null, split: null };
    const right: GrowNode = { id: addNode(tree, rH), start: mid, end: node.end, depth: node.depth + 1, G: rG, H: rH, hist: null, split: null };
    tree.left[node.id] = left.id;
    tree.right[node.id] = right.id;
    return { parent: node, left, right };
  }

  /**
   * For each split: the smaller child was built by the level hand-off (into consecutive slots,
   * for the splits with a child able to split), the larger child is parent − smaller, in the
   * parent's buffer. Children that cannot split get no histogram.
   */
  private childHistograms(splits: readonly { parent: GrowNode; left: GrowNode; right: GrowNode }[], featureCount: number): void {
    const features = this.buf.features;
    const plans = splits.map(({ parent, left, right }) => {
      const [small, large] = left.end - left.start <= right.end - right.start ? [left, right] : [right, left];
      return { parent, small, large, needSmall: this.canSplit(small), needLarge: this.canSplit(large) };
    });
    const built = plans.filter((p) => p.needSmall || p.needLarge);
    built.forEach((p, q) => {
      const slot = this.builder.slot(q);
      const parentHist = p.parent.hist!;
      p.parent.hist = null;
      if (p.needSmall && p.needLarge) {
        p.small.hist = this.copySlot(slot, this.alloc(), featureCount);
        subtractHistogram(parentHist, p.small.hist, features, featureCount);
        p.large.hist = parentHist;
      } else if (p.needSmall) {
        p.small.hist = this.copySlot(slot, parentHist, featureCount);
      } else {
        subtractHistogram(parentHist, slot, features, featureCount);
        p.large.hist = parentHist;
      }
    });
    for (const p of plans) {
      if (!p.needSmall && !p.needLarge && p.parent.hist) {
        this.free.push(p.parent.hist);
        p.parent.hist = null;
      }
    }
  }

  private copySlot(slot: Float64Array, dest: Float64Array, featureCount: number): Float64Array {
    const features = this.buf.features;
    for (let j = 0; j < featureCount; j++) {
      const base = features[j]! * HIST_STRIDE;
      for (let k = base; k < base + HIST_STRIDE; k++) dest[k] = slot[k]!;
    }
    return dest;
  }

  private alloc(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.buf.F * HIST_STRIDE);
  }

  private release(node: GrowNode): void {
    if (node.hist) this.free.push(node.hist);
    node.hist = null;
  }
}
