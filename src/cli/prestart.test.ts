import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error bin/ is plain JS without types
import { prestart, prestartPlan } from '../../bin/prestart.js';
import { appendFileSync } from 'node:fs';
import { prestartedHash, sha256File, stampFiles } from '../core/index.js';

const run = promisify(execFile);
const CLI_BUNDLE = new URL('../../bin/cli-bundle.js', import.meta.url).href;
const WORKER = fileURLToPath(new URL('../data/plain-csv-worker.ts', import.meta.url));

type Plan = { entry: string; count: number } | undefined;
const plan = (...args: string[]): Plan => (prestartPlan as (argv: string[], env: object, sizeOf: (f: string) => number) => Plan)(['node', 'keel', ...args], {}, (f) => (f.includes('big') ? 2 << 20 : 1000));

describe('workers started as the CLI starts (bin/prestart.js)', () => {
  it('starts the plain CSV workers for an add of a large CSV read with its defaults, in this process', () => {
    expect(plan('data', 'add', 'x', 'big.csv')?.entry).toBe(WORKER);
    expect(plan('data', 'add', '--home', '/h', 'x', 'big.CSV', '--json', '--description=a b')?.entry).toBe(WORKER);
    // Another read (a delimiter, a format), another file, another place, another command: none.
    expect(plan('data', 'add', 'x', 'big.csv', '--delimiter', ';')).toBeUndefined();
    expect(plan('data', 'add', 'x', 'small.csv')).toBeUndefined();
    expect(plan('data', 'add', 'x', 'big.parquet')).toBeUndefined();
    expect(plan('data', 'add', 'x', 'big.csv', '--server', 'http://127.0.0.1:1')).toBeUndefined();
    expect(plan('data', 'show', 'x')).toBeUndefined();
    expect((prestartPlan as (argv: string[], env: object, sizeOf: () => number) => Plan)(['node', 'keel', 'data', 'add', 'x', 'big.csv'], { KEEL_SERVER: 'http://127.0.0.1:1' }, () => 2 << 20)).toBeUndefined();
  });

  it('hands a started worker to its first user, which it serves; unused ones do not keep the process alive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-prestart-'));
    const csv = join(dir, 'a.csv');
    writeFileSync(csv, 'a,b\n1,cat\n2,dog\n');
    const child = `
import { workerBundle, prestartWorkers, takePrestartedWorker } from ${JSON.stringify(CLI_BUNDLE)};
const [entry, csv] = process.argv.slice(1);
const path = await workerBundle(entry);
prestartWorkers(entry, 2);
const worker = takePrestartedWorker(path);
worker.once('message', (m) => {
  process.stdout.write(JSON.stringify({ op: m.op, rows: m.rows }));
  // The second worker, never taken, must not keep the process from ending.
  worker.terminate();
});
worker.postMessage({ op: 'parse', path: csv, from: 4, to: ${'a,b\n1,cat\n2,dog\n'.length}, width: 2, delimiter: 44 });
`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', child, WORKER, csv], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ op: 'parsed', rows: 2 });
  });

  it("hashes the file as the CLI starts, and the add takes that hash only for the file as it stamps it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-prestart-hash-'));
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, `a,b\n${'1,cat\n'.repeat(300_000)}`);
    (prestart as (argv: string[]) => void)(['node', 'keel', 'data', 'add', 'x', csv]);
    expect(await prestartedHash(csv, await stampFiles([csv]))).toBe(await sha256File(csv));
    // Taken once: a second add hashes the file itself.
    expect(await prestartedHash(csv, await stampFiles([csv]))).toBeUndefined();
    // A file written to after it was hashed is not the file hashed.
    (prestart as (argv: string[]) => void)(['node', 'keel', 'data', 'add', 'x', csv]);
    const started = (globalThis as Record<symbol, Map<string, { result: Promise<unknown> }>>)[Symbol.for('keel.prestartedHashes')]!.get(csv)!;
    expect(await started.result).toMatchObject({ sha: await sha256File(csv) });
    appendFileSync(csv, '2,dog\n');
    expect(await prestartedHash(csv, await stampFiles([csv]))).toBeUndefined();
  });
});
