/**
 * Runs the per-thread work of growing a tree (histogram.ts) on the main thread (nthread 1) or on
 * nthread worker threads, the main thread only coordinating. Each thread owns a block of
 * features and its own position-ordered copy of the rows; what they share (binned rows,
 * gradients, hessians, raw scores and targets, the sampled rows and features, a level's split
 * list, a tree's leaf list, and the histograms they write) lives in SharedArrayBuffers, and a
 * hand-off is signalled through Atomics, not messages. A hand-off covers a whole tree level
 * (partition every split, then build every new histogram), so a depth-6 tree costs about seven
 * hand-offs, which matters when the cores are oversubscribed and each one waits for the scheduler.
 */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { KeelError, startWorker, threadAlive } from '../../core/index.js';
import { ThreadState, type ThreadInit } from './histogram.js';
import { CTRL, HIST_STRIDE, LEAF_I32, OP, SPLIT_F64, SPLIT_I32, SPLIT_TABLE } from './histogram-layout.js';
import type { LeafUpdate, LevelSplit, SharedTrainingBuffers, TreeLimits } from './histogram-builder-types.js';

/** Shared histogram slots are capped at this many bytes in all. */
const SLOT_BYTES_CAP = 64 << 20;

export class HistogramBuilder {
  private seq = 0;
  private closed = false;
  private readonly views: Float64Array[];

  private constructor(
    /** The thread state when the main thread does the work (one thread), else null. */
    private readonly main: ThreadState | null,
    /** Thread 0's position → row ids and level results. */
    private readonly rows0: Uint32Array,
    private readonly mids0: Int32Array,
    private readonly sums0: Float64Array,
    private readonly workers: Worker[],
    private readonly ctrl: Int32Array,
    private readonly splitI32: Int32Array,
    private readonly splitF64: Float64Array,
    private readonly splitTable: Uint8Array,
    private readonly leafI32: Int32Array,
    private readonly leafF64: Float64Array,
    hist: SharedArrayBuffer,
    F: number,
    readonly slots: number,
  ) {
    const d = F * HIST_STRIDE;
    this.views = Array.from({ length: slots }, (_, s) => new Float64Array(hist, s * d * 8, d));
  }

  /**
   * Starts the workers for `threads` requested over F features early (one per thread, at most
   * one per feature; none for one thread, which runs on the calling thread): booting a worker
   * (loading its modules) takes a few hundred ms, which can overlap binning. Pass them to
   * create(); terminate them if create() is never reached.
   */
  static spawn(threads: number, F: number): Worker[] {
    const T = Math.max(1, Math.min(threads, F));
    const workers: Worker[] = [];
    for (let w = 0; T > 1 && w < T; w++) workers.push(startWorker(new URL('./histogram-worker.ts', import.meta.url)));
    return workers;
  }

  static async create(buf: SharedTrainingBuffers, threads: number, limits: TreeLimits, spawned?: Worker[]): Promise<HistogramBuilder> {
    const F = buf.F;
    const n = buf.rows.length;
    const T = Math.max(1, Math.min(threads, F));
    let workers = spawned ?? HistogramBuilder.spawn(T, F);
    if (workers.length !== (T > 1 ? T : 0)) {
      // Spawned for another feature count (a table with columns the model does not use).
      await Promise.all(workers.map((w) => w.terminate()));
      workers = HistogramBuilder.spawn(T, F);
    }
    const slotBytes = Math.max(1, F) * HIST_STRIDE * 8;
    const slots = Math.max(1, Math.min(64, Math.floor(SLOT_BYTES_CAP / slotBytes)));
    const hist = new SharedArrayBuffer(slots * slotBytes);
    const ctrl = new Int32Array(new SharedArrayBuffer(T * CTRL.SIZE * 4));
    const positions = new SharedArrayBuffer(Math.max(1, 2 * n) * 4);
    const mids = new SharedArrayBuffer(slots * 4);
    const sums = new SharedArrayBuffer(16);
    const leafCap = Math.max(1, Math.min(n, limits.maxLeaves > 0 ? limits.maxLeaves : limits.maxDepth > 0 ? 2 ** limits.maxDepth : n));
    const leafI32 = new SharedArrayBuffer(leafCap * LEAF_I32 * 4);
    const leafF64 = new SharedArrayBuffer(leafCap * 8);
    const splitI32 = new SharedArrayBuffer(slots * SPLIT_I32 * 4);
    const splitF64 = new SharedArrayBuffer(slots * SPLIT_F64 * 8);
    const splitTable = new SharedArrayBuffer(slots * SPLIT_TABLE);
    const init = (index: number): ThreadInit => ({
      bins: buf.bins.buffer as SharedArrayBuffer,
      cols: buf.cols.buffer as SharedArrayBuffer,
      n,
      F,
      g: buf.g.buffer as SharedArrayBuffer,
      h: buf.h.buffer as SharedArrayBuffer,
      rows: buf.rows.buffer as SharedArrayBuffer,
      features: buf.features.buffer as SharedArrayBuffer,
      hist,
      slots,
      splitI32,
      splitF64,
      splitTable,
      threads: T,
      index,
      ...(index === 0 ? { mids, sums } : {}),
      maxDepth: limits.maxDepth,
      minChildWeight: limits.minChildWeight,
      positions0: positions,
      raw: buf.raw.buffer as SharedArrayBuffer,
      target: buf.target.buffer as SharedArrayBuffer,
      task: limits.task,
      numClasses: limits.numClasses,
      leafI32,
      leafF64,
      ctrl: ctrl.buffer as SharedArrayBuffer,
    });
    try {
      // One thread: the main thread does the work. More: all of it runs on workers (see histogram.ts).
      workers.forEach((worker, w) => worker.postMessage(init(w)));
      const main = T === 1 ? new ThreadState(init(0)) : null;
      await Promise.all(workers.map(async (w) => {
        const [msg] = (await Promise.race([once(w, 'message'), once(w, 'error').then(([e]) => Promise.reject(e as Error))])) as [unknown];
        if (msg !== 'ready') throw new KeelError('INTERNAL', 'histogram worker failed to start');
      }));
      return new HistogramBuilder(main, new Uint32Array(positions), new Int32Array(mids), new Float64Array(sums), workers, ctrl, new Int32Array(splitI32), new Float64Array(splitF64), new Uint8Array(splitTable), new Int32Array(leafI32), new Float64Array(leafF64), hist, F, slots);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
  }

  get threads(): number {
    return Math.max(1, this.workers.length);
  }

  /** Worker threads still running (0 after close()). */
  liveThreads(): number {
    return this.workers.filter((w) => w.threadId !== -1).length;
  }

  /** Position → row id for the nodes at `depth` of the current tree: each node's rows are one range of positions. */
  positions(depth: number): Uint32Array {
    const n = this.rows0.length >> 1;
    return this.rows0.subarray((depth & 1) * n, ((depth & 1) + 1) * n);
  }

  /** Histogram slot q: the root after begin() (q = 0), or the q-th histogram built by level(). */
  slot(q: number): Float64Array {
    return this.views[q]!;
  }

  /**
   * Starts a tree on the first `rowCount` entries of the shared sampled rows and the first
   * `featureCount` sampled features, with gradients at gOffset; builds the root histogram into
   * slot 0 when `buildRoot`. Returns the root's gradient and hessian sums (added in row order).
   */
  begin(rowCount: number, gOffset: number, featureCount: number, buildRoot: boolean): { G: number; H: number } {
    this.handOff(OP.BEGIN, buildRoot ? 1 : 0, gOffset, featureCount, rowCount, () => this.main?.begin(rowCount, gOffset, featureCount, buildRoot));
    return { G: this.sums0[0]!, H: this.sums0[1]! };
  }

  /**
   * Partitions every split of a level (at most `slots`) and builds the histogram of the smaller
   * child of each split that has a child able to split (in split order, slot 0 onwards).
   * Returns, per split, the first position of the right child.
   */
  level(splits: readonly LevelSplit[]): Int32Array {
    if (splits.length > this.slots) throw new KeelError('INTERNAL', `level of ${splits.length} splits exceeds ${this.slots} slots`);
    const { splitI32, splitF64, splitTable } = this;
    splits.forEach((s, q) => {
      splitI32[q * SPLIT_I32] = s.start;
      splitI32[q * SPLIT_I32 + 1] = s.end;
      splitI32[q * SPLIT_I32 + 2] = s.feature;
      splitI32[q * SPLIT_I32 + 3] = s.depth;
      splitF64[q * SPLIT_F64] = s.leftH;
      splitF64[q * SPLIT_F64 + 1] = s.rightH;
      const table = splitTable.subarray(q * SPLIT_TABLE, (q + 1) * SPLIT_TABLE);
      if (s.catLeft) {
        table.fill(0);
        for (const b of s.catLeft) table[b] = 1;
      } else {
        table.fill(1, 0, s.bin + 1);
        table.fill(0, s.bin + 1);
      }
      table[SPLIT_TABLE - 1] = s.defaultLeft ? 1 : 0;
    });
    this.handOff(OP.LEVEL, splits.length, 0, 0, 0, () => this.main?.level(splits.length));
    return this.mids0;
  }

  /**
   * Adds each leaf's value to the raw scores of output k for the rows at its positions (all
   * rows: [0, rowCount) is every row).
   */
  updateScores(leaves: readonly LeafUpdate[], k: number, rowCount: number): void {
    const { leafI32, leafF64 } = this;
    if (leaves.length > leafF64.length) throw new KeelError('INTERNAL', `${leaves.length} leaves exceed ${leafF64.length}`);
    leaves.forEach((l, j) => {
      leafI32[j * LEAF_I32] = l.start;
      leafI32[j * LEAF_I32 + 1] = l.end;
      leafI32[j * LEAF_I32 + 2] = l.depth;
      leafF64[j] = l.value;
    });
    this.handOff(OP.UPDATE, leaves.length, k, 0, rowCount, () => this.main?.update(leaves.length, k, rowCount));
  }

  /** Gradients and hessians of every row from the shared raw scores, each thread a share of the rows. */
  gradients(): void {
    this.handOff(OP.GRADIENTS, 0, 0, 0, 0, () => this.main?.gradients());
  }

  private handOff(op: number, jobs: number, gOffset: number, features: number, rows: number, own: () => void): void {
    const ctrl = this.ctrl;
    const W = this.workers.length;
    const seq = ++this.seq;
    for (let w = 0; w < W; w++) {
      const base = w * CTRL.SIZE;
      ctrl[base + CTRL.OP] = op;
      ctrl[base + CTRL.JOBS] = jobs;
      ctrl[base + CTRL.G_OFFSET] = gOffset;
      ctrl[base + CTRL.FEATURES] = features;
      ctrl[base + CTRL.ROWS] = rows;
      Atomics.store(ctrl, base + CTRL.SEQ, seq);
      Atomics.notify(ctrl, base + CTRL.SEQ);
    }
    own();
    for (let w = 0; w < W; w++) {
      const base = w * CTRL.SIZE;
      let done = Atomics.load(ctrl, base + CTRL.DONE);
      while (done !== seq) {
        // A worker that died (terminated, out of memory) would never answer: after each second
        // without an answer, ask the kernel whether its thread is still there.
        if (Atomics.wait(ctrl, base + CTRL.DONE, done, 1000) === 'timed-out' && !threadAlive(ctrl[base + CTRL.TID]!)) {
          throw new KeelError('INTERNAL', `histogram worker ${w} stopped in the middle of training`);
        }
        done = Atomics.load(ctrl, base + CTRL.DONE);
      }
      if (Atomics.load(ctrl, base + CTRL.ERROR) !== 0) throw new KeelError('INTERNAL', `histogram worker ${w} failed`);
    }
  }

  /** Stops the workers and waits until their threads have exited. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const ctrl = this.ctrl;
    // A worker that has already exited (threadId -1) sends no more 'exit' events.
    const exits = this.workers.filter((w) => w.threadId !== -1).map((w) => once(w, 'exit'));
    for (let w = 0; w < this.workers.length; w++) {
      const base = w * CTRL.SIZE;
      Atomics.store(ctrl, base + CTRL.EXIT, 1);
      Atomics.store(ctrl, base + CTRL.SEQ, ++this.seq);
      Atomics.notify(ctrl, base + CTRL.SEQ);
    }
    const timeout = setTimeout(() => this.workers.forEach((w) => void w.terminate()), 5000);
    await Promise.all(exits);
    clearTimeout(timeout);
  }
}
