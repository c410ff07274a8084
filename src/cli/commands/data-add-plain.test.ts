import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKeel } from '../test-server.js';

// The CLI as a user runs it (its bundle, and the worker threads' own bundle): a plain CSV of over
// 1 MiB is read in JS (data/plain-csv-read.ts), into the version DuckDB's path gives.
describe('keel data add of a plain CSV file of over 1 MiB', { timeout: 120_000 }, () => {
  it('reads it in JS worker threads into the version, rows and statistics of DuckDB’s path', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-plain-cli-'));
    const file = join(home, 'plain.csv');
    const lines = Array.from({ length: 60_000 }, (_, i) => `${i},${((i * 7919) % 10_007) / 100},c${i % 37},${i % 3 === 0}`);
    writeFileSync(file, `id,x,cat,flag\n${lines.join('\n')}\n`);
    const add = async (dir: string, env: NodeJS.ProcessEnv = {}) => {
      const { stdout, stderr } = await runKeel(['--home', join(home, dir), '--json', 'data', 'add', 'plain', file], { KEEL_LOG_LEVEL: 'debug', ...env });
      return { ...JSON.parse(stdout), log: stderr };
    };
    const [js, duck] = [await add('js'), await add('duck', { KEEL_PLAIN_CSV_MIN_BYTES: 'Infinity' })];
    // Which path read the file, as the debug log says.
    expect(js.log).toMatch(/"rows":60000,"msg":"a plain CSV file: read in JS"/);
    expect(duck.log).toMatch(/"reason":"small file","msg":"not a plain CSV file: read by DuckDB"/);
    expect([js.version, js.rows]).toEqual([duck.version, 60_000]);
    expect(js.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['id:int', 'x:float', 'cat:string', 'flag:bool']);
    expect(js.columns.map((c: { stats: object }) => ({ ...c.stats, mean: 0, std: 0 }))).toEqual(duck.columns.map((c: { stats: object }) => ({ ...c.stats, mean: 0, std: 0 })));
  });
});
