import { describe, expect, it } from 'vitest';
import { sortedCopy, sortedNonMissing, sortInPlace } from './sort-values.js';

/** Deterministic uniform numbers in [0, 1). */
function uniform(seed: number, n: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646);
}

describe('sortedCopy', () => {
  it('sorts as the built-in sort: bucket a value, n/4 buckets, ties, negatives, outliers and a constant', () => {
    const cases: [string, Float64Array][] = [
      ['below the bucket sort', uniform(1, 127)],
      ['just above it', uniform(9, 128).map((u) => Math.round(u * 50))],
      ['a bucket a value', uniform(2, 30_000).map((u) => (u - 0.5) * 1e4)],
      ['n/4 buckets', uniform(3, (1 << 17) + 1).map((u) => Math.round(u * 1000) / 10)],
      ['ties', uniform(4, 20_000).map((u) => Math.floor(u * 7) - 3)],
      // One far value: every other value lands in the first bucket, which the built-in sort takes.
      ['an outlier', uniform(5, 20_000).map((u, i) => (i === 99 ? 1e12 : u))],
      ['cubes', uniform(6, 50_000).map((u) => (u - 0.5) ** 3)],
      ['a constant', new Float64Array(5000).fill(2.5)],
    ];
    for (const [label, x] of cases) {
      const before = x.slice();
      const [sorted, builtIn] = [sortedCopy(x), before.slice().sort()];
      expect([label, sorted.length, sorted.findIndex((v, i) => v !== builtIn[i])]).toEqual([label, x.length, -1]);
      expect([label, x]).toEqual([label, before]);
    }
  });

  it('backs the in-place sort and the sort of non-missing values', () => {
    const x = uniform(8, 10_000).map((u, i) => (i % 10 === 0 ? NaN : u));
    const expected = x.filter((v) => !Number.isNaN(v)).sort();
    expect(Array.from(sortedNonMissing(x))).toEqual(Array.from(expected));
    const y = expected.slice().reverse();
    expect(sortInPlace(y)).toBe(y);
    expect(Array.from(y)).toEqual(Array.from(expected));
  });
});
