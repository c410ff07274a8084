import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffVersions, type Shift } from './dataset-diff.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';
import type { DatasetVersion } from './types.js';

// Expected values from testdata/make-diff-expected.py: pandas, numpy and scipy on the raw rows.
interface Expected {
  rows: Shift;
  schema: { added: string[]; removed: string[]; moved: unknown[]; renamed: { a: string; b: string; jensenShannon: number }[] };
  columns: {
    name: string;
    mean: Record<string, number | null>; std: Record<string, number | null>; missingRate: Record<string, number | null>; distinct: Record<string, number | null>;
    quantiles: Record<string, Record<string, number | null>> | null;
    drift: { jensenShannon: number; psi: number; bins: number; basis: string } | null;
  }[];
}
const testdata = (f: string) => new URL(`./testdata/${f}`, import.meta.url).pathname;
const expected = JSON.parse(readFileSync(testdata('expected-diff.json'), 'utf8')) as Expected;

/** Every number within a relative 1e-9 (or 1e-12 near 0), every other value equal. */
function close(actual: unknown, want: unknown, path: string): void {
  if (typeof want === 'number' && typeof actual === 'number') {
    if (!(Math.abs(actual - want) <= Math.max(1e-12, 1e-9 * Math.abs(want)))) throw new Error(`${path}: expected ${want}, got ${actual}`);
    return;
  }
  if (want !== null && typeof want === 'object') {
    for (const [k, v] of Object.entries(want)) close((actual as Record<string, unknown> | null)?.[k], v, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(want);
}

describe('diffVersions against pandas', () => {
  const t = sqliteTestService();
  const both = async () => {
    const a = await t.service.add('m', testdata('diff-a.csv'));
    const b = await t.service.add('m', testdata('diff-b.csv'));
    return { a, b, d: await t.service.diff(`m@${a.version}`, `m@${b.version}`) };
  };

  it('reports the schema: added, removed, type changes, moved columns, a rename hint', async () => {
    const { d } = await both();
    expect(d.schema.added.map((c) => c.name)).toEqual(expected.schema.added);
    expect(d.schema.removed.map((c) => c.name)).toEqual(expected.schema.removed);
    // g has no value in B, so B's type is read from none (string): the change says so.
    expect(d.schema.changed).toEqual([
      { name: 's', nullable: { a: false, b: true } },
      { name: 'g', type: { a: 'float', b: 'string' }, allMissing: 'b' },
      { name: 'n', type: { a: 'int', b: 'float' } },
    ]);
    expect(d.schema.moved).toEqual(expected.schema.moved);
    close(d.schema.renamed, expected.schema.renamed, 'renamed');
    close(d.rows, expected.rows, 'rows');
    expect(d.sameContent).toBe(false);
  });

  it('gives every statistic shift and the drift measure pandas and scipy give', async () => {
    const { d } = await both();
    expect(d.columns.map((c) => c.name)).toEqual(expected.columns.map((c) => c.name));
    for (const want of expected.columns) {
      const got = d.columns.find((c) => c.name === want.name)!;
      for (const k of ['mean', 'std', 'missingRate', 'distinct', 'quantiles', 'drift'] as const) close(got[k], want[k], `${want.name}.${k}`);
      expect(got.meanShiftInStd).toBe(got.mean.inStd);
      expect(got.changed).toBe(true);
    }
  });

  it('diffs a version with itself as unchanged, with no drift', async () => {
    const { b } = await both();
    const d = await t.service.diff(`m@${b.version}`, 'm');
    expect(d.sameContent).toBe(true);
    expect(d.schema).toEqual({ added: [], removed: [], changed: [], moved: [], renamed: [] });
    expect(d.columns.filter((c) => c.changed)).toEqual([]);
    for (const c of d.columns) if (c.drift) expect([c.name, c.drift.jensenShannon, c.drift.psi]).toEqual([c.name, 0, 0]);
    expect(d.columns.find((c) => c.name === 'g')!.drift).toBeNull();
  });

  it('names the ref that is wrong: a or b, and the version not found', async () => {
    const { a } = await both();
    await expectKeelError(t.service.diff('m@0123456789ab', 'm'), 'NOT_FOUND', /dataset version 'm@0123456789ab' not found/);
    await expectKeelError(t.service.diff('m', 'nope'), 'NOT_FOUND', /dataset 'nope' not found/);
    const e = await expectKeelError(t.service.diff(`m@${a.version}`, 'm@v2'), 'INVALID_ARGUMENT', /invalid dataset version 'v2'/);
    expect(e.field).toBe('b');
    // Both wrong: A's error, every time.
    expect((await expectKeelError(t.service.diff('m@x', 'm@y'), 'INVALID_ARGUMENT', /'x'/)).field).toBe('a');
  });

  it('compares two datasets as it compares two versions', async () => {
    const { b } = await both();
    await t.service.add('other', testdata('diff-a.csv'));
    const d = await t.service.diff('other', `m@${b.version}`);
    expect([d.a.name, d.b.name]).toEqual(['other', 'm']);
    expect(d.schema.moved).toEqual(expected.schema.moved);
  });
});

describe('diffVersions on hand-made profiles', () => {
  const version = (columns: DatasetVersion['columns'], sha = 'x'): DatasetVersion =>
    ({ name: 'h', version: '0123456789ab', rows: 10, contentSha256: sha, artifactSha256: sha, source: 's', createdAt: 0, columns });
  const col = (name: string, type: DatasetVersion['columns'][number]['type'], top: [string, number][], missing = 0) => ({
    name, type, nullable: missing > 0,
    stats: { count: top.reduce((n, [, c]) => n + c, 0), missing, min: null, max: null, mean: null, std: null, distinct: top.length, quantiles: null, top: top.map(([value, count]) => ({ value, count })), histogram: null },
  });

  it('moves as few columns as keep the others in order', () => {
    const names = (s: string) => s.split('').map((n) => col(n, 'string', [['a', 1]]));
    const d = diffVersions(version(names('abcdef')), version(names('bcdaef')));
    expect(d.schema.moved).toEqual([{ name: 'a', a: 0, b: 3 }]);
    expect(diffVersions(version(names('abc')), version(names('cba'))).schema.moved.map((m) => m.name)).toEqual(['c', 'b']);
  });

  it('compares int and bool values by number, and does not compare a string with a number', () => {
    const d = diffVersions(version([col('f', 'bool', [['false', 3], ['true', 1]]), col('s', 'string', [['1', 4]])]), version([col('f', 'int', [['0', 3], ['1', 1]]), col('s', 'int', [['1', 4]])]));
    expect(d.columns[0]!.drift).toEqual({ jensenShannon: 0, psi: 0, basis: 'values', bins: 2 });
    expect(d.columns[1]!.drift).toBeNull();
  });
});
