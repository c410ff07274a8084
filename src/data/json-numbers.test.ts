import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READING_AGAIN } from './add-notes.js';
import { sqliteTestService } from './test-helpers.js';

describe('JSON integer columns', () => {
  const t = sqliteTestService();

  /** Adds NDJSON rows `{"x": ...}` and returns the version with the notes the add gave. */
  async function add(name: string, values: readonly string[]) {
    const file = join(mkdtempSync(join(tmpdir(), 'keel-json-')), `${name}.ndjson`);
    writeFileSync(file, values.map((v) => `{"x": ${v}, "k": 1}\n`).join(''));
    const notes = new Set<string>();
    const v = await t.service.add(name, file, {}, { onProgress: (e) => void (e.message?.startsWith(READING_AGAIN) && notes.add(e.message)) });
    return { v, notes: [...notes], rows: async (offset: number) => (await t.service.rows(name, { offset, limit: 1 })).rows[0] };
  }

  it('keep a fraction past the sampled rows: the column becomes float (DuckDB rounded 1.5 into the int column as 2, without a word)', async () => {
    const whole = Array.from({ length: 30_000 }, (_, i) => String(i));
    const { v, notes, rows } = await add('late', [...whole, '1.5']);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['x:float', 'k:int']);
    expect(await rows(30_000)).toEqual([1.5, 1]);
    // pandas: pd.read_json(lines=True)['x'].mean() over 0..29,999 and 1.5
    expect(v.columns[0]!.stats.mean).toBeCloseTo(14999.000083330555, 9);
    expect(notes).toEqual([`${READING_AGAIN}column 'x' holds 1.5 after whole numbers in the first rows, so the types come from all rows`]);
  });

  it('stay int, exactly, with values beyond 2^53, and need no second read when every value is a small whole number', async () => {
    const big = await add('big', ['1', '9007199254740993', '-9007199254740995']);
    expect(big.v.columns[0]!.type).toBe('int');
    expect([await big.rows(1), await big.rows(2)]).toEqual([['9007199254740993', 1], ['-9007199254740995', 1]]);
    const small = await add('small', ['1', '2', '-3']);
    expect([small.v.columns[0]!.type, small.notes]).toEqual(['int', []]);
  });
});
