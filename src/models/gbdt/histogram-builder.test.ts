import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { gbdtKind } from './gbdt-kind.js';
import { makeTable } from '../../core/index.js';
import type { GbdtModel } from './gbdt-model.js';
import { Prng } from './prng.js';
import { HistogramBuilder } from './histogram-builder.js';
import { HIST_STRIDE } from './histogram-layout.js';
import { transposeBins } from './bin-mapper.js';

const sab = <T>(make: (b: SharedArrayBuffer) => T, bytes: number): T => make(new SharedArrayBuffer(bytes));

/** n rows × F features of scattered bins, with gradients sin(i) and hessians 1..3. */
function sharedBuffers(n: number, F: number) {
  const bins = sab((b) => new Uint8Array(b), n * F);
  for (let i = 0; i < n * F; i++) bins[i] = (i * 7919) % 256;
  const buf = {
    bins,
    cols: transposeBins(bins, n, F, true),
    F,
    g: sab((b) => new Float32Array(b), n * 4),
    h: sab((b) => new Float32Array(b), n * 4),
    rows: sab((b) => new Uint32Array(b), n * 4),
    features: sab((b) => new Int32Array(b), F * 4),
    raw: sab((b) => new Float64Array(b), n * 8),
    target: sab((b) => new Float64Array(b), n * 8),
  };
  for (let i = 0; i < n; i++) {
    buf.g[i] = Math.sin(i);
    buf.h[i] = 1 + (i % 3);
  }
  return buf;
}

const LIMITS = { maxDepth: 6, maxLeaves: 0, minChildWeight: 1, task: 'regression', numClasses: 1 } as const;

describe('parallel histograms', () => {
  it('build the same sums on worker threads as on one thread, partition alike, and close every thread', async () => {
    const n = 20_000;
    const F = 7;
    const buf = sharedBuffers(n, F);
    const { bins } = buf;
    // Naive sums over a list of row ids, in that order.
    const naive = (rowIds: number[], feats: number[]): Float64Array => {
      const e = new Float64Array(F * HIST_STRIDE);
      for (const r of rowIds) {
        for (const f of feats) {
          const k = f * HIST_STRIDE + bins[r * F + f]! * 2;
          e[k] = e[k]! + buf.g[r]!;
          e[k + 1] = e[k + 1]! + buf.h[r]!;
        }
      }
      return e;
    };
    const at = (a: Float64Array, f: number): number[] => Array.from(a.subarray(f * HIST_STRIDE, (f + 1) * HIST_STRIDE));
    // Every feature (the packed fast path), then a column sample (one byte per feature).
    for (const feats of [[0, 1, 2, 3, 4, 5, 6], [0, 2, 3, 5]]) {
      buf.features.set(feats);
      // A row sample: every row but multiples of 3, ascending.
      const sampled = [...Array(n).keys()].filter((i) => i % 3 !== 0);
      buf.rows.set(sampled);
      for (const threads of [1, 2]) {
        const builder = await HistogramBuilder.create(buf, threads, LIMITS);
        try {
          expect(builder.threads).toBe(threads);
          const sums = builder.begin(sampled.length, 0, feats.length, true);
          let [G, H] = [0, 0];
          for (const r of sampled) [G, H] = [G + buf.g[r]!, H + buf.h[r]!];
          expect(sums).toEqual({ G, H });
          const root = naive(sampled, feats);
          for (const f of feats) expect(at(builder.slot(0), f)).toEqual(at(root, f));
          // Feature 1, bins <= 100 left, missing (255) left too.
          const goesLeft = (r: number): boolean => bins[r * F + 1]! <= 100 || bins[r * F + 1] === 255;
          const left = sampled.filter(goesLeft);
          const right = sampled.filter((r) => !goesLeft(r));
          const mids = builder.level([{ start: 0, end: sampled.length, feature: 1, depth: 0, leftH: 1e6, rightH: 1e6, bin: 100, catLeft: null, defaultLeft: true }]);
          expect(mids[0]).toBe(left.length);
          expect(Array.from(builder.positions(1).subarray(0, sampled.length))).toEqual([...left, ...right]);
          const small = naive(left.length <= right.length ? left : right, feats);
          for (const f of feats) expect(at(builder.slot(0), f)).toEqual(at(small, f));
        } finally {
          await builder.close();
        }
        expect(builder.liveThreads()).toBe(0);
      }
    }
  });

  it('fails a hand-off whose worker thread has died instead of waiting for it forever', async () => {
    const n = 1000;
    const buf = sharedBuffers(n, 4);
    buf.rows.set([...Array(n).keys()]);
    buf.features.set([0, 1, 2, 3]);
    const builder = await HistogramBuilder.create(buf, 2, LIMITS);
    try {
      expect(builder.begin(n, 0, 4, true).H).toBeGreaterThan(0);
      // As an out-of-memory worker would: gone without a word.
      await (builder as unknown as { workers: Worker[] }).workers[1]!.terminate();
      expect(() => builder.begin(n, 0, 4, true)).toThrow(/worker 1 stopped/);
    } finally {
      await builder.close();
    }
  });

  it('gives a model that does not depend on the thread count', async () => {
    // Large enough (20k rows × 6 features) for the root and upper levels to go parallel.
    const n = 20_000;
    const prng = new Prng(4);
    const columns = Array.from({ length: 6 }, (_, j) => ({ name: `x${j}`, type: 'float' as const, values: Float64Array.from({ length: n }, () => (prng.next() < 0.05 ? NaN : prng.next())) }));
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * (columns[0]!.values[i]! || 0.5)) + (columns[1]!.values[i]! || 0) * (columns[2]!.values[i]! || 0));
    const input = { train: makeTable(columns), trainTarget: y, task: 'regression' as const };
    const fit = async (nthread: number) => (await gbdtKind.fit(input, gbdtKind.parseParams({ n_estimators: 8, nthread, colsample_bytree: 0.8 }), { seed: 9 })) as GbdtModel;
    const [one, two] = [await fit(1), await fit(2)];
    expect(JSON.stringify(two.data.trees)).toBe(JSON.stringify(one.data.trees));
    // Multiclass: threads add the leaf values and compute softmax gradients for their rows.
    const cls = Float64Array.from(y, (v) => (v < 0 ? 0 : v < 0.5 ? 1 : 2));
    const multi = { train: makeTable(columns), trainTarget: cls, task: 'multiclass' as const, numClasses: 3 };
    const fitMulti = async (nthread: number) => (await gbdtKind.fit(multi, gbdtKind.parseParams({ n_estimators: 4, max_depth: 4, nthread }), { seed: 9 })) as GbdtModel;
    const [m1, m2] = [await fitMulti(1), await fitMulti(3)];
    expect(m1.data.trees.length).toBe(12);
    expect(JSON.stringify(m2.data.trees)).toBe(JSON.stringify(m1.data.trees));
  });

  it('gives the same leaf-wise, row-sampled, categorical model on one thread and on two', async () => {
    // Leaf-wise growth splits nodes of mixed depths (both position buffers in use at once); a
    // row sample starts trees from a gathered subset; a categorical column splits on sets.
    const n = 12_000;
    const prng = new Prng(5);
    const x = Float64Array.from({ length: n }, () => (prng.next() < 0.05 ? NaN : prng.next()));
    const codes = Int32Array.from({ length: n }, () => (prng.next() < 0.03 ? -1 : Math.floor(prng.next() * 6)));
    const y = Float64Array.from({ length: n }, (_, i) => (codes[i]! % 2 === 0 ? 1 : -1) + Math.sin(5 * (x[i]! || 0.3)) + 0.1 * prng.next());
    const train = makeTable([
      { name: 'x', type: 'float', values: x },
      { name: 'c', type: 'string', codes, dictionary: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { name: 'z', type: 'float', values: Float64Array.from({ length: n }, () => prng.next()) },
    ]);
    const fit = async (nthread: number) =>
      (await gbdtKind.fit({ train, trainTarget: y, task: 'regression' }, gbdtKind.parseParams({ n_estimators: 6, grow_policy: 'lossguide', max_depth: 0, max_leaves: 12, subsample: 0.7, nthread }), { seed: 3 })) as GbdtModel;
    const [one, two] = [await fit(1), await fit(2)];
    expect(one.data.trees[0]!.catLeft.some((c) => c.length > 0)).toBe(true);
    expect(one.data.trees[0]!.feature.filter((f) => f >= 0).length).toBe(11);
    expect(JSON.stringify(two.data.trees)).toBe(JSON.stringify(one.data.trees));
  });
});
