import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquareSf, normalCdf } from './special-functions.js';
import { kolmogorovSf } from './ks-distribution.js';
import { chiSquareTest, ksTwoSample, wassersteinSorted } from './two-sample-tests.js';
import { detectDrift } from '../drift.js';
import { tableFromRows, type Table } from '../../core/index.js';

// Expected values from testdata/make-expected.py (Debian python3-scipy).
interface Stat { statistic: number; pValue: number }
interface Shares { jensenshannon: number; psi: number; kl: number; linf: number }
const expected = JSON.parse(readFileSync(new URL('../testdata/expected.json', import.meta.url), 'utf8'), (_k, v: unknown) =>
  v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v) as {
  numeric: { name: string; reference: number[]; current: number[]; ks: Stat; wasserstein: number; wassersteinNorm: number; shares: Shares }[];
  large: { seedA: number; seedB: number; n1: number; n2: number; shift: number; ks: Stat; wasserstein: number }[];
  kstwo: { n: number; d: number; sf: number }[];
  categorical: { name: string; reference: string[]; current: string[]; chi2: Stat; z?: Stat; shares: Shares }[];
  chi2sf: { x: number; dof: number; sf: number }[];
  normcdf: { x: number; cdf: number }[];
};

function close(actual: number, want: number, rel: number, abs = 0): void {
  const tol = Math.max(abs, rel * Math.abs(want));
  if (!(Math.abs(actual - want) <= tol)) throw new Error(`expected ${want}, got ${actual} (diff ${Math.abs(actual - want)}, tol ${tol})`);
}

const sorted = (a: readonly number[]) => Float64Array.from(a).sort();

function lcgUniform(seed: number, n: number): Float64Array {
  const out = new Float64Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 48271) % 2147483647; out[i] = x / 2147483647; }
  return out;
}

const column = (name: string, values: readonly (number | string)[]): Table => tableFromRows(values.map((v) => ({ [name]: v })));

describe('special functions against SciPy', () => {
  it('chi2.sf', () => { for (const c of expected.chi2sf) close(chiSquareSf(c.x, c.dof), c.sf, 1e-12); });
  it('norm.cdf', () => { for (const c of expected.normcdf) close(normalCdf(c.x), c.cdf, 1e-13); });
  it('kstwo.sf in the asymptotic regimes', () => {
    for (const c of expected.kstwo) close(kolmogorovSf(c.n, c.d), c.sf, 1e-6, 1e-7);
  });
});

describe('numeric two-sample statistics against SciPy', () => {
  for (const c of expected.numeric) {
    it(`${c.name}: ks_2samp (exact) and wasserstein_distance`, () => {
      const a = sorted(c.reference), b = sorted(c.current);
      const ks = ksTwoSample(a, b);
      close(ks.statistic, c.ks.statistic, 1e-12);
      close(ks.pValue, c.ks.pValue, 1e-9, 1e-15);
      close(wassersteinSorted(a, b), c.wasserstein, 1e-9);
    });
    it(`${c.name}: detectDrift with every numeric test`, () => {
      const ref = column('x', c.reference), cur = column('x', c.current);
      const run = (method: 'ks' | 'wasserstein' | 'jensenshannon' | 'psi' | 'kl' | 'linf') =>
        detectDrift(ref, cur, { method }).columns[0]!;
      close(run('ks').pValue!, c.ks.pValue, 1e-9, 1e-15);
      close(run('wasserstein').statistic, c.wassersteinNorm, 1e-9);
      close(run('jensenshannon').statistic, c.shares.jensenshannon, 1e-9);
      close(run('psi').statistic, c.shares.psi, 1e-9);
      close(run('kl').statistic, c.shares.kl, 1e-9);
      close(run('linf').statistic, c.shares.linf, 1e-9);
    });
  }
  for (const c of expected.large) {
    it(`asymptotic KS n1=${c.n1} n2=${c.n2} shift=${c.shift}`, () => {
      const a = lcgUniform(c.seedA, c.n1).sort();
      const b = lcgUniform(c.seedB, c.n2).map((v) => v + c.shift).sort();
      const ks = ksTwoSample(a, b);
      expect(ks.method).toBe('asymp');
      close(ks.statistic, c.ks.statistic, 1e-12);
      close(ks.pValue, c.ks.pValue, 1e-6, 1e-9);
      close(wassersteinSorted(a, b), c.wasserstein, 1e-9);
    });
  }
});

describe('categorical statistics against SciPy', () => {
  for (const c of expected.categorical) {
    it(`${c.name}`, () => {
      const ref = column('c', c.reference), cur = column('c', c.current);
      const run = (method: 'chi2' | 'z' | 'jensenshannon' | 'psi' | 'kl' | 'linf') => detectDrift(ref, cur, { method }).columns[0]!;
      const chi = run('chi2');
      if (Number.isFinite(c.chi2.statistic)) close(chi.statistic, c.chi2.statistic, 1e-9);
      else expect(chi.statistic).toBe(Infinity);
      close(chi.pValue!, c.chi2.pValue, 1e-9, 1e-300);
      if (c.z) {
        const z = run('z');
        close(Math.abs(z.statistic), Math.abs(c.z.statistic), 1e-12);
        close(z.pValue!, c.z.pValue, 1e-9);
      }
      close(run('jensenshannon').statistic, c.shares.jensenshannon, 1e-9);
      close(run('psi').statistic, c.shares.psi, 1e-9);
      close(run('kl').statistic, c.shares.kl, 1e-9);
      close(run('linf').statistic, c.shares.linf, 1e-9);
    });
  }
  it('chi-square of identical counts is 0 with p = 1', () => {
    const r = chiSquareTest([10, 20, 30], [10, 20, 30]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
  });
});
