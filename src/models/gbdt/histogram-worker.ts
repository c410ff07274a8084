/** A histogram worker thread: waits on its control words and builds its share of the features. */
import { parentPort } from 'node:worker_threads';
import { buildHistogram, CTRL, type HistogramWorkerInit } from './histogram.js';

parentPort!.once('message', (init: HistogramWorkerInit) => {
  const bins = new Uint8Array(init.bins);
  const g = new Float32Array(init.g);
  const h = new Float32Array(init.h);
  const rows = new Uint32Array(init.rows);
  const features = new Int32Array(init.features);
  const hist = new Float64Array(init.hist);
  const ctrl = new Int32Array(init.ctrl);
  const base = init.index * CTRL.SIZE;
  parentPort!.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, base + CTRL.SEQ, seen);
    seen = Atomics.load(ctrl, base + CTRL.SEQ);
    if (Atomics.load(ctrl, base + CTRL.EXIT) !== 0) break;
    try {
      buildHistogram(hist, bins, init.F, rows, ctrl[base + CTRL.START]!, ctrl[base + CTRL.END]!, g, h, ctrl[base + CTRL.G_OFFSET]!, features, ctrl[base + CTRL.F_START]!, ctrl[base + CTRL.F_END]!);
    } catch {
      Atomics.store(ctrl, base + CTRL.ERROR, 1);
    }
    Atomics.store(ctrl, base + CTRL.DONE, seen);
    Atomics.notify(ctrl, base + CTRL.DONE);
  }
  parentPort!.close();
});
