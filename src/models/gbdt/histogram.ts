/**
 * The per-thread half of growing a tree, shared by the main thread and the histogram workers.
 *
 * Each thread owns a fixed block of features and keeps its own copy of everything its histograms
 * read, in *position* order: the row ids, the (gradient, hessian) pairs and its features' bins
 * (packed four to a Uint32 word). A split partitions these stably, from one of two buffers into
 * the other (see ThreadState.rows), on every thread alike, so a node's rows are always one
 * contiguous range of positions and a histogram pass reads memory sequentially. Reading the
 * shared row-major matrix through row ids instead costs a cache miss per row once a node's rows
 * are sparse (measured 8–12 ns per update on deep nodes against 2 ns sequential). Since every
 * thread partitions its own copy, a tree level costs one hand-off: each thread partitions the
 * level's splits and then builds its features' share of the new histograms, with no barrier in
 * between.
 *
 * With two threads or more, every thread (thread 0 too) is a worker and the main thread only
 * coordinates: each isolate then holds exactly one set of the kernels below, which V8 compiles
 * with the arrays as constants (see makeKernels). The threads also add each tree's leaf values
 * to the shared scores and compute gradients, each for its share of the rows.
 *
 * Histogram layout: feature f's bins start at f * HIST_STRIDE, each bin holds (sum g, sum h) side
 * by side; bin 255 is the missing bin. Rows stay in ascending row order within a node (the root
 * starts ascending and partitions are stable) and each (feature, bin) sum is added by one thread
 * in that order, so models do not depend on the thread count.
 */
import type { Task } from '../model-kind.js';
import { objectiveFor, type Objective } from './objectives.js';
import { makeKernels } from './histogram-kernels.js';
import { HIST_STRIDE, LEAF_I32, SPLIT_F64, SPLIT_I32, SPLIT_TABLE } from './histogram-layout.js';

/** The shared buffers of one fit, as each thread receives them. */
export interface ThreadInit {
  /** n × F row-major bins. */
  readonly bins: SharedArrayBuffer;
  /** F × n feature-major bins, which decide each row's side in a partition. */
  readonly cols: SharedArrayBuffer;
  readonly n: number;
  readonly F: number;
  readonly g: SharedArrayBuffer;
  readonly h: SharedArrayBuffer;
  /** The sampled row ids of the tree being started, ascending. */
  readonly rows: SharedArrayBuffer;
  /** The sampled features of the tree being started, ascending. */
  readonly features: SharedArrayBuffer;
  /** `slots` histograms of F × HIST_STRIDE doubles. */
  readonly hist: SharedArrayBuffer;
  readonly slots: number;
  readonly splitI32: SharedArrayBuffer;
  readonly splitF64: SharedArrayBuffer;
  readonly splitTable: SharedArrayBuffer;
  readonly threads: number;
  /** Thread 0 owns the first block and also partitions the rows of final splits (for score updates). */
  readonly index: number;
  /** Thread 0 only: its level results and the root's (G, H), read by the main thread. */
  readonly mids?: SharedArrayBuffer;
  readonly sums?: SharedArrayBuffer;
  readonly maxDepth: number;
  readonly minChildWeight: number;
  /**
   * Thread 0's position → row ids (2n): thread 0 partitions into it (final splits too, so every
   * leaf's rows are there) and every thread reads it to update scores.
   */
  readonly positions0: SharedArrayBuffer;
  /** Raw scores (class-major, n · K) and targets, which score updates and gradients use. */
  readonly raw: SharedArrayBuffer;
  readonly target: SharedArrayBuffer;
  readonly task: Task;
  readonly numClasses: number;
  /** The leaves of the tree just grown: LEAF_I32 Int32s and one Float64 value each. */
  readonly leafI32: SharedArrayBuffer;
  readonly leafF64: SharedArrayBuffer;
  /** The control words, CTRL.SIZE per worker (unused when the main thread does the work). */
  readonly ctrl: SharedArrayBuffer;
}

/** The block of features [start, end) that thread t of T owns. */
function featureBlock(t: number, T: number, F: number): [number, number] {
  return [Math.floor((t * F) / T), Math.floor(((t + 1) * F) / T)];
}

/** Whether a node may be split (and so needs a histogram). */
export function canSplit(depth: number, count: number, H: number, maxDepth: number, minChildWeight: number): boolean {
  return (maxDepth === 0 || depth < maxDepth) && count >= 2 && H >= 2 * minChildWeight;
}

export class ThreadState {
  /**
   * Position → row id, twice: a node at depth d holds its rows at parity d % 2 (offset
   * (d % 2) · n), and a split writes its children to the other parity, so a partition needs no
   * scratch space and no copy back. The same goes for the gradient pairs and the bins.
   */
  readonly rows: Uint32Array;
  /** Where each split of the last level put its right child's first position. */
  readonly mids: Int32Array;
  /** 1 where a position goes left, during a partition. */
  private readonly side: Uint8Array;
  /** (g, h) per position, both parities: 4n floats. */
  private readonly gh: Float32Array;
  /** This thread's features of every row, in row order: W words per row. */
  private readonly home: Uint32Array;
  /** The same in position order, both parities: 2 · n · W words. */
  private readonly work: Uint32Array;
  private readonly W: number;
  private readonly fStart: number;
  private readonly fEnd: number;
  /** Local indices (feature − fStart) of this tree's sampled features in the block. */
  private readonly local: Int32Array;
  private localCount = 0;

  private readonly cols: Uint8Array;
  private readonly g: Float32Array;
  private readonly h: Float32Array;
  private readonly sampled: Uint32Array;
  private readonly features: Int32Array;
  private readonly views: Float64Array[];
  private readonly splitI32: Int32Array;
  private readonly splitF64: Float64Array;
  private readonly splitTable: Uint8Array;
  private readonly k: ReturnType<typeof makeKernels>;
  private readonly positions0: Uint32Array;
  private readonly raw: Float64Array;
  private readonly target: Float64Array;
  private readonly objective: Objective;
  private readonly leafI32: Int32Array;
  private readonly leafF64: Float64Array;
  /** Thread 0: the gradient and hessian sums of the root, added in row order. */
  private readonly sums: Float64Array | null;

  constructor(private readonly init: ThreadInit) {
    const { n, F } = init;
    [this.fStart, this.fEnd] = featureBlock(init.index, init.threads, F);
    const Fb = this.fEnd - this.fStart;
    const W = (this.W = (Fb + 3) >> 2);
    this.rows = init.index === 0 ? new Uint32Array(init.positions0) : new Uint32Array(2 * n);
    this.side = new Uint8Array(n);
    this.mids = init.mids ? new Int32Array(init.mids) : new Int32Array(init.slots);
    this.local = new Int32Array(Math.max(1, Fb));
    this.gh = new Float32Array(Fb > 0 ? 4 * n : 0);
    this.home = new Uint32Array(n * W);
    this.work = new Uint32Array(2 * n * W);
    const home8 = new Uint8Array(this.home.buffer);
    const bins = new Uint8Array(init.bins);
    const rowBytes = W * 4;
    for (let i = 0; i < n; i++) {
      const src = i * F + this.fStart;
      const dst = i * rowBytes;
      for (let j = 0; j < Fb; j++) home8[dst + j] = bins[src + j]!;
    }
    this.cols = new Uint8Array(init.cols);
    this.g = new Float32Array(init.g);
    this.h = new Float32Array(init.h);
    this.sampled = new Uint32Array(init.rows);
    this.features = new Int32Array(init.features);
    const d = F * HIST_STRIDE;
    this.views = Array.from({ length: init.slots }, (_, s) => new Float64Array(init.hist, s * d * 8, d));
    this.splitI32 = new Int32Array(init.splitI32);
    this.splitF64 = new Float64Array(init.splitF64);
    this.splitTable = new Uint8Array(init.splitTable);
    this.positions0 = new Uint32Array(init.positions0);
    this.raw = new Float64Array(init.raw);
    this.target = new Float64Array(init.target);
    this.objective = objectiveFor(init.task, init.numClasses);
    this.leafI32 = new Int32Array(init.leafI32);
    this.leafF64 = new Float64Array(init.leafF64);
    this.sums = init.sums ? new Float64Array(init.sums) : null;
    this.k = makeKernels(n, W, this.fStart, Fb, this.local, this.rows, this.side, this.gh, this.work, this.cols);
  }

  /**
   * Starts a tree on the first `rowCount` sampled rows (gradients at gOffset) and the first
   * `featureCount` sampled features; builds the root histogram into slot 0 when asked.
   */
  begin(rowCount: number, gOffset: number, featureCount: number, buildRoot: boolean): void {
    const { rows, sampled } = this;
    let m = 0;
    for (let j = 0; j < featureCount; j++) {
      const f = this.features[j]!;
      if (f >= this.fStart && f < this.fEnd) this.local[m++] = f - this.fStart;
    }
    this.localCount = m;
    const { gh, g, h, home, work, W } = this;
    // Thread 0 sums the root's gradients and hessians on the way, in row order.
    let G = 0;
    let H = 0;
    if (this.fEnd === this.fStart) {
      // Nothing to build (a thread 0 without features only happens with no features at all).
      for (let i = 0; i < rowCount; i++) {
        G += g[gOffset + sampled[i]!]!;
        H += h[gOffset + sampled[i]!]!;
      }
    } else if (rowCount === this.init.n) {
      // Sampled rows are ascending and distinct, so all n of them are the identity: bulk copies.
      rows.set(sampled);
      work.set(home);
      for (let i = 0; i < rowCount; i++) {
        const gi = g[gOffset + i]!;
        const hi = h[gOffset + i]!;
        gh[2 * i] = gi;
        gh[2 * i + 1] = hi;
        G += gi;
        H += hi;
      }
    } else {
      for (let i = 0; i < rowCount; i++) {
        const r = sampled[i]!;
        rows[i] = r;
        const gi = g[gOffset + r]!;
        const hi = h[gOffset + r]!;
        gh[2 * i] = gi;
        gh[2 * i + 1] = hi;
        G += gi;
        H += hi;
        const src = r * W;
        const dst = i * W;
        for (let w = 0; w < W; w++) work[dst + w] = home[src + w]!;
      }
    }
    if (this.sums) {
      this.sums[0] = G;
      this.sums[1] = H;
    }
    if (this.fEnd === this.fStart) return;
    if (buildRoot) this.k.build(this.views[0]!, 0, rowCount, this.localCount, 0);
  }

  /**
   * Adds the leaf values of the `count` leaves in the shared leaf list to the raw scores of
   * output k, for this thread's share of the positions [0, rowCount) (thread 0's positions are
   * the complete ones). Each row is in one leaf and one share, so no two threads touch a row,
   * and each row gets the same single addition whatever the thread count.
   */
  update(count: number, k: number, rowCount: number): void {
    const { positions0: pos, raw, leafI32, leafF64 } = this;
    const { n, threads: T, index: t } = this.init;
    const lo = Math.floor((t * rowCount) / T);
    const hi = Math.floor(((t + 1) * rowCount) / T);
    const base = k * n;
    for (let j = 0; j < count; j++) {
      const s = Math.max(leafI32[j * LEAF_I32]!, lo);
      const e = Math.min(leafI32[j * LEAF_I32 + 1]!, hi);
      const off = (leafI32[j * LEAF_I32 + 2]! & 1) * n;
      const v = leafF64[j]!;
      for (let i = s; i < e; i++) {
        const row = pos[off + i]!;
        raw[base + row] = raw[base + row]! + v;
      }
    }
  }

  /** The gradients of this thread's share of the rows, from the raw scores. */
  gradients(): void {
    const { raw, target, g, h, objective } = this;
    const { n, threads: T, index: t } = this.init;
    const hi = Math.floor(((t + 1) * n) / T);
    for (let i = Math.floor((t * n) / T); i < hi; i++) objective.gradientAt(raw, target, g, h, n, i);
  }

  /**
   * Partitions each of the `count` splits in the shared split list, then builds the histogram of
   * the smaller child of each split that has a child to split further, into consecutive slots.
   */
  level(count: number): void {
    const { splitI32, splitF64, splitTable, mids } = this;
    const { maxDepth, minChildWeight: mcw } = this.init;
    let q = 0;
    for (let s = 0; s < count; s++) {
      const start = splitI32[s * SPLIT_I32]!;
      const end = splitI32[s * SPLIT_I32 + 1]!;
      const feature = splitI32[s * SPLIT_I32 + 2]!;
      const parity = splitI32[s * SPLIT_I32 + 3]! & 1;
      const depth = splitI32[s * SPLIT_I32 + 3]! + 1;
      const leftH = splitF64[s * SPLIT_F64]!;
      const rightH = splitF64[s * SPLIT_F64 + 1]!;
      // Children that can never split need no histogram, and their rows only matter to score
      // updates, which read thread 0's row ids: only thread 0 partitions them, and only the ids.
      const final = !canSplit(depth, 2, leftH, maxDepth, mcw) && !canSplit(depth, 2, rightH, maxDepth, mcw);
      const table = splitTable.subarray(s * SPLIT_TABLE, (s + 1) * SPLIT_TABLE);
      let mid: number;
      if (final) {
        mid = this.init.index === 0 ? this.k.partition(start, end, feature, table, parity, false) : start;
      } else mid = this.k.partition(start, end, feature, table, parity, this.W > 0);
      mids[s] = mid;
      if (final) continue;
      const needLeft = canSplit(depth, mid - start, leftH, maxDepth, mcw);
      const needRight = canSplit(depth, end - mid, rightH, maxDepth, mcw);
      if (!needLeft && !needRight) continue;
      const view = this.views[q++]!;
      if (mid - start <= end - mid) this.k.build(view, start, mid, this.localCount, parity ^ 1);
      else this.k.build(view, mid, end, this.localCount, parity ^ 1);
    }
  }
}

/** parent -= child over the listed features: the larger child's histogram without a pass over its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, features: Int32Array, count: number): void {
  for (let j = 0; j < count; j++) {
    const base = features[j]! * HIST_STRIDE;
    for (let k = base; k < base + HIST_STRIDE; k++) parent[k] = parent[k]! - child[k]!;
  }
}
