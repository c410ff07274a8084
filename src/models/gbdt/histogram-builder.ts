/**
 * Builds node histograms on the main thread plus (nthread − 1) worker threads. Everything a
 * worker reads (binned rows, gradients, hessians, row indices, the feature list) and the
 * histogram it writes live in SharedArrayBuffers; a build is signalled through Atomics, not
 * messages, because a tree needs dozens of builds and a message round trip costs more than a
 * small node's whole histogram. Threads split the feature list, so every (feature, bin) sum is
 * added in row order whatever the thread count: models do not depend on nthread.
 */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { KeelError, startWorker } from '../../core/index.js';
import { buildHistogram, CTRL, type HistogramWorkerInit } from './histogram.js';

/** Below this many (row, feature) updates a node is built on the main thread alone. */
const PARALLEL_MIN_WORK = 1 << 16;

export interface SharedTrainingBuffers {
  readonly bins: Uint8Array;
  readonly F: number;
  readonly g: Float32Array;
  readonly h: Float32Array;
  readonly rows: Uint32Array;
  readonly features: Int32Array;
  /** Where builds land (F × HIST_STRIDE doubles). */
  readonly hist: Float64Array;
}

export class HistogramBuilder {
  private seq = 0;
  private closed = false;

  private constructor(
    private readonly buf: SharedTrainingBuffers,
    private readonly workers: Worker[],
    private readonly ctrl: Int32Array,
  ) {}

  /** Starts `threads − 1` workers; with threads <= 1 everything runs on the calling thread. */
  static async create(buf: SharedTrainingBuffers, threads: number): Promise<HistogramBuilder> {
    const nWorkers = Math.max(0, threads - 1);
    const ctrl = new Int32Array(new SharedArrayBuffer(Math.max(1, nWorkers) * CTRL.SIZE * 4));
    const workers: Worker[] = [];
    try {
      for (let w = 0; w < nWorkers; w++) {
        const worker = startWorker(new URL('./histogram-worker-boot.mjs', import.meta.url));
        workers.push(worker);
        const init: HistogramWorkerInit = {
          bins: buf.bins.buffer as SharedArrayBuffer,
          F: buf.F,
          g: buf.g.buffer as SharedArrayBuffer,
          h: buf.h.buffer as SharedArrayBuffer,
          rows: buf.rows.buffer as SharedArrayBuffer,
          features: buf.features.buffer as SharedArrayBuffer,
          hist: buf.hist.buffer as SharedArrayBuffer,
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
    return new HistogramBuilder(buf, workers, ctrl);
  }

  /** Worker threads still running (0 after close()). */
  liveThreads(): number {
    return this.workers.filter((w) => w.threadId !== -1).length;
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Builds the histogram of rows[start, end) over the first `featureCount` listed features into buf.hist. */
  build(start: number, end: number, gOffset: number, featureCount: number): void {
    const { bins, F, rows, g, h, features, hist } = this.buf;
    const T = this.workers.length + 1;
    if (T === 1 || (end - start) * featureCount < PARALLEL_MIN_WORK || featureCount < T) {
      buildHistogram(hist, bins, F, rows, start, end, g, h, gOffset, features, 0, featureCount);
      return;
    }
    const seq = ++this.seq;
    const ctrl = this.ctrl;
    for (let w = 0; w < T - 1; w++) {
      const base = w * CTRL.SIZE;
      ctrl[base + CTRL.START] = start;
      ctrl[base + CTRL.END] = end;
      ctrl[base + CTRL.G_OFFSET] = gOffset;
      ctrl[base + CTRL.F_START] = Math.floor(((w + 1) * featureCount) / T);
      ctrl[base + CTRL.F_END] = Math.floor(((w + 2) * featureCount) / T);
      Atomics.store(ctrl, base + CTRL.SEQ, seq);
      Atomics.notify(ctrl, base + CTRL.SEQ);
    }
    buildHistogram(hist, bins, F, rows, start, end, g, h, gOffset, features, 0, Math.floor(featureCount / T));
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
