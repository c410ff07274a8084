import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKeel } from '../test-server.js';

describe('times with a UTC offset on a machine in another zone', () => {
  it('are stored, shown and profiled in UTC whatever TZ says', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-tz-'));
    const file = join(home, 'tz.csv');
    writeFileSync(file, 't,x\n2024-01-01 12:00:00+02:00,1\n2024-01-02 08:30:00-05:00,2\n');
    // 12:00 at +02:00 is 10:00 UTC; 08:30 at -05:00 is 13:30 UTC. DuckDB went by the machine's zone:
    // in New York it showed 05:00 and 08:30 (UTC-5), in Tokyo 19:00 and 22:30.
    const env = { TZ: 'America/New_York' };
    await runKeel(['--home', home, 'data', 'add', 'tz', file], env);
    const head = JSON.parse((await runKeel(['--home', home, '--json', 'data', 'head', 'tz'], env)).stdout) as { rows: unknown[][] };
    expect(head.rows).toEqual([['2024-01-01T10:00:00.000Z', 1], ['2024-01-02T13:30:00.000Z', 2]]);
    const show = JSON.parse((await runKeel(['--home', home, '--json', 'data', 'show', 'tz'], env)).stdout) as { columns: { stats: { min: number; max: number } }[] };
    expect([show.columns[0]!.stats.min, show.columns[0]!.stats.max]).toEqual([Date.UTC(2024, 0, 1, 10), Date.UTC(2024, 0, 2, 13, 30)]);
  });
});
