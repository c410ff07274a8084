/** A histogram worker thread: waits on its control words and does its share of each hand-off. */
import { parentPort } from 'node:worker_threads';
import { osThreadId } from '../../core/index.js';
import { ThreadState, type ThreadInit } from './histogram.js';
import { CTRL, OP } from './histogram-layout.js';

parentPort!.once('message', (init: ThreadInit) => {
  const state = new ThreadState(init);
  const ctrl = new Int32Array(init.ctrl);
  const base = init.index * CTRL.SIZE;
  // The main thread checks that this thread still runs while it waits for a hand-off.
  ctrl[base + CTRL.TID] = osThreadId();
  parentPort!.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, base + CTRL.SEQ, seen);
    seen = Atomics.load(ctrl, base + CTRL.SEQ);
    if (Atomics.load(ctrl, base + CTRL.EXIT) !== 0) break;
    try {
      if (ctrl[base + CTRL.OP] === OP.BEGIN) {
        state.begin(ctrl[base + CTRL.ROWS]!, ctrl[base + CTRL.G_OFFSET]!, ctrl[base + CTRL.FEATURES]!, ctrl[base + CTRL.JOBS] === 1);
      } else if (ctrl[base + CTRL.OP] === OP.LEVEL) state.level(ctrl[base + CTRL.JOBS]!);
      else if (ctrl[base + CTRL.OP] === OP.UPDATE) state.update(ctrl[base + CTRL.JOBS]!, ctrl[base + CTRL.G_OFFSET]!, ctrl[base + CTRL.ROWS]!);
      else state.gradients();
    } catch {
      Atomics.store(ctrl, base + CTRL.ERROR, 1);
    }
    Atomics.store(ctrl, base + CTRL.DONE, seen);
    Atomics.notify(ctrl, base + CTRL.DONE);
  }
  parentPort!.close();
});
