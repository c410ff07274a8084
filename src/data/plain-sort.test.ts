import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/index.js';
import { distinctOfSorted, radixSortBits, sortByDecimalKeys, sortedValues, type SortRoute } from './plain-sort.js';
import { byCodePoint, plainColumnProfile } from './plain-stats.js';
import { GROUPED_SHARE } from './profile-found.js';
import { sortedStats } from './profile-sorted.js';

const r = mulberry32(5);
const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const column = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

// Data that takes each route, with what makes a route go wrong: missing values, -0 beside 0,
// negatives, ties, a value needing more decimals than the first ones, keys near 2^32.
const CASES: [SortRoute, string, Float64Array][] = [
  ['presorted', 'ids with missing values', column(5_000, (i) => (i % 7 === 3 ? NaN : i * 3 - 100))],
  ['presorted', '-0 before 0', column(3_000, (i) => (i < 1000 ? -1 : i < 1500 ? -0 : i < 2000 ? 0 : i))],
  ['counted', '-0 after 0', column(3_000, (i) => (i < 1000 ? -1 : i < 1500 ? 0 : i < 2000 ? -0 : 5))],
  ['builtin', 'a short column', column(300, () => (r() < 0.1 ? NaN : Number((normal() * 5).toFixed(2))))],
  ['counted', 'ages', column(50_000, () => (r() < 0.02 ? NaN : 18 + Math.floor(r() * 70)))],
  ['counted', 'one decimal around zero, -0 among them', column(40_000, (i) => (i % 97 === 0 ? -0 : Number((normal() * 0.3).toFixed(1))))],
  ['counted', 'a bool', column(20_000, () => (r() < 0.6 ? 1 : 0))],
  ['presorted', 'a constant', column(10_000, () => 2.5)],
  ['counted', 'a constant but for one value', column(10_000, (i) => (i === 5_000 ? 1 : 2.5))],
  ['counted', 'a late value of more decimals', column(30_000, (i) => (i === 29_999 ? 0.125 : Math.floor(r() * 100) / 2))],
  ['keys', 'lognormal prices', column(60_000, () => Number(Math.exp(10 + normal() * 0.8).toFixed(2)))],
  ['keys', 'six decimals, negatives, -0', column(60_000, (i) => (i % 1000 === 0 ? -0 : Number(normal().toFixed(6))))],
  ['keys', 'keys spanning nearly 2^32', column(20_000, (i) => (i === 0 ? 0 : i === 1 ? 4_294_967_295 : Math.floor(r() * 4e9)))],
  ['bits', 'raw doubles', column(40_000, () => (r() < 0.05 ? NaN : (r() - 0.5) * 10 ** Math.floor(r() * 30 - 15)))],
  ['bits', 'keys spanning 2^32', column(20_000, (i) => (i === 0 ? 0 : i === 1 ? 4_294_967_296 : Math.floor(r() * 4e9)))],
  ['bits', 'ten decimals', column(2_000, () => Number(r().toFixed(10)))],
  ['bits', '-0, 0 and few raw values', column(30_000, (i) => [-0, 0, Math.PI, -Math.E, 1e-300, -1e300][i % 6]!)],
];

/** Float64Array's sort of the non-missing values: what every route must give. */
const reference = (v: Float64Array) => v.filter((x) => !Number.isNaN(x)).sort();

describe('sortedValues', () => {
  for (const [route, label, values] of CASES) {
    it(`sorts ${label} as Float64Array's sort does, by the ${route} route`, () => {
      const before = values.slice();
      const got = sortedValues(values);
      const expected = reference(values);
      expect(got.route).toBe(route);
      // toEqual tells -0 from 0.
      expect(Array.from(got.sorted)).toEqual(Array.from(expected));
      expect(got.distinct).toBe(distinctOfSorted(expected));
      expect(values).toEqual(before);
    });
  }

  it('has each route sort what it takes as the reference does', () => {
    for (const [, label, values] of CASES) {
      const present = values.filter((x) => !Number.isNaN(x));
      const expected = Array.from(reference(values));
      expect([label, Array.from(radixSortBits(present))]).toEqual([label, expected]);
      const byKeys = sortByDecimalKeys(present);
      if (byKeys) expect([label, Array.from(byKeys.sorted), byKeys.distinct]).toEqual([label, expected, distinctOfSorted(reference(values))]);
    }
  });
});

describe('plainColumnProfile of numbers', () => {
  it('is sortedStats of the reference sort, grouped as the footer would group the column', () => {
    for (const [, label, values] of CASES) {
      const sorted = reference(values);
      const grouped = distinctOfSorted(sorted) <= GROUPED_SHARE * values.length;
      const s = sortedStats(sorted, { name: 'x', type: 'float', i: 0 }, grouped);
      const stats = { count: sorted.length, missing: values.length - sorted.length, min: s.min ?? null, max: s.max ?? null, mean: s.mean ?? null, std: s.std ?? null, distinct: s.distinct, quantiles: s.quantiles ?? null, top: s.top, histogram: s.histogram ?? null };
      expect([label, plainColumnProfile('x', { type: 'float', values })]).toEqual([label, { name: 'x', type: 'float', nullable: stats.missing > 0, stats }]);
    }
  });

  it('gives a bool its values as true and false, and its moments as grouped', () => {
    const values = column(1_000, (i) => (i % 10 === 0 ? NaN : i % 3 === 0 ? 1 : 0));
    const p = plainColumnProfile('b', { type: 'bool', values });
    expect(p.stats.top).toEqual([{ value: 'false', count: 600 }, { value: 'true', count: 300 }]);
    expect([p.nullable, p.stats.count, p.stats.missing, p.stats.distinct, p.stats.min, p.stats.max]).toEqual([true, 900, 100, 2, 0, 1]);
    expect(p.stats.mean).toBeCloseTo(1 / 3, 15);
  });
});

describe('plainColumnProfile of strings', () => {
  it('counts codes, ranks ties by code point, and leaves the numeric statistics null', () => {
    // 'b' and 'é' 3 times, 25 values twice (ties at the 20th place), '😀' and 'ﬀ' twice among them.
    const dictionary = ['b', 'é', ...Array.from({ length: 23 }, (_, k) => `v${String(k).padStart(2, '0')}`), '😀', 'ﬀ', 'never'];
    const codes: number[] = [0, 0, 0, 1, 1, 1, -1, -1];
    for (let k = 2; k < 27; k++) codes.push(k, k);
    const p = plainColumnProfile('s', { type: 'string', codes: Int32Array.from(codes.reverse()), dictionary });
    expect(p.stats.top.slice(0, 3)).toEqual([{ value: 'b', count: 3 }, { value: 'é', count: 3 }, { value: 'v00', count: 2 }]);
    expect(p.stats.top.map((t) => t.value).slice(-3)).toEqual(['v15', 'v16', 'v17']);
    expect(p.stats.top).toHaveLength(20);
    const { count, missing, distinct, min, max, mean, std, quantiles, histogram } = p.stats;
    expect([p.nullable, count, missing, distinct, min, max, mean, std, quantiles, histogram]).toEqual([true, 56, 2, 27, null, null, null, null, null, null]);
  });

  it("ranks by code point as UTF-8 bytes do, not UTF-16 units: 'ﬀ' before '😀'", () => {
    const p = plainColumnProfile('s', { type: 'string', codes: Int32Array.from([1, 0, 1, 0, 2]), dictionary: ['😀', 'ﬀ', 'z'] });
    expect(p.stats.top).toEqual([{ value: 'ﬀ', count: 2 }, { value: '😀', count: 2 }, { value: 'z', count: 1 }]);
  });

  it("takes the 20th value among the ties at the cut by code point: 'ﬀ', not '😀'", () => {
    // 19 values 3 times each, then '😀' and 'ﬀ' twice, 'z' once: one of the two ties is 20th.
    const dictionary = ['😀', 'z', 'ﬀ', ...Array.from({ length: 19 }, (_, k) => `w${k}`)];
    const codes = [0, 0, 1, 2, 2, ...Array.from({ length: 19 * 3 }, (_, i) => 3 + (i % 19))];
    const top = plainColumnProfile('s', { type: 'string', codes: Int32Array.from(codes), dictionary }).stats.top;
    expect(top).toHaveLength(20);
    expect(top[18]).toEqual({ value: 'w9', count: 3 });
    expect(top[19]).toEqual({ value: 'ﬀ', count: 2 });
  });

  it('compares by code point as Buffer.compare does UTF-8', () => {
    const units = ['a', 'z', 'é', '\uD7FF', '\uE000', 'ﬀ', '\uFFFF', '😀', '𝒜', '\u{10FFFF}'];
    const word = () => Array.from({ length: Math.floor(r() * 4) }, () => units[Math.floor(r() * units.length)]!).join('');
    for (let k = 0; k < 5_000; k++) {
      const [a, b] = [word(), word()];
      expect([a, b, Math.sign(byCodePoint(a, b))]).toEqual([a, b, Buffer.compare(Buffer.from(a), Buffer.from(b))]);
    }
  });

  it('of distinct values takes the first 20 by code point', () => {
    const dictionary = Array.from({ length: 50_000 }, (_, k) => `${String.fromCodePoint(0x1f600 - (k % 2) * 0xf000)}${(k * 7919) % 50_000}`);
    const top = plainColumnProfile('s', { type: 'string', codes: Int32Array.from(dictionary, (_, k) => k), dictionary }).stats.top;
    const expected = dictionary.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).slice(0, 20);
    expect(top).toEqual(expected.map((value) => ({ value, count: 1 })));
  });
});
