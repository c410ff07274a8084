import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READING_AGAIN } from './add-notes.js';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import type { ProfileLimits } from './profile.js';
import { sqliteTestService, profileQuery } from './test-helpers.js';

// IDs of 1.5e18 + i: a DOUBLE cannot tell such neighbours apart (its values there are 256 apart),
// so statistics taken on the values as doubles merged them (5 distinct of 1,000). The statistics
// are the same as those of i, whatever is added to it: numpy on i = 0..999 with 7 three more
// times (np.mean, np.std(ddof=1), np.quantile, np.histogram):
const I = [...Array.from({ length: 1000 }, (_, k) => k), 7, 7, 7];
const BASE = 1_500_000_000_000_000_000n;
const NUMPY = {
  mean: 498.02691924227315,
  std: 289.63936257434955,
  quantiles: { p01: 7.02, p05: 47.1, p25: 247.5, p50: 498.0, p75: 748.5, p95: 948.9, p99: 988.98 },
  counts: [53, ...Array<number>(19).fill(50)],
};

// Every path of the statistics (profile.ts): sorted in JS, sample and whole-file passes (with and
// without the footer's min and max), grouped numbers sorted in JS, grouped in SQL.
const PATHS: ProfileLimits[] = [{ groupedShare: 0 }, { groupedShare: 0, sortedRows: 0 }, { groupedShare: 0, sortedRows: 0, footerStatistics: false }, { groupedShare: 1 }, { groupedShare: 1, sortedRows: 0 }];

describe('statistics of ints beyond 2^53', () => {
  for (const limits of PATHS) {
    it(`are exact ${JSON.stringify(limits)}`, async () => {
      const values = I.map((i) => `(${(BASE + BigInt(i)).toString()})`).join(', ');
      const p = await profileQuery(`SELECT v::BIGINT AS id FROM (VALUES ${values}) t(v)`, [{ name: 'id', type: 'int' }], limits);
      const s = p.columns[0]!.stats;
      expect([s.count, s.distinct]).toEqual([1003, 1000]);
      expect(s.top.slice(0, 3)).toEqual([
        { value: '1500000000000000007', count: 4 },
        { value: '1500000000000000000', count: 1 },
        { value: '1500000000000000001', count: 1 },
      ]);
      // The stored statistics are the nearest doubles of the exact ones; the spread is exact.
      const base = Number(BASE);
      expect([s.min, s.max]).toEqual([base, Number(BASE + 999n)]);
      expect(s.mean).toBe(base + NUMPY.mean);
      expect(s.std).toBeCloseTo(NUMPY.std, 9);
      expect(s.quantiles).toEqual(Object.fromEntries(Object.entries(NUMPY.quantiles).map(([k, q]) => [k, base + q])));
      expect(s.histogram!.counts).toEqual(NUMPY.counts);
    });
  }

  it('of a column spanning more than 2^53 (-3e18 to 2.4e18) are those of its values', async () => {
    const ks = [-3n, 0n, 0n, 24n].map((k) => `(${(k * 100_000_000_000_000_000n).toString()})`).join(', ');
    for (const limits of PATHS) {
      const s = (await profileQuery(`SELECT v::BIGINT AS k FROM (VALUES ${ks}) t(v)`, [{ name: 'k', type: 'int' }], limits)).columns[0]!.stats;
      expect([s.distinct, s.min, s.max, s.top[0]]).toEqual([3, -3e17, 2.4e18, { value: '0', count: 2 }]);
      // numpy: np.mean([-3e17, 0, 0, 2.4e18]), np.std(..., ddof=1)
      expect(s.mean).toBe(5.25e17);
      expect(Math.abs(s.std! / 1.2579745625409124e18 - 1)).toBeLessThan(1e-12);
    }
  });
});

describe('statistics of timestamps', () => {
  it('tell microseconds apart (in epoch ms, with their fraction)', async () => {
    for (const limits of PATHS) {
      const ts = ['2024-01-01 10:00:00.000001', '2024-01-01 10:00:00.000002', '2024-01-01 10:00:00.000002', '2024-01-01 10:00:00.5'].map((t) => `('${t}')`).join(', ');
      const s = (await profileQuery(`SELECT v::TIMESTAMP AS t FROM (VALUES ${ts}) x(v)`, [{ name: 't', type: 'timestamp' }], limits)).columns[0]!.stats;
      const ms = Date.UTC(2024, 0, 1, 10);
      expect([s.count, s.distinct, s.min, s.max]).toEqual([4, 3, ms + 0.001, ms + 500]);
      expect(s.top).toEqual([
        { value: '2024-01-01T10:00:00.000002Z', count: 2 },
        { value: '2024-01-01T10:00:00.000001Z', count: 1 },
        { value: '2024-01-01T10:00:00.500Z', count: 1 },
      ]);
      expect(s.quantiles!.p50).toBeCloseTo(ms + 0.002, 6);
    }
  });
});

describe('big integers', () => {
  const t = sqliteTestService();

  const temp = (name: string): string => join(mkdtempSync(join(tmpdir(), 'keel-exact-')), name);

  it('beyond 2^53 come in rows as their decimal strings, the others as numbers', async () => {
    const file = temp('ids.csv');
    writeFileSync(file, 'id,n\n1500000000000000995,1\n9007199254740993,2\n-9007199254740991,3\n');
    await t.service.add('ids', file);
    const page = await t.service.rows('ids');
    expect(page.rows).toEqual([
      ['1500000000000000995', 1],
      ['9007199254740993', 2],
      [-9007199254740991, 3],
    ]);
  });

  it('beyond 2^53 in a CSV column are read exactly: from the start when the first rows show them, else after one more read that says so', async () => {
    const notes = async (name: string, lines: string[]) => {
      const file = temp(`${name}.csv`);
      writeFileSync(file, `id\n${lines.join('\n')}\n`);
      const said: string[] = [];
      const v = await t.service.add(name, file, {}, { onProgress: (e) => void (e.message?.startsWith(READING_AGAIN) && said.push(e.message)) });
      expect(v.columns[0]!.type).toBe('int');
      expect((await t.service.rows(name, { limit: 1, offset: lines.length - 1 })).rows[0]).toEqual([lines.at(-1)]);
      return [...new Set(said)];
    };
    expect(await notes('first', ['1500000000000000001', '7', '1500000000000000003'])).toEqual([]);
    // Past the first rows the value is met as the DOUBLE it was read as: named as such, not quoted as if the file held it.
    const late = Array.from({ length: 40 }, (_, k) => String(k));
    expect(await notes('late', [...late, '1500000000000000001'])).toEqual([`${READING_AGAIN}column 'id' holds an integer beyond 2^53 (about 1.5e+18), so the column is read exactly from its text`]);
  });

  it("in a Parquet UBIGINT column are ints while they fit one, else the column is their exact text (they were floats, 2^63 + i all one value)", async () => {
    const file = temp('u.parquet');
    const duck = await openDuckDb(tmpdir());
    try {
      await (await duck.connect()).run(`COPY (SELECT range::UBIGINT AS small, (9223372036854775807::UBIGINT + range::UBIGINT) AS big FROM range(3)) TO ${quoteString(file)} (FORMAT parquet)`);
    } finally {
      duck.close();
    }
    const v = await t.service.add('ubigint', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.distinct}`)).toEqual(['small:int:3', 'big:string:3']);
    expect((await t.service.rows('ubigint')).rows).toEqual([
      [0, '9223372036854775807'],
      [1, '9223372036854775808'],
      [2, '9223372036854775809'],
    ]);
  });

  it('in JSON beyond 2^64 are read as their exact text, where DuckDB rounded them to one double', async () => {
    for (const [name, text] of [
      ['n.ndjson', '{"id":123456789012345678901,"x":1.5}\n{"id":-123456789012345678902,"x":2}\n'],
      ['a.json', '[{"id":123456789012345678901,"x":1.5},{"id":-123456789012345678902,"x":2}]'],
    ] as const) {
      const file = temp(name);
      writeFileSync(file, text);
      const v = await t.service.add(name.replace('.', '-'), file);
      expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.distinct}`)).toEqual(['id:string:2', 'x:float:2']);
      expect((await t.service.rows(v.name)).rows).toEqual([
        ['123456789012345678901', 1.5],
        ['-123456789012345678902', 2],
      ]);
    }
  });
});
