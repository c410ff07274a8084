import { describe, expect, it } from 'vitest';
import type { PlainColumn } from './plain-column.js';
import { rowGroupRuns } from './plain-row-groups.js';

const numbers = (...parts: number[][]): PlainColumn[] => parts.map((p) => ({ type: 'float', values: Float64Array.from(p) }));
const rows = (c: PlainColumn): unknown[] => (c.type === 'string' ? Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k])) : Array.from(c.values));

describe('rowGroupRuns', () => {
  it('cuts at multiples of the row group size over the whole column, whatever the parts', () => {
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    // Parts of 7, 0, 2 and 6 rows; row groups of 3.
    const parts = numbers(range(0, 7), [], range(7, 9), range(9, 15));
    const runs = rowGroupRuns(parts, 3);
    expect(runs.map(rows)).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8], [9, 10, 11, 12, 13, 14]]);
    // A part's whole row groups are views of it, not copies; a row group across parts is a copy.
    const buffer = (c: PlainColumn) => (c.type === 'string' ? c.codes.buffer : c.values.buffer);
    expect(buffer(runs[0]!)).toBe(buffer(parts[0]!));
    expect(buffer(runs[1]!)).not.toBe(buffer(parts[0]!));
    expect(buffer(runs[2]!)).toBe(buffer(parts[3]!));
    expect(rowGroupRuns(numbers(range(0, 4), range(4, 5)), 3).map(rows)).toEqual([[0, 1, 2], [3, 4]]);
    expect(rowGroupRuns(numbers([1], [2], [3]), 100).map(rows)).toEqual([[1, 2, 3]]);
    expect(rowGroupRuns(numbers([], []), 3)).toEqual([]);
  });

  it('joins the text of a row group across parts over one dictionary', () => {
    const parts: PlainColumn[] = [
      { type: 'string', codes: Int32Array.from([0, 1, -1, 1]), dictionary: ['a', 'b'] },
      { type: 'string', codes: Int32Array.from([0, 1, 2, 0]), dictionary: ['b', 'c', 'a'] },
    ];
    const runs = rowGroupRuns(parts, 3);
    expect(runs.map(rows)).toEqual([['a', 'b', null], ['b', 'b', 'c'], ['a', 'b']]);
    const joined = runs[1]!;
    expect(joined.type === 'string' && joined.dictionary).toEqual(['b', 'c']);
  });
});
