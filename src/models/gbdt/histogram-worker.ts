/** A histogram worker thread: waits on its control words and builds its share of each batch. */
import { parentPort } from 'node:worker_threads';
import { CTRL, featureShare, HIST_STRIDE, runJobs, type HistogramWorkerInit } from './histogram.js';

parentPort!.once('message', (init: HistogramWorkerInit) => {
  const bins = new Uint8Array(init.bins);
  const g = new Float32Array(init.g);
  const h = new Float32Array(init.h);
  const rows = new Uint32Array(init.rows);
  const features = new Int32Array(init.features);
  const jobs = new Int32Array(init.jobs);
  const slotDoubles = init.F * HIST_STRIDE;
  const views = Array.from({ length: init.slots }, (_, s) => new Float64Array(init.hist, s * slotDoubles * 8, slotDoubles));
  const ctrl = new Int32Array(init.ctrl);
  const base = init.index * CTRL.SIZE;
  parentPort!.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, base + CTRL.SEQ, seen);
    seen = Atomics.load(ctrl, base + CTRL.SEQ);
    if (Atomics.load(ctrl, base + CTRL.EXIT) !== 0) break;
    try {
      const [fStart, fEnd] = featureShare(init.index + 1, init.threads, ctrl[base + CTRL.FEATURES]!);
      runJobs(views, jobs, ctrl[base + CTRL.JOBS]!, bins, init.F, rows, g, h, ctrl[base + CTRL.G_OFFSET]!, features, fStart, fEnd);
    } catch {
      Atomics.store(ctrl, base + CTRL.ERROR, 1);
    }
    Atomics.store(ctrl, base + CTRL.DONE, seen);
    Atomics.notify(ctrl, base + CTRL.DONE);
  }
  parentPort!.close();
});
