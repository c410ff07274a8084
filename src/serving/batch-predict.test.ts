import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchPredict } from './batch-predict.js';
import { FileModelSource } from './file-model-source.js';
import { TestModels } from './test-models.js';
import { InferencePool } from './worker-pool.js';
import { TORCH_MLP_PATH } from './testing.js';

const expected = JSON.parse(readFileSync(new URL('./testdata/torch-mlp-expected.json', import.meta.url), 'utf8')) as {
  inputs: number[][]; probabilities: number[][]; label: number[];
};
const dir = mkdtempSync(join(tmpdir(), 'keel-predict-'));
const models = new TestModels();
let pool: InferencePool;
beforeAll(() => {
  // One pool of two workers for every run here: starting workers is the slow part of these tests.
  pool = new InferencePool(2, { intraOpThreads: 1, interOpThreads: 1 });
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
  models.remove();
});

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  try {
    return (await (await conn.run(`SELECT * FROM read_parquet('${path}') ORDER BY id`)).getRowObjectsJS()) as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    duck.closeSync();
  }
}

describe('batchPredict', () => {
  it('streams a CSV through the model in batches across workers and writes keys + predictions as Parquet', async () => {
    const rows = 2500;
    const lines = ['id,a,b,c,d,note'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${expected.inputs[i % 4]!.join(',')},n${i}`);
    writeFileSync(join(dir, 'in.csv'), lines.join('\n'));
    const progress: number[] = [];
    const result = await batchPredict({
      source: new FileModelSource(), ref: TORCH_MLP_PATH, input: join(dir, 'in.csv'), output: join(dir, 'out.parquet'),
      keyColumns: ['id', 'note'], batchSize: 600, pool, tmpDir: join(dir, 'tmp'), onProgress: (e) => progress.push(e.done),
    });
    expect(result).toMatchObject({ rows, outputColumns: ['probabilities_0', 'probabilities_1', 'probabilities_2', 'label'] });
    expect(progress.at(-1)).toBe(rows);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    const out = await readParquet(join(dir, 'out.parquet'));
    expect(out).toHaveLength(rows);
    for (const i of [0, 1, 2, 3, 1234, 2499]) {
      const r = out[i]!;
      expect(Number(r.id)).toBe(i);
      expect(r.note).toBe(`n${i}`);
      expect(Number(r.label)).toBe(expected.label[i % 4]);
      expect(r.probabilities_2 as number).toBeCloseTo(expected.probabilities[i % 4]![2]!, 5);
    }
  });

  it('feeds one column per input to a feature-column model and names a missing column', async () => {
    writeFileSync(join(dir, 'cols.csv'), 'id,a,b\n1,1,0.5\n2,-2,1\n');
    await batchPredict({ source: new FileModelSource(), ref: models.featureColumns(), input: join(dir, 'cols.csv'), output: join(dir, 'cols.parquet'), tmpDir: join(dir, 'tmp'), pool });
    expect((await readParquet(join(dir, 'cols.parquet'))).map((r) => [Number(r.id), r.y])).toEqual([[1, 2.5], [2, -3]]);
    writeFileSync(join(dir, 'bad.csv'), 'id,a\n1,1\n');
    await expect(batchPredict({ source: new FileModelSource(), ref: TORCH_MLP_PATH, input: join(dir, 'bad.csv'), output: join(dir, 'bad.parquet'), tmpDir: join(dir, 'tmp'), pool }))
      .rejects.toThrow(/features/);
    // A feature-column model names the column the input lacks.
    await expect(batchPredict({ source: new FileModelSource(), ref: models.featureColumns(), input: join(dir, 'bad.csv'), output: join(dir, 'bad.parquet'), tmpDir: join(dir, 'tmp'), pool }))
      .rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'input', message: expect.stringMatching(/^input: no column 'b' in the input; the model takes one column per input \(a, b\)/) });
  });
});
