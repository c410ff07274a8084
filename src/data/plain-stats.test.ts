import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/index.js';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import type { PlainColumn, PlainType } from './plain-column.js';
import { plainColumnProfile } from './plain-stats.js';
import { profileParquet } from './profile.js';
import { sortedStats } from './profile-sorted.js';
import type { ColumnProfile } from './types.js';

type Cell = number | string | null;

/** A generated column: its type and a maker of its n values (null: missing). */
interface Gen {
  readonly name: string;
  readonly type: PlainType;
  make(r: () => number, n: number): Cell[];
}

const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const each = (n: number, f: (i: number) => Cell): Cell[] => Array.from({ length: n }, (_, i) => f(i));
const maybe = (r: () => number, p: number, x: () => Cell): Cell => (r() < p ? null : x());

// Every kind of column a plain CSV holds, with the cases each path of the statistics treats apart.
const GENS: Gen[] = [
  { name: 'id', type: 'int', make: (_, n) => each(n, (i) => i) },
  { name: 'digit', type: 'int', make: (r, n) => each(n, () => maybe(r, 0.1, () => Math.floor(r() * 10) - 3)) },
  { name: 'big_int', type: 'int', make: (r, n) => each(n, () => Math.floor(r() * 2e6) - 1e6) },
  { name: 'price', type: 'float', make: (r, n) => each(n, () => maybe(r, 0.05, () => Number((Math.exp(3 + normal(r)) * 10).toFixed(2)))) },
  { name: 'few_floats', type: 'float', make: (r, n) => each(n, () => Number((Math.floor(r() * 7) * 0.35 - 1).toFixed(2))) },
  // At most a tenth of the rows distinct whatever n: grouped (mean and std as the grouped path's).
  { name: 'tenth', type: 'float', make: (r, n) => each(n, () => Math.floor(r() * Math.max(1, n / 20)) / 8) },
  { name: 'raw_doubles', type: 'float', make: (r, n) => each(n, () => maybe(r, 0.02, () => (r() - 0.3) * 1e3 * r())) },
  { name: 'signed_zero', type: 'float', make: (r, n) => each(n, () => (r() < 0.3 ? 0 : Number((normal(r) * 0.04).toFixed(1)))) },
  // Exactly a tenth of the rows distinct (still grouped), of values whose moments differ in
  // their last digit grouped or not: the first such seed.
  { name: 'exact_tenth', type: 'float', make: (_, n) => exactTenth(n) },
  // 2 true of 7: the grouped std (0.48795003647426655) is not the per-value one (…666).
  { name: 'sevenths', type: 'bool', make: (_, n) => each(n, (i) => (i % 7 < 2 ? 1 : 0)) },
  { name: 'flag', type: 'bool', make: (r, n) => each(n, () => maybe(r, 0.05, () => (r() < 0.7 ? 1 : 0))) },
  { name: 'all_missing', type: 'float', make: (_, n) => each(n, () => null) },
  { name: 'country', type: 'string', make: (r, n) => each(n, () => maybe(r, 0.1, () => ['US', 'DE', 'ﬀ', '😀', 'Zürich', 'a b'][Math.floor(r() * r() * 6)]!)) },
  // Many values counted once or twice: ties at the 20th place, broken by code point.
  { name: 'ties', type: 'string', make: (r, n) => each(n, () => `v${Math.floor(r() * n * 0.7)}`) },
  { name: 'no_text', type: 'string', make: (_, n) => each(n, () => null) },
];

/**
 * n values, n / 10 distinct, whose mean or std grouped (sortedStats' `counted`) differs from the
 * per-value one where one of the first 60 seeds gives such.
 */
function exactTenth(n: number): Cell[] {
  const levels = Math.floor(n / 10);
  if (levels < 2) return each(n, () => 1);
  const c = { name: 'x', type: 'float' as const, i: 0 };
  let cells: Cell[] = [];
  for (let seed = 1; seed <= 60; seed++) {
    const r = mulberry32(seed);
    // Increasing with k: distinct.
    const level = each(levels, (k) => Number(((k + 0.01 + r() * 0.98) ** 1.7 * 7.3).toFixed(4))) as number[];
    cells = each(n, (i) => level[i % levels]!);
    const sorted = Float64Array.from(cells as number[]).sort();
    const [grouped, plain] = [sortedStats(sorted, c, true), sortedStats(sorted, c, false)];
    if (grouped.mean !== plain.mean || grouped.std !== plain.std) break;
  }
  return cells;
}

/** The cells as a PlainColumn, the dictionary in order of first use with one value no row uses. */
function plain(type: PlainType, cells: Cell[]): PlainColumn {
  if (type !== 'string') return { type, values: Float64Array.from(cells, (c) => (c === null ? NaN : (c as number))) };
  const dictionary = ['unused'];
  const index = new Map<string, number>();
  const codes = Int32Array.from(cells, (c) => {
    if (c === null) return -1;
    let k = index.get(c as string);
    if (k === undefined) index.set(c as string, (k = dictionary.push(c as string) - 1));
    return k;
  });
  return { type, codes, dictionary };
}

const SQL_TYPE: Record<PlainType, string> = { int: 'BIGINT', float: 'DOUBLE', bool: 'BOOLEAN', string: 'VARCHAR' };

/** A cell as CSV text, read back by DuckDB as the same value (-0 as -0.0, bools as true/false). */
function csvCell(type: PlainType, c: Cell): string {
  if (c === null) return '';
  if (type === 'string') return `"${String(c).replaceAll('"', '""')}"`;
  if (type === 'bool') return c === 1 ? 'true' : 'false';
  return Object.is(c, -0) ? '-0.0' : String(c);
}

describe('plainColumnProfile against profileParquet', () => {
  let dir: string;
  let duck: Awaited<ReturnType<typeof openDuckDb>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-plain-stats-'));
    duck = await openDuckDb(dir);
  });
  afterAll(() => {
    duck.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** profileParquet's profiles of the columns stored in one Parquet file (one row group up to 122,880 rows, DuckDB's default). */
  async function parquetProfiles(gens: readonly Gen[], cells: Cell[][], n: number): Promise<ColumnProfile[]> {
    const csv = join(dir, `t${n}.csv`);
    const lines = [gens.map((g) => g.name).join(',')];
    for (let i = 0; i < n; i++) lines.push(gens.map((g, k) => csvCell(g.type, cells[k]![i]!)).join(','));
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const parquet = join(dir, `t${n}.parquet`);
    const types = gens.map((g) => `${quoteString(g.name)}: '${SQL_TYPE[g.type]}'`).join(', ');
    const con = await duck.connect();
    await con.run(`COPY (SELECT * FROM read_csv(${quoteString(csv)}, header = true, nullstr = '', allow_quoted_nulls = false, columns = {${types}})) TO ${quoteString(parquet)} (FORMAT parquet)`);
    const { rows, columns } = await profileParquet([con, await duck.connect()], parquet, gens.map((g) => ({ name: g.name, type: g.type })));
    expect(rows).toBe(n);
    return columns;
  }

  for (const n of [1, 7, 600, 3_000, 30_000, 100_000]) {
    it(`gives profileParquet's profiles on ${n.toLocaleString('en')} rows`, { timeout: 60_000 }, async () => {
      const r = mulberry32(n);
      const cells = GENS.map((g) => g.make(r, n));
      const expected = await parquetProfiles(GENS, cells, n);
      // As stored (JSON): the sign of a zero is not kept, and profileParquet's own depends on its
      // path (the order its sort leaves -0 and 0 in, which of them a GROUP BY keeps).
      const stored = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
      expect(stored(GENS.map((g, k) => plainColumnProfile(g.name, plain(g.type, cells[k]!))))).toEqual(stored(expected));
    });
  }
});

describe('plainColumnProfile of a column in parts', () => {
  /** Cuts a column at `cuts` (row indices), each part with a dictionary of its own values only. */
  function cut(column: PlainColumn, cuts: readonly number[]): PlainColumn[] {
    const bounds = [0, ...cuts, column.type === 'string' ? column.codes.length : column.values.length];
    return bounds.slice(1).map((end, k) => {
      const start = bounds[k]!;
      if (column.type !== 'string') return { type: column.type, values: column.values.slice(start, end) };
      const dictionary: string[] = [];
      const ids = new Map<string, number>();
      const codes = Int32Array.from(column.codes.subarray(start, end), (c) => {
        if (c < 0) return -1;
        const s = column.dictionary[c]!;
        let id = ids.get(s);
        if (id === undefined) ids.set(s, (id = dictionary.push(s) - 1));
        return id;
      });
      return { type: 'string', codes, dictionary };
    });
  }

  it('is the profile of the whole column, wherever it is cut', () => {
    const r = mulberry32(7);
    const n = 5_000;
    const words = Array.from({ length: 60 }, (_, k) => `w${k}`);
    const columns: PlainColumn[] = [
      { type: 'int', values: Float64Array.from({ length: n }, (_, i) => (r() < 0.1 ? NaN : Math.floor(r() * r() * 40) - 5 + (i % 2))) },
      { type: 'float', values: Float64Array.from({ length: n }, () => (r() < 0.05 ? NaN : Math.round(r() * 1e6) / 1e3)) },
      { type: 'bool', values: Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : r() < 0.3 ? 1 : 0)) },
      { type: 'string', codes: Int32Array.from({ length: n }, () => (r() < 0.1 ? -1 : Math.floor(r() * r() * words.length))), dictionary: words },
    ];
    // Other values first, each time: the sort's scratch memory (plain-sort.ts) then holds none of the column's.
    const decoy: PlainColumn = { type: 'float', values: Float64Array.from({ length: n }, (_, i) => (i === 0 ? NaN : r() * 1e9)) };
    for (const column of columns) {
      const whole = plainColumnProfile('c', column);
      for (const cuts of [[1], [2_500], [17, 4_000], [0, 5_000]]) {
        plainColumnProfile('decoy', decoy);
        expect(plainColumnProfile('c', cut(column, cuts)), `${column.type} cut at ${cuts}`).toEqual(whole);
      }
    }
  });
});
