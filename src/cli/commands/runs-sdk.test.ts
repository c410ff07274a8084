import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, openPlatform, type Platform } from '../../api/index.js';
import { KeelClient } from '../../client/index.js';
import { loadConfig, silentLogger } from '../../core/index.js';

const LOGGER = fileURLToPath(new URL('./testdata/sdk-logger.ts', import.meta.url));

function runLogger(url: string, runId: string, mode: string, points: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOGGER, url, runId, mode, String(points)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('logged')) child.kill('SIGTERM');
    });
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('the tracking SDK against a Keel server', { timeout: 180_000 }, () => {
  let platform: Platform;
  let app: FastifyInstance;
  let client: KeelClient;
  let url: string;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-sdk-'));
    platform = await openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    client = new KeelClient({ baseUrl: url });
  });
  afterAll(async () => {
    await client.tracking.close();
    await app.close();
    await platform.close();
  });

  it('starts nested runs, logs params, buffered metrics, tags, ends and searches', async () => {
    const t = client.tracking;
    const parent = await t.startRun({ experimentName: 'sdk', runName: 'parent', gitCommit: 'abc1234' });
    const child = await t.startRun({ experimentId: parent.info.experiment_id, parentRunId: parent.info.run_id, runName: 'child' });
    await t.logParams(child.info.run_id, { model: 'gbdt', depth: 6 });
    for (let step = 0; step < 2500; step++) t.logMetric(child.info.run_id, 'loss', 1 / (step + 1), step);
    t.logMetric(child.info.run_id, 'odd', Number.NaN);
    await t.setTag(child.info.run_id, 'team', 'fr');
    const info = await t.endRun(child.info.run_id);
    expect(info.status).toBe('FINISHED');
    const history = await t.getMetricHistory(child.info.run_id, 'loss');
    expect(history).toHaveLength(2500);
    expect(history[2499]).toMatchObject({ step: 2499, value: 1 / 2500 });
    const run = await t.getRun(child.info.run_id);
    expect(run.data.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.parentRunId', value: parent.info.run_id }]));
    expect(run.data.metrics.find((m) => m.key === 'odd')!.value).toBeNaN();
    expect((await t.getRun(parent.info.run_id)).data.tags).toContainEqual({ key: 'mlflow.source.git.commit', value: 'abc1234' });
    const found = await t.searchRuns({ experimentIds: [parent.info.experiment_id], filter: `tags.mlflow.parentRunId = '${parent.info.run_id}' and params.depth = '6'`, orderBy: ['metrics.loss ASC'] });
    expect(found.runs.map((r) => r.info.run_name)).toEqual(['child']);
    await expect(t.logParam(child.info.run_id, 'model', 'mlp')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // An experiment by id and by name at once is refused, not decided by the id unseen.
    const runsBefore = (await t.searchRuns({ experimentIds: [parent.info.experiment_id] })).runs.length;
    await expect(t.startRun({ experimentId: parent.info.experiment_id, experimentName: 'other' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT', field: 'experimentName', message: 'experimentName: give experimentId or experimentName, not both',
    });
    expect((await t.searchRuns({ experimentIds: [parent.info.experiment_id] })).runs).toHaveLength(runsBefore);
  });

  it('loses nothing logged before the last flush tick when the process is killed', async () => {
    const { info } = await client.tracking.startRun({ runName: 'killed' });
    const res = await runLogger(url, info.run_id, 'kill', 2500);
    expect(res.signal, res.stderr).toBe('SIGKILL');
    const steps = (await client.tracking.getMetricHistory(info.run_id, 'loss')).map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: 2500 }, (_, i) => i));
  });

  it('flushes everything on SIGTERM and on a natural exit', async () => {
    const a = (await client.tracking.startRun({ runName: 'sigterm' })).info.run_id;
    const b = (await client.tracking.startRun({ runName: 'natural' })).info.run_id;
    const [term, natural] = await Promise.all([runLogger(url, a, 'sigterm', 1777), runLogger(url, b, 'natural', 1234)]);
    expect(term.signal, term.stderr).toBe('SIGTERM');
    expect(natural.code, natural.stderr).toBe(0);
    expect(await client.tracking.getMetricHistory(a, 'loss')).toHaveLength(1777);
    expect(await client.tracking.getMetricHistory(b, 'loss')).toHaveLength(1234);
    // Points that cannot be sent at exit (a run id that does not exist) are said lost on stderr, not dropped unseen.
    const lost = await runLogger(url, '0'.repeat(32), 'natural', 10);
    expect(lost.code).toBe(0);
    expect(lost.stderr).toContain(`[KEEL_METRICS_NOT_SENT] Warning: metric points logged through the Keel SDK were not sent before the process ended: Run with id=${'0'.repeat(32)} not found`);
  });
});
