import { describe, expect, it } from 'vitest';
import { profileQuery } from './test-helpers.js';

describe('statistics of a long file', () => {
  it('are the same, to the last bit, each time the same content is profiled', async () => {
    // 300,000 rows (three of DuckDB's row groups, so that two threads could share each
    // aggregate) of floats with decimals, whose sums in floating point depend on their order:
    // avg and stddev_samp on two threads gave other last digits from one run to the next.
    const columns = Array.from({ length: 8 }, (_, k) => ({ name: `x${k}`, type: 'float' as const }));
    const select = `SELECT ${columns.map((c, k) => `(hash(i * ${k + 3}) % 1000003)::DOUBLE / ${10 ** (k % 4)}.7 AS ${c.name}`).join(', ')} FROM range(300000) t(i)`;
    const runs = [];
    for (let r = 0; r < 3; r++) runs.push(JSON.stringify((await profileQuery(select, columns, {})).columns));
    expect(new Set(runs).size).toBe(1);
    // The path this is about: no column grouped, so their moments come from the whole-file pass.
    const stats = (JSON.parse(runs[0]!) as { stats: { distinct: number; std: number } }[]).map((c) => c.stats);
    for (const s of stats) expect(s.distinct).toBeGreaterThan(30_000);
  }, 60_000);
});
