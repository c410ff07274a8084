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

/** Doubles per feature: 256 bins × (g, h). The hot loop writes it as `f << 9`. */
export const HIST_STRIDE = 512;

/** Control words per worker in the shared Int32Array. */
export const CTRL = { SEQ: 0, DONE: 1, OP: 2, JOBS: 3, G_OFFSET: 4, FEATURES: 5, ROWS: 6, EXIT: 7, ERROR: 8, TID: 9, SIZE: 16 } as const;
/** What a hand-off asks of the threads: start a tree, partition a level and build its histograms, add a tree's leaf values to the scores, or compute gradients. */
export const OP = { BEGIN: 1, LEVEL: 2, UPDATE: 3, GRADIENTS: 4 } as const;
/** Int32s per split in the shared split list: start, end (positions), feature, depth of the parent. */
export const SPLIT_I32 = 4;
/** Float64s per split: the hessian sums of the left and the right child. */
export const SPLIT_F64 = 2;
/** Bytes per split in the shared side table: 1 where a bin goes left (bin 255 = missing). */
export const SPLIT_TABLE = 256;
/** Int32s per leaf in the shared leaf list: start, end (positions), depth. */
export const LEAF_I32 = 3;

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

/**
 * The hot loops of one thread, as closures over its arrays. While an isolate has made only one
 * closure of these, V8 specializes the compiled code to it and treats the arrays as constants,
 * which measured 1.5× faster than the same loops reading them from `this` or from arguments
 * (10 vs 15 ms to partition 800k rows; 1.6 vs 1.9 ns per histogram update). Workers get that;
 * a main thread that fits several models (nthread 1) gets the ordinary speed. Both parities
 * live in one array each (an offset selects one) so the arrays stay these constants.
 */
function makeKernels(
  n: number,
  W: number,
  fStart: number,
  Fb: number,
  local: Int32Array,
  rows: Uint32Array,
  side: Uint8Array,
  gh: Float32Array,
  work: Uint32Array,
  cols: Uint8Array,
): {
  partition: (start: number, end: number, feature: number, table: Uint8Array, parity: number, all: boolean) => number;
  build: (hist: Float64Array, start: number, end: number, m: number, parity: number) => void;
} {
  const work8 = new Uint8Array(work.buffer, work.byteOffset, work.byteLength);
  /**
   * Stable partition of positions [start, end) from one parity into the other: the row ids, and
   * with `all` the gradient pairs and bins too. Two passes: the sides into `side` (counting the
   * left), then a branch-free scatter at known offsets (measured 2× faster than one branchy
   * pass into scratch space on random sides: 7 vs 16 ms on 800k rows).
   */
  const partition = (start: number, end: number, feature: number, table: Uint8Array, parity: number, all: boolean): number => {
    const cb = feature * n;
    const ri = parity * n;
    const ro = (parity ^ 1) * n;
    let nl = 0;
    for (let i = start; i < end; i++) {
      const d = table[cols[cb + rows[ri + i]!]!]!;
      side[i] = d;
      nl += d;
    }
    let l = start;
    let r = start + nl;
    if (!all) {
      for (let i = start; i < end; i++) {
        const d = side[i]!;
        const dst = d === 1 ? l : r;
        l += d;
        r += d ^ 1;
        rows[ro + dst] = rows[ri + i]!;
      }
    } else if (W === 4) {
      const wi = parity * n * 4;
      const wo = (parity ^ 1) * n * 4;
      for (let i = start; i < end; i++) {
        const d = side[i]!;
        const dst = d === 1 ? l : r;
        l += d;
        r += d ^ 1;
        rows[ro + dst] = rows[ri + i]!;
        gh[2 * (ro + dst)] = gh[2 * (ri + i)]!;
        gh[2 * (ro + dst) + 1] = gh[2 * (ri + i) + 1]!;
        const o = wo + (dst << 2);
        const src = wi + (i << 2);
        work[o] = work[src]!;
        work[o + 1] = work[src + 1]!;
        work[o + 2] = work[src + 2]!;
        work[o + 3] = work[src + 3]!;
      }
    } else {
      const wi = parity * n * W;
      const wo = (parity ^ 1) * n * W;
      for (let i = start; i < end; i++) {
        const d = side[i]!;
        const dst = d === 1 ? l : r;
        l += d;
        r += d ^ 1;
        rows[ro + dst] = rows[ri + i]!;
        gh[2 * (ro + dst)] = gh[2 * (ri + i)]!;
        gh[2 * (ro + dst) + 1] = gh[2 * (ri + i) + 1]!;
        const o = wo + dst * W;
        const src = wi + i * W;
        for (let w = 0; w < W; w++) work[o + w] = work[src + w]!;
      }
    }
    return start + nl;
  };

  /** This thread's features of the histogram of positions [start, end) at a parity, into `hist`. */
  const build = (hist: Float64Array, start: number, end: number, m: number, parity: number): void => {
    for (let k = 0; k < m; k++) {
      const base = (fStart + local[k]!) * HIST_STRIDE;
      hist.fill(0, base, base + HIST_STRIDE);
    }
    if (m === 0) return;
    const base0 = fStart << 9;
    const p = parity * n;
    if (m === Fb) {
      // Every feature of the block: four bins per word read, four features per step (V8 does
      // not unroll; this halves the time per update).
      const full = Fb >> 2;
      const rem = Fb & 3;
      for (let i = start; i < end; i++) {
        const gr = gh[2 * (p + i)]!;
        const hr = gh[2 * (p + i) + 1]!;
        const rb = (p + i) * W;
        for (let w = 0; w < full; w++) {
          const x = work[rb + w]!;
          const b = base0 + (w << 11);
          const i0 = b + ((x & 255) << 1);
          const i1 = b + 512 + (((x >>> 8) & 255) << 1);
          const i2 = b + 1024 + (((x >>> 16) & 255) << 1);
          const i3 = b + 1536 + ((x >>> 24) << 1);
          hist[i0] = hist[i0]! + gr;
          hist[i0 + 1] = hist[i0 + 1]! + hr;
          hist[i1] = hist[i1]! + gr;
          hist[i1 + 1] = hist[i1 + 1]! + hr;
          hist[i2] = hist[i2]! + gr;
          hist[i2 + 1] = hist[i2 + 1]! + hr;
          hist[i3] = hist[i3]! + gr;
          hist[i3 + 1] = hist[i3 + 1]! + hr;
        }
        if (rem > 0) {
          const x = work[rb + full]!;
          const b = base0 + (full << 11);
          for (let k = 0; k < rem; k++) {
            const idx = b + (k << 9) + (((x >>> (k << 3)) & 255) << 1);
            hist[idx] = hist[idx]! + gr;
            hist[idx + 1] = hist[idx + 1]! + hr;
          }
        }
      }
      return;
    }
    // A column sample: only the sampled features, one byte each.
    const rowBytes = W * 4;
    for (let i = start; i < end; i++) {
      const gr = gh[2 * (p + i)]!;
      const hr = gh[2 * (p + i) + 1]!;
      const rb = (p + i) * rowBytes;
      for (let k = 0; k < m; k++) {
        const lf = local[k]!;
        const idx = base0 + (lf << 9) + (work8[rb + lf]! << 1);
        hist[idx] = hist[idx]! + gr;
        hist[idx + 1] = hist[idx + 1]! + hr;
      }
    }
  };
  return { partition, build };
}

/** parent -= child over the listed features: the larger child's histogram without a pass over its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, features: Int32Array, count: number): void {
  for (let j = 0; j < count; j++) {
    const base = features[j]! * HIST_STRIDE;
    for (let k = base; k < base + HIST_STRIDE; k++) parent[k] = parent[k]! - child[k]!;
  }
}
