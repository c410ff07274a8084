import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, quoteString } from './duckdb-sql.js';
import { sqliteTestService } from './test-helpers.js';

// pandas keeps nested values in object columns (pd.read_json(lines=True): a and b are object);
// Keel keeps each as its JSON text, a string column. They were refused ("type STRUCT(...), which
// Keel datasets cannot hold"), and an empty object as "type MAP".
describe('nested values', () => {
  const t = sqliteTestService();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-nested-'));
  });

  it('of a JSON file are string columns of their own JSON text', async () => {
    const file = join(dir, 'n.ndjson');
    writeFileSync(file, '{"a": {"x": 1, "y": [1, 2]}, "b": [1, 2, 3], "c": 1, "d": {}}\n{"a": {"x": 2, "y": []}, "b": [], "c": 2, "d": {"k": "v"}}\n');
    const v = await t.service.add('ndjson', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:string', 'b:string', 'c:int', 'd:string']);
    // The empty object stays {} (as a struct it would be {"k": null}, the key of the other row).
    expect((await t.service.rows('ndjson')).rows).toEqual([
      ['{"x":1,"y":[1,2]}', '[1,2,3]', 1, '{}'],
      ['{"x":2,"y":[]}', '[]', 2, '{"k":"v"}'],
    ]);
  });

  it('of a Parquet file (struct, list of decimals, map) are string columns of their JSON text', async () => {
    const file = join(dir, 'n.parquet');
    const duck = await openDuckDb(dir);
    try {
      await (await duck.connect()).run(`COPY (SELECT {'x': 1, 'y': [1, 2]} AS s, [1.5, 2] AS l, MAP {'k': 1} AS m, 7 AS n) TO ${quoteString(file)} (FORMAT parquet)`);
    } finally {
      duck.close();
    }
    const v = await t.service.add('parquet', file);
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['s:string', 'l:string', 'm:string', 'n:int']);
    expect((await t.service.rows('parquet')).rows).toEqual([['{"x":1,"y":[1,2]}', '[1.5,2.0]', '{"k":1}', 7]]);
  });
});
