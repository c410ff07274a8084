import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { LocalArtifactStore, openMetadataStore } from '../storage/index.js';
import { TrackingService } from './index.js';

const WORKER = fileURLToPath(new URL('./testdata/concurrent-logger.ts', import.meta.url));

function runChild(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('four processes logging to one SQLite store', () => {
  // Four tsx start-ups dominate the time; allow for a loaded machine.
  it('lose no point, param or tag', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-conc-'));
    const dbPath = join(dir, 'keel.db');
    const artifacts = join(dir, 'artifacts');
    const store = await openMetadataStore(`sqlite:${dbPath}`);
    const tracking = new TrackingService({ db: store.db, artifacts: new LocalArtifactStore(artifacts), logger: silentLogger });
    const { info } = await tracking.createRun({ experimentId: '0', runName: 'shared' });
    const batches = 10;
    const points = 100;
    const results = await Promise.all([0, 1, 2, 3].map((w) => runChild([dbPath, artifacts, info.run_id, String(w), String(batches), String(points)])));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const run = await tracking.getRun(info.run_id);
    expect(run.data.params).toHaveLength((4 * batches) / 2); // one in every other batch
    for (let w = 0; w < 4; w++) {
      const history = await tracking.getMetricHistory(info.run_id, `w${w}`);
      expect(history.metrics).toHaveLength(batches * points);
      expect(new Set(history.metrics.map((m) => m.step)).size).toBe(batches * points);
      expect(run.data.metrics.find((m) => m.key === `w${w}`)).toMatchObject({ step: batches * points - 1, value: (batches - 1) * 1000 + points - 1 });
    }
    await store.close();
  });
});
