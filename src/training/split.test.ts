import { describe, expect, it } from 'vitest';
import { splitRows } from './split.js';

const disjointAndComplete = (s: { train: Uint32Array; valid: Uint32Array; test: Uint32Array }, n: number) => {
  const all = [...s.train, ...s.valid, ...s.test].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
};

describe('splitRows', () => {
  it('random: sizes from the fractions, disjoint, deterministic per seed', () => {
    const a = splitRows({ kind: 'random', numRows: 1000, seed: 1, validFraction: 0.2, testFraction: 0.1 });
    expect([a.train.length, a.valid.length, a.test.length]).toEqual([700, 200, 100]);
    disjointAndComplete(a, 1000);
    expect(splitRows({ kind: 'random', numRows: 1000, seed: 1, validFraction: 0.2, testFraction: 0.1 }).test).toEqual(a.test);
    expect(splitRows({ kind: 'random', numRows: 1000, seed: 2, validFraction: 0.2, testFraction: 0.1 }).test).not.toEqual(a.test);
  });

  it('stratified: every class keeps its share in each part', () => {
    // 900 rows of class 0, 100 of class 1.
    const classes = Float64Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const s = splitRows({ kind: 'stratified', numRows: 1000, seed: 3, validFraction: 0.2, testFraction: 0.1, classes });
    disjointAndComplete(s, 1000);
    const ones = (rows: Uint32Array) => [...rows].filter((i) => classes[i] === 1).length;
    expect([ones(s.train), ones(s.valid), ones(s.test)]).toEqual([70, 20, 10]);
    expect([s.train.length, s.valid.length, s.test.length]).toEqual([700, 200, 100]);
  });

  it('time: the earliest rows train, the latest test, and the boundaries are recorded', () => {
    const time = Float64Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) * 1000);
    const s = splitRows({ kind: 'time', numRows: 100, seed: 0, validFraction: 0.2, testFraction: 0.1, time, timeColumn: 't' });
    disjointAndComplete(s, 100);
    const max = (rows: Uint32Array) => Math.max(...[...rows].map((i) => time[i]!));
    const min = (rows: Uint32Array) => Math.min(...[...rows].map((i) => time[i]!));
    expect(max(s.train)).toBeLessThan(min(s.valid));
    expect(max(s.valid)).toBeLessThan(min(s.test));
    expect(s.summary).toMatchObject({ kind: 'time', timeColumn: 't', trainEnd: 69_000, validEnd: 89_000, trainRows: 70, validRows: 20, testRows: 10 });
  });
});
