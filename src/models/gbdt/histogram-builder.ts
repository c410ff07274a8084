/**
 * Builds node histograms on the main thread plus (nthread − 1) worker threads. Everything a
 * worker reads (binned rows, gradients, hessians, row indices, the feature list) and the
 * histograms it writes live in SharedArrayBuffers; a batch is signalled through Atomics, not
 * messages. A batch holds every histogram one tree level needs, so a depth-6 tree costs about
 * six thread hand-offs rather than one per node (which matters when the cores are oversubscribed
 * and each hand-off waits for the scheduler). Threads split the feature list, so every
 * (feature, bin) sum is added in row order whatever the thread count: models do not depend on nthread.
 */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { KeelError, startWorker } from '../../core/index.js';
import { CTRL, featureShare, HIST_STRIDE, JOB_SIZE, runJobs, type HistogramWorkerInit } from './histogram.js';

/** Below this many (row, feature) updates a batch is built on the main thread alone. */
const PARALLEL_MIN_WORK = 1 << 16;
/** Shared histogram slots are capped at this many bytes in all. */
const SLOT_BYTES_CAP = 64 << 20;

export interface SharedTrainingBuffers {
  readonly bins: Uint8Array;
  readonly F: number;
  readonly g: Float32Array;
  readonly h: Float32Array;
  readonly rows: Uint32Array;
  readonly features: Int32Array;
}

export interface RowRange {
  readonly start: number;
  readonly end: number;
}

export class HistogramBuilder {
  private seq = 0;
  private closed = false;
  /** One view per slot: batch job q's histogram lands in slot(q). */
  private readonly views: Float64Array[];

  private constructor(
    private readonly buf: SharedTrainingBuffers,
    private readonly workers: Worker[],
    private readonly ctrl: Int32Array,
    private readonly jobs: Int32Array,
    hist: SharedArrayBuffer,
    readonly slots: number,
  ) {
    const d = buf.F * HIST_STRIDE;
    this.views = Array.from({ length: slots }, (_, s) => new Float64Array(hist, s * d * 8, d));
  }

  /** Starts `threads − 1` workers; with threads <= 1 everything runs on the calling thread. */
  static async create(buf: SharedTrainingBuffers, threads: number): Promise<HistogramBuilder> {
    const T = Math.max(1, threads);
    const slotBytes = Math.max(1, buf.F) * HIST_STRIDE * 8;
    const slots = Math.max(1, Math.min(64, Math.floor(SLOT_BYTES_CAP / slotBytes)));
    const hist = new SharedArrayBuffer(slots * slotBytes);
    const jobs = new Int32Array(new SharedArrayBuffer(slots * JOB_SIZE * 4));
    const ctrl = new Int32Array(new SharedArrayBuffer(T * CTRL.SIZE * 4));
    const workers: Worker[] = [];
    try {
      for (let w = 0; w < T - 1; w++) {
        const worker = startWorker(new URL('./histogram-worker.ts', import.meta.url));
        workers.push(worker);
        const init: HistogramWorkerInit = {
          bins: buf.bins.buffer as SharedArrayBuffer,
          F: buf.F,
          g: buf.g.buffer as SharedArrayBuffer,
          h: buf.h.buffer as SharedArrayBuffer,
          rows: buf.rows.buffer as SharedArrayBuffer,
          features: buf.features.buffer as SharedArrayBuffer,
          hist,
          slots,
          jobs: jobs.buffer as SharedArrayBuffer,
          threads: T,
          ctrl: ctrl.buffer as SharedArrayBuffer,
          index: w,
        };
        worker.postMessage(init);
      }
      await Promise.all(workers.map(async (w) => {
        const [msg] = (await Promise.race([once(w, 'message'), once(w, 'error').then(([e]) => Promise.reject(e as Error))])) as [unknown];
        if (msg !== 'ready') throw new KeelError('INTERNAL', 'histogram worker failed to start');
      }));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new HistogramBuilder(buf, workers, ctrl, jobs, hist, slots);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Worker threads still running (0 after close()). */
  liveThreads(): number {
    return this.workers.filter((w) => w.threadId !== -1).length;
  }

  /** The histogram of batch job q after build(). */
  slot(q: number): Float64Array {
    return this.views[q]!;
  }

  /**
   * Builds the histogram of each range (at most `slots` of them) over the first `featureCount`
   * listed features; job q's histogram is then slot(q).
   */
  build(ranges: readonly RowRange[], gOffset: number, featureCount: number): void {
    if (ranges.length > this.slots) throw new KeelError('INTERNAL', `histogram batch of ${ranges.length} exceeds ${this.slots} slots`);
    const { bins, F, rows, g, h, features } = this.buf;
    const jobs = this.jobs;
    let work = 0;
    ranges.forEach((r, q) => {
      jobs[q * JOB_SIZE] = r.start;
      jobs[q * JOB_SIZE + 1] = r.end;
      work += (r.end - r.start) * featureCount;
    });
    const T = this.workers.length + 1;
    if (T === 1 || work < PARALLEL_MIN_WORK || featureCount < T) {
      runJobs(this.views, jobs, ranges.length, bins, F, rows, g, h, gOffset, features, 0, featureCount);
      return;
    }
    const seq = ++this.seq;
    const ctrl = this.ctrl;
    for (let w = 0; w < T - 1; w++) {
      const base = w * CTRL.SIZE;
      ctrl[base + CTRL.JOBS] = ranges.length;
      ctrl[base + CTRL.G_OFFSET] = gOffset;
      ctrl[base + CTRL.FEATURES] = featureCount;
      Atomics.store(ctrl, base + CTRL.SEQ, seq);
      Atomics.notify(ctrl, base + CTRL.SEQ);
    }
    const [fStart, fEnd] = featureShare(0, T, featureCount);
    runJobs(this.views, jobs, ranges.length, bins, F, rows, g, h, gOffset, features, fStart, fEnd);
    for (let w = 0; w < T - 1; w++) {
      const base = w * CTRL.SIZE;
      let done = Atomics.load(ctrl, base + CTRL.DONE);
      while (done !== seq) {
        Atomics.wait(ctrl, base + CTRL.DONE, done, 1000);
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
    const exits = this.workers.map((w) => once(w, 'exit'));
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
