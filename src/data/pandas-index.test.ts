import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import { sqliteTestService } from './test-helpers.js';

// pandas' df[df.x > 0].to_parquet(path) stores the index as __index_level_0__, listed in the file's
// pandas metadata; pd.read_parquet(path).columns is then ['a'] alone. Keel stored it as a column.
describe("pandas' index in a Parquet file", () => {
  const t = sqliteTestService();
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-pandas-'));
    const duck = await openDuckDb(dir);
    try {
      const con = await duck.connect();
      const pandas = (index: string) => `KV_METADATA {pandas: ${quoteString(JSON.stringify({ index_columns: [index], columns: [] }))}}`;
      await con.run(`COPY (SELECT range * 10 AS a, range + 5 AS __index_level_0__ FROM range(3)) TO ${quoteString(join(dir, 'index.parquet'))} (FORMAT parquet, ${pandas('__index_level_0__')})`);
      await con.run(`COPY (SELECT range * 10 AS a, range + 5 AS user_id FROM range(3)) TO ${quoteString(join(dir, 'named.parquet'))} (FORMAT parquet, ${pandas('user_id')})`);
      await con.run(`COPY (SELECT range * 10 AS a, range + 5 AS __index_level_0__ FROM range(3)) TO ${quoteString(join(dir, 'plain.parquet'))} (FORMAT parquet)`);
    } finally {
      duck.close();
    }
  });

  it('is left out with a note when unnamed, as read_parquet makes it the index', async () => {
    const v = await t.service.add('index', join(dir, 'index.parquet'));
    expect(v.columns.map((c) => c.name)).toEqual(['a']);
    expect(v.notes).toEqual(["column '__index_level_0__' is pandas' index (its to_parquet() wrote it, and read_parquet() makes it the index again), so it is left out (name it in --columns to keep it)"]);
    expect((await t.service.rows('index')).rows).toEqual([[0], [10], [20]]);
  });

  it('stays when --columns names it, when it is named (data), and without pandas metadata', async () => {
    expect((await t.service.add('kept', join(dir, 'index.parquet'), { columns: ['a', '__index_level_0__'] })).columns.map((c) => c.name)).toEqual(['a', '__index_level_0__']);
    expect((await t.service.add('named', join(dir, 'named.parquet'))).columns.map((c) => c.name)).toEqual(['a', 'user_id']);
    expect((await t.service.add('plain', join(dir, 'plain.parquet'))).columns.map((c) => c.name)).toEqual(['a', '__index_level_0__']);
  });
});
