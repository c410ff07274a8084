import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPlatform, type Platform } from '../../api/index.js';
import { loadConfig, silentLogger } from '../../core/index.js';
import { runQuickstart, type QuickstartResult } from './run-quickstart.js';

describe('the quickstart, end to end', () => {
  let platform: Platform | undefined;
  let result: QuickstartResult | undefined;
  afterAll(async () => {
    await result?.close();
    await platform?.close();
  });

  it('goes from a CSV to a served model, a drift alert, retraining and an alias move the server follows', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-qs-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    const steps: string[] = [];
    result = await runQuickstart(platform, { apiPort: 0, servePort: 0, host: '127.0.0.1', rows: 4000, windowMs: 2500, step: (t) => steps.push(t) });

    expect(result.validation.anomalies).toBe(0);
    expect(result.validation.driftedBatchAnomalies).toBeGreaterThan(0);
    expect(result.firstModel.version).toBe(1);
    expect(result.firstModel.testAuc).toBeGreaterThan(0.7);
    expect(result.traffic.failed).toBe(0);
    expect(result.traffic.sent).toBeGreaterThan(20);
    // Exactly one alert (the cool-down holds back a second), and it retrained once.
    expect(result.alerts.map((a) => a.rule)).toEqual(['input-drift']);
    expect(result.retrained).toEqual({ name: 'fraud', version: 2 });
    expect(result.servedVersions).toEqual(['2']);

    const history = await platform.registry.history('fraud', { alias: 'production' });
    expect(history.map((h) => h.to)).toEqual([1, 2]);
    const v2 = await platform.registry.getModelVersion('fraud', 2);
    expect(v2.lineage.datasetVersions).toEqual([result.datasets[1]]);
    const run = await platform.tracking.getRun(v2.lineage.runId!);
    expect(run.info.status).toBe('FINISHED');
    expect(steps[0]).toMatch(/^dataset transactions@/);
  }, 240_000);

  it('checks that its ports are free before it adds data or trains', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    const home = mkdtempSync(join(tmpdir(), 'keel-qs-port-'));
    const own = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    try {
      const steps: string[] = [];
      const options = { apiPort: port, servePort: 0, host: '127.0.0.1', rows: 4000, windowMs: 2500, step: (t: string) => steps.push(t) };
      const taken = `port ${port} on 127.0.0.1 is already in use (another keel server?); choose another with`;
      await expect(runQuickstart(own, options)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', field: '--port', message: `${taken} --port` });
      await expect(runQuickstart(own, { ...options, apiPort: 0, servePort: port })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', field: '--serve-port', message: `${taken} --serve-port` });
      await expect(runQuickstart(own, { ...options, apiPort: port + 1, servePort: port + 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: `--serve-port: the model server needs a port of its own, not --port's ${port + 1}` });
      expect(steps).toEqual([]);
      expect(await own.datasets.list()).toEqual([]);
    } finally {
      holder.close();
      await own.close();
    }
  });
});
