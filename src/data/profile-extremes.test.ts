import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { quoteString } from './duckdb-sql.js';
import type { ProfileLimits } from './profile.js';
import { profileQuery } from './test-helpers.js';

// Reference values: src/data/testdata/make-expected.py (exact mean and std, where numpy's
// overflow to inf or underflow to 0; ties ranked by code point, as Python sorts strings).
const csv = fileURLToPath(new URL('./testdata/extreme.csv', import.meta.url));
interface Expected {
  type: 'float' | 'string';
  count: number;
  distinct: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  top: { value: string | number; count: number }[];
}
const expected = JSON.parse(readFileSync(new URL('./testdata/expected-extreme-stats.json', import.meta.url), 'utf8')) as { columns: Record<string, Expected> };

const close = (a: number | null, b: number) => {
  expect(a).not.toBeNull();
  expect(Math.abs(a! - b)).toBeLessThanOrEqual(1e-9 * Math.abs(b));
};

// The default classification, and each path forced (profile.test.ts's PATHS): sorted values,
// the sample and aggregate passes (with the footer's min and max), value counts (sorted in JS, and
// in SQL with and without the batch in memory).
const PATHS: ProfileLimits[] = [{}, { groupedShare: 0 }, { groupedShare: 0, sortedRows: 0 }, { groupedShare: 1 }, { groupedShare: 1, sortedRows: 0 }, { groupedShare: 1, sortedRows: 0, inMemoryRowsPerColumn: Infinity }];

describe('statistics of values near 1e300 and 1e-300, and of strings beyond the BMP', () => {
  for (const limits of PATHS) {
    it(`match the exact ones with ${JSON.stringify(limits)}`, async () => {
      const cols = Object.entries(expected.columns).map(([name, e]) => ({ name, type: e.type }));
      const p = await profileQuery(`SELECT * FROM read_csv(${quoteString(csv)}, header = true)`, cols, limits);
      for (const [name, e] of Object.entries(expected.columns)) {
        const s = p.columns.find((c) => c.name === name)!.stats;
        expect([name, s.count, s.distinct]).toEqual([name, e.count, e.distinct]);
        const top = s.top.map((x) => ({ value: e.type === 'float' ? Number(x.value) : x.value, count: x.count }));
        expect(top).toEqual(e.top);
        if (e.type === 'string') continue;
        // numpy gives std inf (f_huge) or 0 (f_tiny), and mean inf (f_huge_ties): Keel stored null and 0.
        close(s.mean, e.mean!);
        close(s.std, e.std!);
        expect([s.min, s.max]).toEqual([e.min, e.max]);
      }
    });
  }
});
