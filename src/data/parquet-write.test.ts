import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../storage/index.js';
import { estimatedRows } from './csv-sample.js';
import { parquetOptions } from './parquet-write.js';
import { makeTestService } from './test-helpers.js';

describe('the Parquet an add writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-parquet-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has eight row groups or so up to 100,000 rows (both threads write), DuckDB default ones above', () => {
    expect(parquetOptions(undefined)).toBe('FORMAT parquet, COMPRESSION snappy');
    expect(parquetOptions(100_001)).toBe('FORMAT parquet, COMPRESSION snappy');
    expect(parquetOptions(100_000)).toBe('FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 14336');
    expect(parquetOptions(30_000)).toBe('FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 4096');
    expect(parquetOptions(10)).toBe('FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048');
  });

  it("estimates a CSV's rows from its size and its first MiB's lines", async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `${i},${'x'.repeat(i % 20)}`);
    const text = `n,s\n${lines.join('\n')}\n`;
    const [plain, gz] = [join(dir, 'rows.csv'), join(dir, 'rows.csv.gz')];
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    const plainRows = (await estimatedRows([plain]))!;
    expect(Math.abs(plainRows - 100_001) / 100_001).toBeLessThan(0.05);
    // Two parts: twice the rows. A gzipped file: its size times 4 (a guess, from its first MiB's rows).
    expect(Math.abs((await estimatedRows([plain, plain]))! - 2 * plainRows)).toBeLessThanOrEqual(1);
    expect(await estimatedRows([gz])).toBeGreaterThan(0);
    expect(await estimatedRows([join(dir, 'missing.csv')])).toBeUndefined();
  });

  it("writes a short file's rows in several row groups (CSV, Parquet, NDJSON), with the same statistics", async () => {
    const store = await openMetadataStore('sqlite::memory:');
    try {
      // DuckDB's writer (the JS path writes row groups of its own: plain-csv-read.ts).
      const t = makeTestService(store, undefined, { plainCsvMinBytes: Infinity });
      const file = join(dir, 'short.csv');
      writeFileSync(file, `n,x,c\n${Array.from({ length: 30_000 }, (_, i) => `${i},${(i * 7919) % 1000},k${i % 13}`).join('\n')}\n`);
      const v = await t.service.add('short', file);
      const con = await (await DuckDBInstance.create(':memory:')).connect();
      const groups = await con.runAndReadAll(`SELECT count(DISTINCT row_group_id), max(row_group_num_rows) FROM parquet_metadata('${await t.service.parquetPath(`short@${v.version}`)}')`);
      expect(groups.getRows()[0]!.map(Number)).toEqual([8, 4096]);
      // The same rows as Parquet (its footer gives the rows) and as NDJSON: the same row groups.
      for (const format of ['parquet', 'json'] as const) {
        const copy = join(dir, `short.${format === 'json' ? 'ndjson' : format}`);
        await con.run(`COPY (SELECT * FROM read_csv('${file}')) TO '${copy}' (FORMAT ${format})`);
        const w = await t.service.add(`short-${format}`, copy);
        const read = await con.runAndReadAll(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${await t.service.parquetPath(`short-${format}@${w.version}`)}')`);
        expect(Number(read.getRows()[0]![0])).toBe(8);
        expect(w.columns).toEqual(v.columns);
      }
      con.closeSync();
      const [n, x, c] = v.columns;
      expect([n!.stats.min, n!.stats.max, n!.stats.distinct, n!.stats.mean]).toEqual([0, 29_999, 30_000, 14_999.5]);
      expect([x!.stats.min, x!.stats.max, x!.stats.distinct]).toEqual([0, 999, 1000]);
      expect(c!.stats.distinct).toBe(13);
      expect(c!.stats.top[0]).toEqual({ value: 'k0', count: 2308 });
    } finally {
      await store.close();
    }
  });
});
