import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelClient, type DriftReportJson, type ValidationResultJson } from '../../client/index.js';
import type { DriftReport } from '../../validation/index.js';
import { runKeelInProcess, startTestServer, type TestServer } from '../test-server.js';

/**
 * A drift statistic that is not finite (chi-squared of a category the reference never saw is
 * Infinity) goes over JSON as the string 'Infinity': read back, it is the number again, in the
 * SDK and in what the CLI prints through --server, as locally.
 */
describe('non-finite drift statistics, locally and through --server', { timeout: 120_000 }, () => {
  let server: TestServer;
  let client: KeelClient;
  const both = async (...args: string[]) => ({
    local: await runKeelInProcess(['--home', server.home, ...args]),
    remote: await runKeelInProcess(['--server', server.url, ...args]),
  });

  beforeAll(async () => {
    server = await startTestServer('keel-cli-drift-parity-');
    client = new KeelClient({ baseUrl: server.url });
    const dir = mkdtempSync(join(tmpdir(), 'keel-drift-parity-work-'));
    const rows = (countries: readonly string[]) => Array.from({ length: 60 }, (_, i) => `${(i * 7) % 50},${countries[i % countries.length]}`);
    writeFileSync(join(dir, 'ref.csv'), `amount,country\n${rows(['US', 'DE']).join('\n')}\n`);
    writeFileSync(join(dir, 'cur.csv'), `amount,country\n${rows(['US', 'DE', 'XX']).join('\n')}\n`);
    await server.platform.datasets.add('cards', join(dir, 'ref.csv'));
    await server.platform.datasets.add('cards', join(dir, 'cur.csv'));
    await server.platform.validation.saveSchema('cards', await server.platform.validation.inferSchema('cards@latest~1'));
  });
  afterAll(async () => {
    await server.close();
  });

  it('a monitor, alert or deployment that does not exist is NOT_FOUND naming the argument (name, id, deployment), both ways', async () => {
    for (const [args, field, message] of [
      [['monitor', 'rm', 'nope'], 'name', "monitor 'nope' not found"],
      [['monitor', 'run', 'nope'], 'name', "monitor 'nope' not found"],
      [['alerts', 'ack', 'abcd1234'], 'id', "alert 'abcd1234' not found"],
      [['alerts', 'ack', 'x'], 'id', "alert 'x' not found"],
      // keel monitor status <deployment> (a deployment, or a monitor's name).
      [['monitor', 'status', 'nope'], 'deployment', "deployment or monitor 'nope' not found"],
    ] as const) {
      const { local, remote } = await both('--json', ...args);
      expect(remote).toEqual(local);
      expect([local.exitCode, JSON.parse(local.stderr)]).toEqual([3, { error: { code: 'NOT_FOUND', message: `${field}: ${message}`, field } }]);
    }
    await expect(client.monitoring.getMonitor('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'name' });
  });

  it('drift and validate --against print the same table both ways (a number column stays right-aligned)', async () => {
    for (const args of [['drift', 'cards@latest~1', 'cards'], ['validate', 'cards', '--against', 'cards@latest~1'], ['--json', 'drift', 'cards@latest~1', 'cards']]) {
      const { local, remote } = await both(...args);
      expect(remote).toEqual(local);
      if (args[0] !== '--json') expect(local.stdout).toContain('\ncountry  chi2   Infinity        0       0.05  DRIFT\n');
    }
  });

  it('the SDK gives a drift statistic of Infinity as the number', async () => {
    // Typed as the SDK's DriftReportJson and ValidationResultJson (they were unknown), which the
    // service's own types satisfy: a field renamed on one side fails the typecheck here.
    const drift: DriftReportJson = await client.validation.drift('cards@latest~1', 'cards');
    expect(drift.columns.find((c) => c.column === 'country')).toMatchObject({ statistic: Infinity, pValue: 0 });
    const validated: ValidationResultJson = await client.validation.validate('cards', { against: 'cards@latest~1' });
    expect(validated.report.drift?.columns.find((c) => c.column === 'country')?.statistic).toBe(Infinity);
    const local: DriftReport = await server.platform.validation.drift('cards@latest~1', 'cards');
    const sameShape: DriftReportJson = local;
    const { version: _v, ...localResult } = await server.platform.validation.validate('cards', { against: 'cards@latest~1' });
    const sameResult: ValidationResultJson = localResult;
    expect(sameShape).toEqual(drift);
    expect(sameResult.report.drift).toEqual(validated.report.drift);
  });

  it('a monitor window\'s drift statistic of Infinity is the number, locally and in the SDK, and monitor status prints the same both ways', async () => {
    const at = Date.now() - 120_000;
    await server.platform.monitoring.predictions.writeBatch(Array.from({ length: 40 }, (_, i) => ({
      receivedAt: at,
      record: { requestId: `r${i}`, timestamp: at + i, modelName: 'm', modelVersion: 1, deployment: 'd1', variant: null, inputs: { amount: i, country: i % 2 ? 'XX' : 'US' }, outputs: { p: 0.5 }, latencyMs: 1 },
    })));
    const created = await runKeelInProcess(['--home', server.home, 'monitor', 'create', 'm1', '--deployment', 'd1', '--window', '1m', '--reference', 'cards@latest~1', '--min-rows', '0', '--rule', 'drift.country.statistic > 5']);
    expect(created.exitCode, created.stderr).toBe(0);
    // Run through the SDK: what it evaluated and fired holds its numbers too.
    const ran = await client.monitoring.run('m1', { now: Date.now() });
    expect(ran.fired.map((a) => [a.metric, a.value])).toEqual([['drift.country.statistic', Infinity]]);
    expect(ran.evaluated.find((w) => w.count > 0)?.metrics['drift.country.statistic']).toBe(Infinity);
    // A logged prediction is typed (it was Record<string, unknown>).
    expect((await client.monitoring.prediction('r1')).deployment).toBe('d1');
    const local = (await server.platform.monitoring.status('m1', 5))[0]!.windows.find((w) => w.count > 0)!;
    const country = (w: typeof local) => w.details.inputDrift?.columns.find((c) => c.column === 'country');
    expect(country(local)?.statistic).toBe(Infinity);
    expect(local.metrics['drift.country.statistic']).toBe(Infinity);
    const [status] = await client.monitoring.status('m1', 5);
    const [remote] = (await client.monitoring.windows('m1', 5)).filter((w) => w.count > 0);
    for (const w of [status!.windows.find((x) => x.count > 0)!, remote!]) {
      expect(w).toEqual(local);
      expect(country(w)?.statistic).toBe(Infinity);
    }
    // The alert it fired keeps the value that fired it (it was stored as null: 'drift.country.statistic=null').
    const [alert] = await server.platform.monitoring.listAlerts({ monitor: 'm1' });
    expect(alert).toMatchObject({ metric: 'drift.country.statistic', value: Infinity });
    expect((await client.monitoring.alerts({ monitor: 'm1' }))[0]).toEqual(alert);
    expect(status!.alerts[0]).toEqual(alert);
    for (const args of [['monitor', 'status', 'm1'], ['--json', 'monitor', 'status', 'm1'], ['alerts', 'ls'], ['--json', 'alerts', 'ls']]) {
      const printed = await both(...args);
      expect(printed.remote).toEqual(printed.local);
      expect(printed.local.exitCode, printed.local.stderr).toBe(0);
    }
    expect((await both('monitor', 'status', 'm1')).local.stdout).toContain('firing: drift.country.statistic (drift.country.statistic=Infinity)\n');
    expect(JSON.parse((await both('--json', 'alerts', 'ls')).local.stdout)[0]).toMatchObject({ value: 'Infinity', threshold: 5 });
  });
});
