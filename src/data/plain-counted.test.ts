import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/index.js';
import { countedStats, countValues } from './plain-counted.js';
import { sortedValues } from './plain-sort.js';
import { sortedStats } from './profile-sorted.js';

// countedStats must be sortedStats of the same values sorted, to the last bit: every statistic,
// -0 included (JSON would print -0 as 0, so the objects are compared as they are).
describe('countedStats', () => {
  const col = { name: 'x', type: 'float' as const, i: 0 };
  const r = mulberry32(7);
  const cases: [string, () => number[]][] = [
    ['digits with missing', () => Array.from({ length: 5000 }, () => (r() < 0.1 ? NaN : Math.floor(r() * 10) - 3))],
    ['one decimal, zeros of both signs', () => Array.from({ length: 3000 }, () => (r() < 0.2 ? (r() < 0.5 ? -0 : 0) : Math.round((r() - 0.5) * 40) / 10))],
    ['three decimals, mostly distinct', () => Array.from({ length: 4000 }, () => Math.round(r() * 10_000) / 1000)],
    ['ascending ids', () => Array.from({ length: 2000 }, (_, i) => i)],
    ['few values', () => [3, 3, 3, 1, 2]],
    ['one value', () => [-0.5]],
    ['a constant', () => Array.from({ length: 100 }, () => 4.25)],
    ['only -0', () => [-0, -0, -0]],
    ['ties at the 20th place', () => Array.from({ length: 500 }, (_, i) => (i < 60 ? i % 30 : 100 + i))],
    ['large whole numbers', () => Array.from({ length: 1000 }, () => 1e12 + Math.floor(r() * 1500))],
    ['nine decimals', () => Array.from({ length: 300 }, () => Math.round(r() * 1000) / 1e9)],
  ];
  for (const [label, make] of cases) {
    it(`is sortedStats' result on ${label}, grouped or not`, () => {
      const values = Float64Array.from(make());
      const counted = countValues([values.subarray(0, values.length >> 1), values.subarray(values.length >> 1)]);
      expect(counted).toBeDefined();
      const { sorted, distinct } = sortedValues(values);
      expect(counted!.distinct).toBe(distinct);
      for (const grouped of [false, true]) {
        const want = sortedStats(sorted.slice(), col, grouped);
        const got = countedStats(counted!, col, grouped);
        expect(got).toStrictEqual(want);
        // toStrictEqual holds -0 and 0 apart (Object.is): the min and quantiles keep their sign.
        expect(Object.is(got.min, want.min)).toBe(true);
      }
    });
  }

  it('leaves to the sort values with more than 9 decimals, or keys over a wide range', () => {
    expect(countValues([Float64Array.from([0.1234567891, 1])])).toBeUndefined();
    expect(countValues([Float64Array.from([Math.PI, 1])])).toBeUndefined();
    expect(countValues([Float64Array.from([0, 1e9, 5])])).toBeUndefined();
    expect(countValues([Float64Array.from([NaN, NaN])])).toBeUndefined();
    // A value with more decimals than the sample showed raises the scale.
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i === 501 ? 0.125 : i % 7));
    expect(countValues([values])!.scale).toBe(1000);
  });

  it('refuses bounds that do not hold the values', () => {
    expect(() => countValues([Float64Array.from([1, 2, 9])], { min: 1, max: 3 })).toThrow(/outside the column's bounds/);
  });
});
