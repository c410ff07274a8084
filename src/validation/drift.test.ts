import { describe, expect, it } from 'vitest';
import { makeTable, sortInPlace, tableFromRows, type Table } from '../core/index.js';
import { computeReference } from './reference-stats.js';
import { checkDriftOptions, detectDrift, skew } from './drift.js';
import { detectDriftParallel } from './drift-parallel.js';
import { wassersteinSorted, wassersteinQuantiles } from './stats/two-sample-tests.js';

/** Deterministic normal-ish values (Box–Muller over a Park–Miller LCG). */
function normals(seed: number, n: number, mean = 0, sd = 1): Float64Array {
  const out = new Float64Array(n);
  let x = seed;
  const next = () => { x = (x * 48271) % 2147483647; return x / 2147483647; };
  for (let i = 0; i < n; i++) out[i] = mean + sd * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return out;
}

function categories(seed: number, n: number, labels: string[], probs: number[]): Table['columns'][number] {
  let x = seed;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x = (x * 48271) % 2147483647;
    let u = x / 2147483647, k = 0;
    while (k < probs.length - 1 && u > probs[k]!) { u -= probs[k]!; k++; }
    codes[i] = k;
  }
  return { name: 'cat', type: 'string', codes, dictionary: labels };
}

describe('sortInPlace', () => {
  it('sorts large arrays with ties, negatives and skew like the built-in sort', () => {
    const a = normals(3, 50000).map((v, i) => (i % 7 === 0 ? Math.round(v) : v ** 3));
    expect(Array.from(sortInPlace(a.slice()))).toEqual(Array.from(a.slice().sort()));
  });
});

describe('detectDrift', () => {
  it("chooses Evidently's default tests by reference size and column kind", () => {
    const small = makeTable([{ name: 'x', type: 'float', values: normals(1, 500) }, categories(2, 500, ['a', 'b', 'c'], [0.5, 0.3, 0.2]), { name: 'flag', type: 'bool', values: normals(9, 500).map((v) => (v > 0 ? 1 : 0)) }]);
    const large = makeTable([{ name: 'x', type: 'float', values: normals(4, 5000) }, categories(5, 5000, ['a', 'b', 'c'], [0.5, 0.3, 0.2]), { name: 'flag', type: 'bool', values: normals(8, 5000).map((v) => (v > 0 ? 1 : 0)) }]);
    const tests = (ref: Table, cur: Table) => detectDrift(ref, cur).columns.map((c) => c.test);
    expect(tests(small, small)).toEqual(['ks', 'chi2', 'z']);
    expect(tests(large, small)).toEqual(['wasserstein', 'jensenshannon', 'jensenshannon']);
  });

  it('flags shifted columns and dataset drift by share', () => {
    const ref = makeTable([
      { name: 'a', type: 'float', values: normals(11, 3000) },
      { name: 'b', type: 'float', values: normals(12, 3000) },
      categories(13, 3000, ['x', 'y', 'z'], [0.6, 0.3, 0.1]),
    ]);
    const cur = makeTable([
      { name: 'a', type: 'float', values: normals(21, 2000, 0.5) },
      { name: 'b', type: 'float', values: normals(22, 2000) },
      categories(23, 2000, ['x', 'y', 'z'], [0.2, 0.3, 0.5]),
    ]);
    const report = detectDrift(computeReference(ref), cur);
    expect(report.columns.map((c) => [c.column, c.drifted])).toEqual([['a', true], ['b', false], ['cat', true]]);
    expect(report.driftedShare).toBeCloseTo(2 / 3, 12);
    expect(report.datasetDrift).toBe(true);
    expect(detectDrift(ref, cur, { datasetDriftShare: 0.9 }).datasetDrift).toBe(false);
    expect(skew(computeReference(ref), cur).columns).toEqual(report.columns);
  });

  it('a stored (JSON round-tripped) reference sketch gives Wasserstein within 1e-3 relative of the exact value', () => {
    const refValues = normals(31, 200000, 10, 3);
    const cur = makeTable([{ name: 'x', type: 'float', values: normals(32, 50000, 10.6, 3.3) }]);
    const ref = makeTable([{ name: 'x', type: 'float', values: refValues }]);
    const stored = JSON.parse(JSON.stringify(computeReference(ref))) as ReturnType<typeof computeReference>;
    const exact = detectDrift(ref, cur).columns[0]!;
    const approx = detectDrift(stored, cur).columns[0]!;
    expect(approx.test).toBe('wasserstein');
    expect(Math.abs(approx.statistic - exact.statistic) / exact.statistic).toBeLessThan(1e-3);
    const a = sortInPlace(refValues.slice()), b = sortInPlace(cur.columns[0]!.type === 'string' ? new Float64Array() : cur.columns[0]!.values.slice());
    expect(wassersteinQuantiles(stored.columns[0]!.kind === 'numeric' ? stored.columns[0]!.quantiles! : [], b)).toBeCloseTo(wassersteinSorted(a, b), 2);
  });

  it('detectDriftParallel gives the same report as detectDrift', async () => {
    const ref = makeTable([{ name: 'a', type: 'float', values: normals(41, 3000) }, categories(42, 3000, ['x', 'y'], [0.7, 0.3]), { name: 'gone', type: 'float', values: normals(43, 3000) }]);
    const cur = makeTable([{ name: 'a', type: 'float', values: normals(44, 900, 0.2) }, categories(45, 900, ['x', 'y'], [0.5, 0.5])]);
    const options = { method: { a: 'ks' as const } };
    expect(await detectDriftParallel(ref, cur, { ...options, workers: 2 })).toEqual(detectDrift(ref, cur, options));
    await expect(detectDriftParallel(ref, cur, { method: { cat: 'wasserstein' }, workers: 1 })).rejects.toThrow(/needs a numeric column/);
    await expect(detectDriftParallel(ref, cur, { method: { nope: 'ks' }, workers: 1 })).rejects.toMatchObject({ field: 'method.nope' });
    // A per-column threshold reaches its column only, as in detectDrift.
    const th = { threshold: { cat: 0.2 } };
    expect(await detectDriftParallel(ref, cur, { ...th, workers: 2 })).toEqual(detectDrift(ref, cur, th));
  });

  it('skips columns missing from the current data or of another kind, and rejects unknown tests', () => {
    const ref = tableFromRows([{ a: 1, b: 'x' }, { a: 2, b: 'y' }, { a: 3, b: 'x' }]);
    const cur = tableFromRows([{ b: 1 }, { b: 2 }]);
    const r = detectDrift(ref, cur);
    expect(r.columns).toEqual([]);
    expect(r.skipped.map((s) => s.column)).toEqual(['a', 'b']);
    expect(() => detectDrift(ref, ref, { method: 'nope' as 'ks' })).toThrow(/unknown test/);
  });

  // A per-column test or threshold for a column the reference lacks was left unused without a word.
  it('checks a drift asked for by name: no test or threshold for a column the reference lacks, no threshold of 0 or less', () => {
    const ref = tableFromRows([{ a: 1, b: 'x' }, { a: 2, b: 'y' }, { a: 3, b: 'x' }]);
    const columns = ['a', 'b'];
    expect(() => checkDriftOptions({ method: { a: 'ks', c: 'psi' } }, columns)).toThrow(expect.objectContaining({ field: 'method.c', message: "method.c: no column 'c' in the reference (columns: a, b)" }));
    expect(() => checkDriftOptions({ threshold: { B: 0.1 } }, columns)).toThrow(expect.objectContaining({ field: 'threshold.B', message: "threshold.B: no column 'B' in the reference (columns: a, b)" }));
    expect(() => checkDriftOptions({ threshold: -1 }, columns)).toThrow(expect.objectContaining({ field: 'threshold', message: 'threshold: expected a positive number, got -1' }));
    expect(() => checkDriftOptions({ threshold: { a: 0 } }, columns)).toThrow(expect.objectContaining({ field: 'threshold' }));
    const fine = { method: { a: 'ks' as const }, threshold: { b: 0.2 } };
    checkDriftOptions(fine, columns);
    expect(detectDrift(ref, ref, fine).columns.map((c) => [c.column, c.test, c.threshold])).toEqual([['a', 'ks', 0.05], ['b', 'z', 0.2]]);
    // A saved schema's options (detectDrift itself) leave a column gone from the data unused.
    expect(detectDrift(ref, ref, { method: { gone: 'ks' } }).columns).toHaveLength(2);
  });
});
