import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqliteTestService } from './test-helpers.js';

/** NDJSON lines of `{"a": i}` for i below `n`, then `last` (an object's JSON). */
const linesThen = (n: number, last: string): string => `${Array.from({ length: n }, (_, i) => `{"a": ${i}}`).join('\n')}\n${last}\n`;

// Compared with pandas: pd.read_json(f, lines=True) gives the columns of every object.
describe('JSON keys past the sampled rows', () => {
  const t = sqliteTestService();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-json-'));
  });

  // DuckDB's reader, given the columns (as Keel gives them for its integer checks), skipped a key
  // it had not sampled without a word: the column `late` was lost.
  it('are columns, beside integer columns (NDJSON)', async () => {
    const file = join(dir, 'late.ndjson');
    writeFileSync(file, linesThen(30_000, '{"a": 5, "late": "hello"}'));
    const v = await t.service.add('late', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'late:string']);
    expect(v.columns[1]!.stats.count).toBe(1);
    expect((await t.service.rows('late', { offset: 30_000 })).rows).toEqual([[5, 'hello']]);
    expect(v.notes).toEqual(['line 30001 has the key "late", which the first rows do not, so the types come from all rows']);
  });

  it('are columns in a JSON array too, its object named by its place', async () => {
    const file = join(dir, 'late.json');
    const objects = Array.from({ length: 25_000 }, (_, i) => `{"a": ${i}}`);
    writeFileSync(file, `[${[...objects, '{"a": 1, "late": 7}'].join(',\n')}]`);
    const v = await t.service.add('late-json', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'late:int']);
    expect((await t.service.rows('late-json', { offset: 25_000 })).rows).toEqual([[1, 7]]);
    expect(v.notes).toEqual(['object 25001 has the key "late", which the first rows do not, so the types come from all rows']);
  });
});
