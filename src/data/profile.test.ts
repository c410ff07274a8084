import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataStore, type MetadataStore } from '../storage/index.js';
import { quoteString } from './duckdb-sql.js';
import { edgesOf, histogramAggregate, numpyCounts, sortedNumpyCounts } from './histogram-sql.js';
import { batchWidth, BATCH_COLUMNS, type ProfileLimits } from './profile.js';
import { STRING_BATCH_COLUMNS } from './profile-grouped.js';
import { makeTestService, profileQuery, type TestService } from './test-helpers.js';
import type { DatasetVersion } from './types.js';

// Reference values from pandas/numpy: src/data/testdata/make-expected.py.
const csv = fileURLToPath(new URL('./testdata/small.csv', import.meta.url));
interface Expected {
  type: string; count: number; missing: number; distinct: number;
  min?: number; max?: number; mean?: number; std?: number;
  quantiles?: Record<string, number>;
  top: { value: string | number; count: number }[];
  histogram?: { edges: number[]; counts: number[] };
}
const expected = JSON.parse(readFileSync(new URL('./testdata/expected-stats.json', import.meta.url), 'utf8')) as { rows: number; columns: Record<string, Expected> };

const close = (a: number | null, b: number, tol = 1e-9) => {
  expect(a).not.toBeNull();
  expect(Math.abs(a! - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};

describe('dataset statistics match pandas/numpy', () => {
  let store: MetadataStore;
  let t: TestService;
  let v: DatasetVersion;
  beforeAll(async () => {
    store = await openMetadataStore('sqlite::memory:');
    t = makeTestService(store);
    v = await t.service.add('small', csv);
  });
  afterAll(async () => store.close());

  it('infers the schema', () => {
    expect(v.rows).toBe(expected.rows);
    expect(v.columns.map((c) => [c.name, c.type])).toEqual(Object.entries(expected.columns).map(([n, e]) => [n, e.type]));
    const nullable = Object.fromEntries(v.columns.map((c) => [c.name, c.nullable]));
    expect(nullable).toEqual(Object.fromEntries(Object.entries(expected.columns).map(([n, e]) => [n, e.missing > 0])));
  });

  for (const [name, e] of Object.entries(expected.columns)) {
    it(`column ${name}`, () => {
      const s = v.columns.find((c) => c.name === name)!.stats;
      expect([s.count, s.missing, s.distinct]).toEqual([e.count, e.missing, e.distinct]);
      if (e.type === 'string') {
        expect([s.min, s.max, s.mean, s.std, s.quantiles, s.histogram]).toEqual([null, null, null, null, null, null]);
        expect(s.top).toEqual(e.top);
        return;
      }
      close(s.min, e.min!);
      close(s.max, e.max!);
      close(s.mean, e.mean!);
      close(s.std, e.std!);
      for (const [k, q] of Object.entries(e.quantiles!)) close(s.quantiles![k as 'p50'], q);
      expect(s.histogram!.counts).toEqual(e.histogram!.counts);
      s.histogram!.edges.forEach((edge, i) => close(edge, e.histogram!.edges[i]!));
      // Numbers are compared as numbers: Python and JS print floats differently ('7.0' / '7').
      const top = s.top.map((x) => ({ value: e.type === 'float' || e.type === 'int' ? Number(x.value) : x.value, count: x.count }));
      expect(top).toEqual(e.top);
    });
  }
});

/** A path for a file of this name in a fresh temp directory. */
const tempFile = (prefix: string, name: string): string => join(mkdtempSync(join(tmpdir(), prefix)), name);

/** Profiles a CSV's Parquet directly (small.csv's columns unless given), with the given limits. */
async function profileFixture(limits: ProfileLimits, file = csv, columns?: { name: string; type: 'int' | 'float' }[]) {
  const cols = columns ?? Object.entries(expected.columns).map(([name, e]) => ({ name, type: e.type as 'int' }));
  return profileQuery(`SELECT * FROM read_csv(${quoteString(file)}, header = true)`, cols, limits);
}


// Every column through one path: all grouped (exact statistics from value counts, quantiles by
// cumulative counts) or none. Not grouped, a numeric column of a short file takes every statistic
// from its sorted values (sortedRows); the others (and, with sortedRows 0, every column) take
// quantiles, distinct and top values from the sample, which is the whole file here, and min, max
// and histograms in one pass from the footer's min and max, or, without them, in two. Grouped, a
// short file's numeric columns are sorted in JS too, its string columns counted by one
// histogram() each; with sortedRows 0 every grouped column is grouped by SQL, also with its
// batches read into memory, as files with few rows per column are. All must match pandas/numpy exactly.
const PATHS: ProfileLimits[] = [
  { groupedShare: 0 },
  { groupedShare: 0, sortedRows: 0 },
  { groupedShare: 0, sortedRows: 0, footerStatistics: false },
  { groupedShare: 1 },
  { groupedShare: 1, sortedRows: 0, inMemoryRowsPerColumn: Infinity },
  { groupedShare: 1, sortedRows: 0 },
];
for (const limits of PATHS) {
  describe(`statistics with ${JSON.stringify(limits)}`, () => {
    it('match pandas/numpy on every column', async () => {
      const p = await profileFixture(limits);
      for (const [name, e] of Object.entries(expected.columns)) {
        const s = p.columns.find((c) => c.name === name)!.stats;
        expect([name, s.count, s.missing, s.distinct]).toEqual([name, e.count, e.missing, e.distinct]);
        const top = s.top.map((x) => ({ value: e.type === 'float' || e.type === 'int' ? Number(x.value) : x.value, count: x.count }));
        expect(top).toEqual(e.top);
        if (e.type === 'string') continue;
        close(s.mean, e.mean!);
        close(s.std, e.std!);
        for (const [k, q] of Object.entries(e.quantiles!)) close(s.quantiles![k as 'p50'], q);
        expect(s.histogram!.counts).toEqual(e.histogram!.counts);
        s.histogram!.edges.forEach((edge, i) => close(edge, e.histogram!.edges[i]!));
      }
    });
  });
}

// A timestamp column holding one instant: numpy's range [v - 0.5, v + 0.5] is in the stored unit
// (ms), so the value sits at the left edge of bin 10. (Half a µs each side, in the units the
// statistics are computed in, put it in bin 11 over edges a few ulps apart.)
const constantTs = fileURLToPath(new URL('./testdata/constant-ts.csv', import.meta.url));
const expectedConstantTs = JSON.parse(readFileSync(new URL('./testdata/expected-constant-ts-stats.json', import.meta.url), 'utf8')) as { columns: Record<string, Expected> };
describe('a constant timestamp column', () => {
  it.each(PATHS.map((l) => [JSON.stringify(l), l] as const))('has numpy\'s histogram over ms with %s', async (_name, limits) => {
    const columns = Object.keys(expectedConstantTs.columns).map((name) => ({ name, type: 'timestamp' as const }));
    const p = await profileQuery(`SELECT * FROM read_csv(${quoteString(constantTs)}, header = true)`, columns, limits);
    for (const [name, e] of Object.entries(expectedConstantTs.columns)) {
      const s = p.columns.find((c) => c.name === name)!.stats;
      expect([name, s.count, s.min, s.max, s.histogram]).toEqual([name, e.count, e.min, e.max, e.histogram]);
    }
  });
});

describe('statistics of wide files', () => {
  it(`are computed in batches of ${BATCH_COLUMNS} columns, each column's as if it were alone`, async () => {
    // small.csv's 7 columns, each 4 times: 28 columns, more than one batch on either path.
    const base = Object.entries(expected.columns).map(([name, e]) => ({ name, type: e.type as 'int' }));
    const wide = [0, 1, 2, 3].flatMap((k) => base.map((c) => ({ ...c, name: `${c.name}_${k}` })));
    const select = `SELECT ${wide.map((c) => `"${c.name.replace(/_\d$/, '')}" AS "${c.name}"`).join(', ')} FROM read_csv(${quoteString(csv)}, header = true)`;
    for (const limits of PATHS.filter((l) => l.footerStatistics === undefined)) {
      const alone = await profileFixture(limits);
      const progress: string[] = [];
      const together = await profileQuery(select, wide, limits, (done, total) => progress.push(`${done}/${total}`));
      // Each batch says it is done, in order: two batches of columns at least (28 columns).
      const total = progress.length;
      expect(total).toBeGreaterThanOrEqual(2);
      expect(progress).toEqual(Array.from({ length: total }, (_, k) => `${k + 1}/${total}`));
      expect(together.columns.map((c) => c.name)).toEqual(wide.map((c) => c.name));
      together.columns.forEach((c, i) => expect(c.stats).toEqual(alone.columns[i % base.length]!.stats));
    }
  });
});

describe('statistics of short wide files', () => {
  it('take wider batches, the same statistics as each column alone', async () => {
    // As many cells a query as 20 columns of 2,048 rows, up to a 50th of the columns; files up to 1,000 columns as they were.
    const widths = [batchWidth(20, 5, 10_000), batchWidth(20, 5, 100_000), batchWidth(20, 1_000, 10_000), batchWidth(20, 2_048, 10_000), batchWidth(20, 5, 1_000), batchWidth(100, 5, 2_000)];
    expect(widths).toEqual([200, 2_000, 40, 20, 20, 100]);
    // 1,050 int columns and 50 string columns of 5 rows (a 50th: 22 columns a batch): 48 batches of sorted columns, the strings 3 sample and 3 aggregate batches.
    const ints = Array.from({ length: 1050 }, (_, k) => ({ name: `n${k}`, type: 'int' as const, sql: `(i * ${k} + ${k % 3}) % 7` }));
    const strings = Array.from({ length: 50 }, (_, k) => ({ name: `s${k}`, type: 'string' as const, sql: `'v' || ((i * ${k}) % 3)::VARCHAR` }));
    const all = [...ints, ...strings];
    const select = (cols: typeof all) => `SELECT ${cols.map((c) => `${c.sql} AS ${c.name}`).join(', ')} FROM range(5) t(i)`;
    const progress: number[] = [];
    const wide = await profileQuery(select(all), all, {}, (_done, total) => progress.push(total));
    expect(progress.at(-1)).toBe(54);
    for (const k of [0, 1, 21, 22, 1049, 1050, 1071, 1072, 1099]) {
      const alone = await profileQuery(select([all[k]!]), [all[k]!], {});
      expect(wide.columns[k]).toEqual(alone.columns[0]);
    }
  });

  it('sort up to 2^20 cells a query: a wide file of more rows in fewer batches, the same statistics', async () => {
    // At 10,000 × 1,000 the sorted batches are 200 columns (a 50th), where the others stay at 40; at 100,000 rows 20.
    const widths = [batchWidth(20, 1_000, 10_000, 1 << 20), batchWidth(20, 5_000, 10_000, 1 << 20), batchWidth(20, 10_000, 10_000, 1 << 20), batchWidth(20, 100_000, 10_000, 1 << 20), batchWidth(20, 1_000, 1_000, 1 << 20)];
    expect(widths).toEqual([200, 200, 104, 20, 20]);
    // 1,100 int columns of 3,000 rows: 20 columns a batch by cells (55 batches), sorted 22 (a 50th: 50 batches).
    const ints = Array.from({ length: 1100 }, (_, k) => ({ name: `n${k}`, type: 'int' as const, sql: `(i * ${k} + ${k % 3}) % 7` }));
    const select = (cols: typeof ints) => `SELECT ${cols.map((c) => `${c.sql} AS ${c.name}`).join(', ')} FROM range(3000) t(i)`;
    const progress: number[] = [];
    const wide = await profileQuery(select(ints), ints, {}, (_done, total) => progress.push(total));
    expect(progress.at(-1)).toBe(50);
    for (const k of [0, 1, 21, 22, 1099]) {
      const alone = await profileQuery(select([ints[k]!]), [ints[k]!], {});
      expect(wide.columns[k]).toEqual(alone.columns[0]);
    }
  });
});

describe('grouped string columns of a short file', () => {
  it(`are counted ${STRING_BATCH_COLUMNS} columns a query, with the statistics SQL's grouping gives`, async () => {
    // 150 string columns of 3,000 rows (two of DuckDB's vectors): NULLs, '', a character
    // beyond ASCII, and ties at the 20th place (37 values, 14 of them once more than the others).
    const columns = Array.from({ length: 150 }, (_, k) => ({ name: `s${k}`, type: 'string' as const }));
    const value = (k: number) => `CASE WHEN (i + ${k}) % 7 = 0 THEN NULL WHEN (i + ${k}) % 11 = 0 THEN '' WHEN (i + ${k}) % 13 = 0 THEN 'é' ELSE 'v' || ((i * ${k + 1}) % 37)::VARCHAR END`;
    const select = `SELECT ${columns.map((c, k) => `${value(k)} AS ${c.name}`).join(', ')} FROM range(3000) t(i)`;
    const progress: number[] = [];
    const counted = await profileQuery(select, columns, {}, (_done, total) => progress.push(total));
    // Batches of the footer's grouped columns: 2 of counted strings, where SQL's grouping takes 8.
    expect(progress.at(-1)).toBe(Math.ceil(columns.length / STRING_BATCH_COLUMNS));
    const grouped = await profileQuery(select, columns, { sortedRows: 0 });
    expect(counted.columns).toEqual(grouped.columns);
    // Counted in Python: the 20th place falls among the values seen 58 times, taken in byte order.
    const s = counted.columns[1]!.stats;
    expect([s.count, s.missing, s.distinct]).toEqual([2572, 428, 39]);
    const top = [['', 234], ['é', 180], ...['v15', 'v16', 'v29', 'v30'].map((v) => [v, 60]), ...['v0', 'v2', 'v20', 'v22', 'v23', 'v25', 'v36', 'v9'].map((v) => [v, 59])];
    expect(s.top.map((t) => [t.value, t.count])).toEqual([...top, ...['v1', 'v10', 'v11', 'v12', 'v13', 'v14'].map((v) => [v, 58])]);
  });
});

describe('grouped numeric columns of a short file', () => {
  it("take their statistics from their sorted values, the same as SQL's grouping gives", async () => {
    // 3,000 rows (two of DuckDB's vectors), every column grouped: ints with NULLs, floats of a
    // few values with decimals (their moments' last bits depend on how they are summed), a bool,
    // few instants, a constant and an int column beyond 2^53 (shifted).
    const cols = [
      ...Array.from({ length: 30 }, (_, k) => ({ name: `f${k}`, type: 'float' as const, sql: `(((i * ${k + 3}) % ${k + 5}) * 0.1 + 0.0${k % 9 + 1})::DOUBLE` })),
      ...Array.from({ length: 10 }, (_, k) => ({ name: `n${k}`, type: 'int' as const, sql: `CASE WHEN (i + ${k}) % 7 = 0 THEN NULL ELSE (i * ${k + 1}) % ${k + 4} - 2 END` })),
      { name: 'b', type: 'bool' as const, sql: 'i % 3 = 0' },
      { name: 't', type: 'timestamp' as const, sql: "TIMESTAMP '2024-01-01' + INTERVAL (i % 4) HOUR + INTERVAL (i % 3) MILLISECOND" },
      { name: 'c', type: 'float' as const, sql: '2.5::DOUBLE' },
      { name: 'h', type: 'int' as const, sql: '(9007199254740993 + i % 3)::BIGINT' },
    ];
    const select = `SELECT ${cols.map((c) => `${c.sql} AS ${c.name}`).join(', ')} FROM range(3000) t(i)`;
    const columns = cols.map(({ name, type }) => ({ name, type }));
    const sorted = await profileQuery(select, columns, { groupedShare: 1 });
    const grouped = await profileQuery(select, columns, { groupedShare: 1, sortedRows: 0 });
    sorted.columns.forEach((c, k) => expect([c.name, c.stats]).toEqual([c.name, grouped.columns[k]!.stats]));
  });
});

describe('histogram bins as numpy.histogram', () => {
  /** The column `x` of these values, as `type`, has numpy's bin counts on every path. */
  async function expectNumpyBins(values: readonly (number | string)[], type: 'int' | 'float', numpy: readonly number[]) {
    const file = tempFile('keel-hist-', 'x.csv');
    writeFileSync(file, `x\n${values.join('\n')}\n`);
    for (const limits of PATHS) {
      const p = await profileFixture(limits, file, [{ name: 'x', type }]);
      expect([JSON.stringify(limits), p.columns[0]!.stats.histogram!.counts]).toEqual([JSON.stringify(limits), numpy]);
    }
  }

  it('puts values within an ulp of an edge where numpy does, on every path', async () => {
    // floor((x - min) * 20 / (max - min)) alone puts 27.8 in bin 6; numpy (which checks the
    // value against its linspace edges) in bin 7. Counts from numpy.histogram(x, bins=20).
    await expectNumpyBins([35.8, 27.8, 21.2, 45.9, 42.8, 11.0, 8.3, 45.8, 7.9, 37.9, 15.6, 18.1], 'float', [2, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 2]);
  });

  it('puts a value just below an edge where numpy does, on every path', async () => {
    // The edge 6.7 of [-2.6, 16] is 6.700000000000001 in floating point: floor((x - min) * norm)
    // puts 6.7 in bin 10, numpy (comparing with the edge) in bin 9. Counts from
    // numpy.histogram([-2.6, 6.7, 16.0, 6.7, 3.1], bins=20).
    await expectNumpyBins(['-2.6', '6.7', '16.0', '6.7', '3.1'], 'float', [1, 0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it("counts sorted values by searching the edges as numpy's rule counts them one by one", () => {
    // Values at each edge, an ulp either side of it, and random ones, over ranges of several scales.
    const below = (x: number) => x - Math.abs(x) * 2 ** -52 - Number.MIN_VALUE;
    const above = (x: number) => x + Math.abs(x) * 2 ** -52 + Number.MIN_VALUE;
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (const [lo, hi] of [[-2.6, 16], [0, 1], [-1e6, 3e9], [1e15, 1e15 + 1024], [-5, -5 + 1e-9], [0.1, 0.7]] as const) {
      const edges = edgesOf(lo, hi);
      const values = [lo, hi, ...edges.flatMap((e) => [e, below(e), above(e)]), ...Array.from({ length: 500 }, () => lo + random() * (hi - lo))];
      const v = Float64Array.from(values.filter((x) => x >= lo && x <= hi)).sort();
      expect([lo, sortedNumpyCounts(v, { lo, hi })]).toEqual([lo, numpyCounts(v, { lo, hi })]);
    }
  });

  it('follows numpy when the range is so small that edges collapse', async () => {
    // 1e16 and its neighbours 2 and 4 apart: the edges 1e16 + k * 0.2 round to the same few values.
    // (As floats: an int column beyond 2^53 is binned exactly, less its min; profile-exact.test.ts.)
    const values = ['10000000000000000', '10000000000000002', '10000000000000004', '10000000000000004', '10000000000000002', '10000000000000000'];
    await expectNumpyBins(values, 'float', [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2]);
  });
});

describe('a column without values', () => {
  it('has the same empty statistics on every path', async () => {
    const select = 'SELECT NULL::DOUBLE AS x, i::DOUBLE AS y FROM range(5) t(i)';
    const columns = [{ name: 'x', type: 'float' as const }, { name: 'y', type: 'float' as const }];
    const stats = await Promise.all(PATHS.map(async (limits) => (await profileQuery(select, columns, limits)).columns[0]!.stats));
    for (const s of stats) expect(s).toEqual({ count: 0, missing: 5, min: null, max: null, mean: null, std: null, distinct: 0, quantiles: null, top: [], histogram: null });
  });
});

describe('the mean of a short file', () => {
  it('is summed with compensation: 1000 ones between ±1e17 are not lost', async () => {
    // math.fsum(x) / len(x) in Python: 0.998003992015968. A plain sum (DuckDB's avg, numpy's
    // pairwise sum) loses the first eight ones to 1e17's rounding and gives 0.9900199600798403.
    const select = 'SELECT 1e17::DOUBLE AS x UNION ALL SELECT 1::DOUBLE FROM range(1000) UNION ALL SELECT -1e17::DOUBLE';
    const p = await profileQuery(select, [{ name: 'x', type: 'float' }], { groupedShare: 0 });
    expect(p.columns[0]!.stats.mean).toBe(0.998003992015968);
  });
});

describe("the Parquet footer's min and max", () => {
  it('are checked by the histogram pass, and replaced when they are not the values\' own', async () => {
    // Stored as text, profiled as int: the footer's min and max are the strings '1' and '9', so
    // the hint is [1, 9] while the values reach 15. Counts from numpy.histogram([1, 15, 9, 9], bins=20).
    const p = await profileQuery(`SELECT x::VARCHAR AS x FROM (VALUES (1), (15), (9), (9)) t(x)`, [{ name: 'x', type: 'int' }], { groupedShare: 0, sortedRows: 0 });
    const s = p.columns[0]!.stats;
    expect([s.min, s.max, s.count]).toEqual([1, 15, 4]);
    expect(s.histogram!.counts).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('give the histogram only when the values reach both', async () => {
    const agg = histogramAggregate('x', 0, 20)!;
    // The buckets of -x: -up(20) holds x > 20, -20 holds x = 20, -e_k bin k, -up(0) the rest of bin 0, -0 holds x = 0.
    const entries = (atMin: number, atMax: number, above: number, below: number) => ({
      entries: [
        { key: -20.000000000000004, value: above },
        { key: -20, value: atMax },
        { key: -1, value: 5 },
        { key: -Number.MIN_VALUE, value: 2 },
        { key: -0, value: atMin },
        { key: Infinity, value: below },
      ],
    });
    expect(agg.read(entries(1, 1, 0, 0))!.counts).toEqual([3, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    for (const wrong of [entries(0, 1, 0, 0), entries(1, 0, 0, 0), entries(1, 1, 1, 0), entries(1, 1, 0, 1)]) expect(agg.read(wrong)).toBeUndefined();
    // A constant column (numpy's range is then [v - 0.5, v + 0.5]) and edges that collapse take histogramQuery.
    expect(histogramAggregate('x', 3, 3)).toBeUndefined();
    expect(histogramAggregate('x', 1e16, 1e16 + 4)).toBeUndefined();
  });
});

describe('the classification by the Parquet footer', () => {
  it('groups columns whose row groups have few distinct values, over a file of several row groups', async () => {
    // 300,000 rows: three row groups. `few` has 50 values (dictionary-encoded, so the footer
    // knows it: grouped, every statistic exact though the file is sampled); `id` is unique (no
    // dictionary: high-cardinality, so its distinct count is estimated and its quantiles sampled);
    // `flag` is bool (grouped by its type).
    const select = 'SELECT i AS id, (i * 7) % 50 AS few, i % 3 = 0 AS flag FROM range(300000) t(i)';
    const columns = [{ name: 'id', type: 'int' }, { name: 'few', type: 'int' }, { name: 'flag', type: 'bool' }] as { name: string; type: 'int' }[];
    const p = await profileQuery(select, columns, { sampleRows: 2000 });
    const [id, few, flag] = p.columns.map((c) => c.stats);
    expect(p.rows).toBe(300_000);
    expect(few!.distinct).toBe(50);
    // numpy: np.quantile(np.arange(300000) * 7 % 50, [.01, .05, .25, .5, .75, .95, .99])
    expect(few!.quantiles).toEqual({ p01: 0, p05: 2, p25: 12, p50: 24.5, p75: 37, p95: 47, p99: 49 });
    expect(few!.top).toHaveLength(20);
    for (const t of few!.top) expect(t.count).toBe(6000);
    expect([flag!.distinct, flag!.quantiles!.p50, flag!.top]).toEqual([2, 0, [{ value: 'false', count: 200_000 }, { value: 'true', count: 100_000 }]]);
    // Estimated, and from a 2,000-row sample: close, but not the exact 300,000 and 149,999.5.
    expect(Math.abs(id!.distinct / 300_000 - 1)).toBeLessThan(0.05);
    expect(Math.abs(id!.quantiles!.p50 - 149_999.5)).toBeLessThan(0.05 * 300_000);
  });
});

describe('distinct counts above exactRows', () => {
  it('estimate high-cardinality columns from a 1/16 hash sample within a few percent', async () => {
    const file = tempFile('keel-distinct-', 'd.csv');
    const lines = Array.from({ length: 40_000 }, (_, i) => `${i},${(i * 7919) % 20_000}`);
    writeFileSync(file, `k,m\n${lines.join('\n')}\n`);
    const p = await profileFixture({ exactRows: 1000, sampleRows: 1000, sortedRows: 0 }, file, [{ name: 'k', type: 'int' }, { name: 'm', type: 'int' }]);
    const [k, m] = p.columns.map((c) => c.stats.distinct);
    // About 2500 and 1250 values in the hash sample: a relative error near 2-3 %.
    expect(Math.abs(k! / 40_000 - 1)).toBeLessThan(0.08);
    expect(Math.abs(m! / 20_000 - 1)).toBeLessThan(0.08);
    expect(p.columns.map((c) => c.stats.count)).toEqual([40_000, 40_000]);
  });
});

describe('a column named file_row_number', () => {
  it('is profiled like any other (the sample is then taken without that option)', async () => {
    const file = tempFile('keel-frn-', 'f.csv');
    writeFileSync(file, 'file_row_number,x\n1,2.5\n2,3.5\n2,4.5\n');
    // sampleRows 2: the sample cannot use the row numbers either (it takes USING SAMPLE then).
    for (const limits of [{}, { sampleRows: 2, groupedShare: 0, sortedRows: 0 }]) {
      const p = await profileFixture(limits, file, [{ name: 'file_row_number', type: 'int' }, { name: 'x', type: 'float' }]);
      expect(p.columns.map((c) => [c.stats.count, c.stats.distinct, c.stats.mean])).toEqual([[3, 2, 5 / 3], [3, 3, 3.5]]);
      // The top values are those the sample holds, each counted over the whole file.
      const top = p.columns[1]!.stats.top;
      expect(top.length).toBeGreaterThan(0);
      for (const t of top) expect([['2.5', '3.5', '4.5'].includes(t.value), t.count]).toEqual([true, 1]);
    }
  });
});

describe('statistics on the sampled path (large files)', () => {
  it('keeps counts, moments, histograms and top counts exact; quantiles close; grouped columns exact', async () => {
    // A 100-row sample on this 400-row file (distinct counts stay exact up to 100k rows). Columns
    // with at most 40 distinct values among the 400 rows are grouped over the whole file.
    const p = await profileFixture({ sampleRows: 100, sortedRows: 0 });
    for (const [name, e] of Object.entries(expected.columns)) {
      const s = p.columns.find((c) => c.name === name)!.stats;
      expect([s.count, s.missing]).toEqual([e.count, e.missing]);
      expect(s.distinct).toBe(e.distinct);
      // Every top value the sample finds is counted exactly over the whole file.
      const exactCounts = new Map(e.top.map((x) => [String(x.value), x.count]));
      if (name === 's_str' || name === 'b_bool') expect(s.top).toEqual(e.top);
      for (const t of s.top) if (exactCounts.has(t.value)) expect(t.count).toBe(exactCounts.get(t.value));
      if (e.type === 'string') continue;
      close(s.mean, e.mean!);
      expect(s.histogram!.counts).toEqual(e.histogram!.counts);
      const spread = e.max! - e.min!;
      for (const k of ['p25', 'p50', 'p75'] as const) expect(Math.abs(s.quantiles![k] - e.quantiles![k]!)).toBeLessThanOrEqual(0.25 * spread + 1e-9);
      // Few distinct values: grouped, so the quantiles are exact although the file is sampled.
      if (name === 'b_bool' || name === 'k_const') for (const [k, q] of Object.entries(e.quantiles!)) close(s.quantiles![k as 'p50'], q);
    }
  });
});
