import { describe, expect, it } from 'vitest';
import { makeTable } from '../../core/index.js';
import { binTable, fitBins, MISSING_BIN, numBins, numericBin, paddedEdges, transposeBins } from './bin-mapper.js';
import { Prng } from './prng.js';

describe('bin mapper', () => {
  const prng = new Prng(11);
  const n = 50_000;
  const values = Float64Array.from({ length: n }, (_, i) => (i % 50 === 0 ? NaN : (prng.next() - 0.5) * 1e3 * (i % 3 === 0 ? 1e-6 : 1)));
  const table = makeTable([
    { name: 'x', type: 'float', values },
    { name: 'few', type: 'int', values: Float64Array.from({ length: n }, (_, i) => i % 4) },
  ]);

  it('makes at most max_bin quantile bins with float32 edges, and equal-count bins', () => {
    const [x, few] = fitBins(table, 64);
    expect(numBins(x!)).toBeLessThanOrEqual(64);
    expect(numBins(x!)).toBeGreaterThan(60);
    if (x!.kind !== 'numeric') throw new Error('numeric expected');
    for (const e of x!.edges) expect(Math.fround(e)).toBe(e);
    for (let i = 1; i < x!.edges.length; i++) expect(x!.edges[i]!).toBeGreaterThan(x!.edges[i - 1]!);
    // Few distinct values: one bin each.
    expect(few).toEqual({ name: 'few', kind: 'numeric', edges: [0, 1, 2] });
    const bins = binTable(table, [x!, few!]);
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) counts.set(bins[i * 2]!, (counts.get(bins[i * 2]!) ?? 0) + 1);
    expect(counts.get(MISSING_BIN)).toBe(n / 50);
    const sizes = [...counts.entries()].filter(([b]) => b !== MISSING_BIN).map(([, c]) => c);
    expect(Math.max(...sizes)).toBeLessThan((2.5 * n) / 64);
  });

  it('puts a value in the bin whose float32 upper edge is the first >= fround(x)', () => {
    const edges = [-1.5, 0, Math.fround(0.1), 7];
    const padded = paddedEdges(edges);
    const naive = (v: number): number => edges.filter((e) => e < Math.fround(v)).length;
    for (const v of [-2, -1.5, -1.4999, 0, 1e-30, 0.1, Math.fround(0.1), 0.10000001, 6.99, 7, 8, Infinity, -Infinity]) {
      expect(numericBin(padded, v)).toBe(naive(v));
    }
    expect(numericBin(padded, NaN)).toBe(MISSING_BIN);
  });

  it('transposes the row-major bin matrix to feature-major', () => {
    const rows = 5000;
    const F = 3;
    const bins = Uint8Array.from({ length: rows * F }, (_, i) => (i * 37) % 256);
    const cols = transposeBins(bins, rows, F);
    for (let i = 0; i < rows; i++) for (let j = 0; j < F; j++) expect(cols[j * rows + i]).toBe(bins[i * F + j]);
  });
});
