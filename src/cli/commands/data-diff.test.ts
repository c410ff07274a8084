import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetDiff } from '../../data/index.js';
import type { DatasetDiffResult } from '../../client/index.js';
import { runKeel, startTestServer, type TestServer } from '../test-server.js';
import { durationText } from './data-diff-output.js';

const testdata = (f: string) => fileURLToPath(new URL(`../../data/testdata/${f}`, import.meta.url));

describe('keel data diff (end to end)', () => {
  let server: TestServer;
  let va: string, vb: string;
  beforeAll(async () => {
    server = await startTestServer('keel-cli-diff-');
    const add = async (f: string) => (JSON.parse((await runKeel(['--home', server.home, '--json', 'data', 'add', 'm', testdata(f)])).stdout) as { version: string }).version;
    va = await add('diff-a.csv');
    vb = await add('diff-b.csv');
  });
  afterAll(async () => server.close());

  it('prints the same text and --json here and through --server', async () => {
    for (const args of [['data', 'diff', `m@${va}`, 'm'], ['--json', 'data', 'diff', `m@${va}`, 'm'], ['data', 'diff', 'm', 'm', '--all']]) {
      const local = (await runKeel(['--home', server.home, ...args])).stdout;
      expect((await runKeel(['--server', server.url, ...args])).stdout).toBe(local);
    }
  });

  it('lists the schema changes, then the changed columns, largest shift first, timestamps moved by a duration', async () => {
    const lines = (await runKeel(['--home', server.home, 'data', 'diff', `m@${va}`, 'm'])).stdout.split('\n');
    expect(lines.slice(0, 9)).toEqual([
      `m@${va} (465 rows) → m@${vb} (500 rows: +35, +7.5%)`,
      '+ column score2 (float): maybe score renamed (alike values, Jensen–Shannon 0.0923)',
      '+ column extra (int)',
      '- column score (float)',
      '~ column s: nullable false → true',
      `~ column g: type float → string (every value missing in ${vb}: its type is read from none)`,
      '~ column n: type int → float',
      '↕ column c: position 4 → 1',
      '8 columns in both: 8 changed, 6 drifted (Jensen–Shannon ≥ 0.1), 0 unchanged',
    ]);
    // The type change, the column gone all missing, then by Jensen–Shannon distance.
    expect(lines.slice(11, 19).map((l) => l.split(' ')[0])).toEqual(['n', 'g', 'cst', 't', 'k', 'c', 'x', 's']);
    expect(lines.find((l) => l.startsWith('t '))).toMatch(/ 0\.6518 +9\.1496 +2024-01-16T10:05:19\.961Z → 2024-02-04T14:20:54\.920Z +\+19d 4h +2\.2238 +8\.6238d → 9\.1839d /);
    // A number's new and gone top values are shown only when they are all its values (k: 0-4, then 0-6).
    expect(lines.find((l) => l.startsWith('k '))).toMatch(/ 1 23\.9% → 13\.4% +5,6$/);
    expect(lines.find((l) => l.startsWith('x '))).toMatch(/-0\.0825 → 0\.5369$/);
  });

  it('--limit keeps the largest shifts; a version against itself prints no table', async () => {
    const limited = (await runKeel(['--home', server.home, 'data', 'diff', `m@${va}`, 'm', '--limit', '2'])).stdout.split('\n');
    expect(limited.slice(11)).toEqual([expect.stringMatching(/^n /), expect.stringMatching(/^g /), '… 6 more changed columns (--limit)', '']);
    expect((await runKeel(['--home', server.home, 'data', 'diff', 'm', `m@${vb}`])).stdout).toBe(
      `m@${vb} (500 rows) → m@${vb} (500 rows): the same content\nschema: unchanged\n10 columns in both: 0 changed, 0 drifted (Jensen–Shannon ≥ 0.1), 10 unchanged\n`,
    );
    await expect(runKeel(['--home', server.home, 'data', 'diff', 'm', 'm', '--limit', 'x'])).rejects.toMatchObject({ stderr: "error: --limit: expected a whole number, got 'x'\n" });
  });

  it('names the unknown version, here and through --server', async () => {
    for (const where of [['--home', server.home], ['--server', server.url]]) {
      await expect(runKeel([...where, 'data', 'diff', 'm', 'm@0123456789ab'])).rejects.toMatchObject({ stderr: "error: b: dataset version 'm@0123456789ab' not found\n" });
      await expect(runKeel([...where, 'data', 'diff', 'm@v1', 'm'])).rejects.toMatchObject({ stderr: "error: a: invalid dataset version 'v1': expected 12 hex characters (or the first 4 or more of them), 'latest' or 'latest~N'\n" });
    }
  });

  it('answers in the shape the SDK declares', () => {
    // A compile-time check (npm run check): the SDK's spelled-out type takes the service's answer.
    const sdk = (d: DatasetDiff): DatasetDiffResult => d;
    expect(sdk).toBeTypeOf('function');
  });
});

describe('durationText', () => {
  it('writes a shift of time in its two largest units', () => {
    expect([durationText(19 * 86_400_000 + 4.5 * 3_600_000), durationText(-3 * 3_600_000 - 12 * 60_000), durationText(45 * 60_000), durationText(1500), durationText(0)])
      .toEqual(['+19d 4h', '-3h 12m', '+45m 0s', '+1.5s', '+0s']);
  });
});
