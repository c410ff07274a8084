import { describe, expect, it } from 'vitest';
import { gbdtKind } from './gbdt-kind.js';
import { makeTable } from '../../core/index.js';
import type { GbdtModel } from './gbdt-model.js';
import { Prng } from './prng.js';
import { HistogramBuilder } from './histogram-builder.js';
import { buildHistogram, HIST_STRIDE } from './histogram.js';

const sab = <T>(make: (b: SharedArrayBuffer) => T, bytes: number): T => make(new SharedArrayBuffer(bytes));

describe('parallel histograms', () => {
  it('build the same sums on worker threads as on one thread, and close every thread', async () => {
    const n = 20_000;
    const F = 6;
    const buf = {
      bins: sab((b) => new Uint8Array(b), n * F),
      F,
      g: sab((b) => new Float32Array(b), n * 4),
      h: sab((b) => new Float32Array(b), n * 4),
      rows: sab((b) => new Uint32Array(b), n * 4),
      features: sab((b) => new Int32Array(b), F * 4),
    };
    for (let i = 0; i < n * F; i++) buf.bins[i] = (i * 7919) % 256;
    for (let i = 0; i < n; i++) {
      buf.g[i] = Math.sin(i);
      buf.h[i] = 1 + (i % 3);
      buf.rows[i] = i;
    }
    buf.features.set([0, 2, 3, 5]);
    const ranges = [{ start: 100, end: n }, { start: 5, end: 9000 }];
    const expected = ranges.map(({ start, end }) => {
      const e = new Float64Array(F * HIST_STRIDE);
      buildHistogram(e, buf.bins, F, buf.rows, start, end, buf.g, buf.h, 0, buf.features, 0, 4);
      return e;
    });
    const builder = await HistogramBuilder.create(buf, 2);
    try {
      expect(builder.threads).toBe(2);
      builder.build(ranges, 0, 4);
      for (let q = 0; q < ranges.length; q++) {
        for (const f of [0, 2, 3, 5]) {
          const at = (a: Float64Array): number[] => Array.from(a.subarray(f * HIST_STRIDE, (f + 1) * HIST_STRIDE));
          expect(at(builder.slot(q))).toEqual(at(expected[q]!));
        }
      }
    } finally {
      await builder.close();
    }
    expect(builder.liveThreads()).toBe(0);
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
  });
});
