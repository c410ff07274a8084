import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPlatform, type Platform } from '../../api/index.js';
import { createLogger, loadConfig, silentLogger } from '../../core/index.js';
import { KEEL_BIN } from '../test-server.js';
import { runQuickstart, type QuickstartResult } from './run-quickstart.js';
import { generateTransactions, toCsv } from './transactions.js';

/** Whether something accepts connections on the URL's port (a server left open would). */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `keel ARGS` in a child process, its output read as it comes (`onStdout`), killed if it has not ended within `limitMs`. */
function keelProcess(args: readonly string[], limitMs: number, onStdout: (text: string) => void = () => {}): Promise<{ code: number | null; stdout: string; stderr: string; endedAt: number }> {
  // As `npx keel` runs it (npm sets npm_command=exec), so its hints say `npx keel`, whatever ran the tests.
  const child = spawn(process.execPath, [KEEL_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_command: 'exec' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => onStdout((stdout += d.toString())));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return once(child, 'close').then(([code]) => {
    clearTimeout(limit);
    return { code: code as number | null, stdout, stderr, endedAt: Date.now() };
  });
}

const stepTitles = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('✓ ')).map((l) => l.slice(2).replace(/:.*| {2}\(.*$/, ''));

describe('the quickstart, end to end', () => {
  let platform: Platform | undefined;
  let result: QuickstartResult | undefined;
  const home = mkdtempSync(join(tmpdir(), 'keel-qs-'));
  afterAll(async () => {
    await result?.close();
    await platform?.close();
  });

  it('goes from a CSV to a served model, a drift alert, retraining and an alias move the server follows', async () => {
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

    // Each phase in its own window, however the machine paced it: the first window has no
    // month-2 row (labeled), the second nothing else, and the first enough rows for a verdict.
    const [shiftedWindow, normalWindow] = await platform.monitoring.listWindows('fraud-monitor');
    expect([normalWindow!.labeledCount, normalWindow!.count >= 500]).toEqual([0, true]);
    expect(shiftedWindow!.count).toBeGreaterThan(0);
    expect(shiftedWindow!.labeledCount).toBe(shiftedWindow!.count);
    const history = await platform.registry.history('fraud', { alias: 'production' });
    expect(history.map((h) => h.to)).toEqual([1, 2]);
    const v2 = await platform.registry.getModelVersion('fraud', 2);
    expect(v2.lineage.datasetVersions).toEqual([result.datasets[1]]);
    const run = await platform.tracking.getRun(v2.lineage.runId!);
    expect(run.info.status).toBe('FINISHED');
    expect(steps[0]).toMatch(/^dataset transactions@/);
  }, 240_000);

  it('runs again on the same home (the CLI with --exit): the same data versions, schema and monitor, new model versions, exit 0 and what it made', async () => {
    const firstRun = result!;
    const datasets = firstRun.datasets;
    await firstRun.close();
    await platform!.close();
    result = undefined;
    platform = undefined;
    const again = await keelProcess(['--home', home, 'quickstart', '--exit', '--rows', '4000', '--window', '2', '--port', '0', '--serve-port', '0'], 120_000);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(stepTitles(again.stdout)).toEqual([`dataset ${datasets[0]}`, 'validated', 'trained fraud version 3', 'serving', 'traffic', 'monitored', 'retrained fraud version 4', 'serving follows @production']);
    // Month-1-like traffic stays under the rule's 0.5 (a column or two may test as drifted by
    // chance: the rows sent, and so the test's sample, depend on the machine's pace); month 2's passes it.
    const shares = /✓ monitored: 2 windows; drift share per window: (\d\.\d+), (\d\.\d+); 1 alert\(s\)/.exec(again.stdout);
    expect(shares).not.toBeNull();
    expect([Number(shares![1]) < 0.5, Number(shares![2]) >= 0.5]).toEqual([true, true]);
    expect(again.stdout).toContain('✓ serving follows @production: now serving version(s) 4');
    // With --exit it tells what it made, not servers to use: they are gone.
    expect(again.stdout).toMatch(/\nDone in \d+\.\d s; the API and model servers have stopped\.\n/);
    expect(again.stdout).toContain(`Made: datasets ${datasets.join(', ')}; fraud version 3 trained, retrained version 4 after 1 drift alert(s); fraud@production is version 4;`);
    expect(again.stdout).toContain(`Look at it (each with --home ${home}): npx keel data ls | npx keel runs ls`);
    expect(again.stdout).toContain('Serve it again: npx keel server and npx keel serve fraud@production, or npx keel quickstart without --exit.');
    expect(again.stdout).not.toMatch(/Platform API|Model server|Try:/);

    const after = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    try {
      expect((await after.datasets.versions('transactions')).map((v) => v.version).sort()).toEqual(datasets.map((d) => d.split('@')[1]).sort());
      expect((await after.validation.listSchemas('transactions')).map((v) => v.version)).toEqual([1]);
      expect((await after.registry.history('fraud', { alias: 'production' })).map((h) => h.to)).toEqual([1, 2, 3, 4]);
      // One monitor, updated to start at the second run's traffic: its alert there resolved the first run's and fired anew.
      expect((await after.monitoring.listMonitors()).map((m) => m.name)).toEqual(['fraud-monitor']);
      expect((await after.monitoring.listAlerts({ monitor: 'fraud-monitor' })).map((a) => [a.state, a.retrainRuns[0]?.modelVersion])).toEqual([['firing', 4], ['resolved', 2]]);
      const windows = await after.monitoring.listWindows('fraud-monitor');
      expect(windows).toHaveLength(4);
      expect([windows[1]!.labeledCount, windows[1]!.count >= 500, windows[0]!.labeledCount === windows[0]!.count]).toEqual([0, true, true]);
    } finally {
      await after.close();
    }
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

  it('takes a free port in place of a default port another process holds, and says so; a chosen one stays an error', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    const home = mkdtempSync(join(tmpdir(), 'keel-qs-default-port-'));
    const own = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    try {
      const taken: string[] = [];
      let urls: string[] = [];
      const run = runQuickstart(own, {
        apiPort: port, servePort: 0, host: '127.0.0.1', rows: 500, windowMs: 2000,
        defaultPorts: { api: true, serve: false },
        onPortTaken: (w) => taken.push(`${w.flag} ${w.port}`),
        onListening: (api, serving) => (urls = [api.url, serving.url]),
        step: (title) => {
          if (title === 'serving') throw new Error('enough: the servers listened');
        },
      });
      await expect(run).rejects.toThrow('enough: the servers listened');
      expect(taken).toEqual([`--port ${port}`]);
      expect(urls).toHaveLength(2);
      expect(new URL(urls[0]!).port).not.toBe(String(port));
      // The same port given by the user (not a default): refused before any work, as before.
      const chosen = runQuickstart(own, { apiPort: 0, servePort: port, host: '127.0.0.1', rows: 500, windowMs: 2000, defaultPorts: { api: true, serve: false }, step: () => {} });
      await expect(chosen).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', field: '--serve-port' });
    } finally {
      holder.close();
      await own.close();
    }
  });

  it('stops its servers and their polling when a step after they started fails, and rejects with that error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-qs-fail-'));
    const logs: string[] = [];
    const own = await openPlatform(loadConfig({ cwd: dir, env: { KEEL_HOME: dir } }), createLogger({ level: 'warn', destination: { write: (line: string) => void logs.push(line) } }));
    let urls: string[] = [];
    try {
      const failing = runQuickstart(own, {
        apiPort: 0, servePort: 0, host: '127.0.0.1', rows: 500, windowMs: 2000,
        onListening: (api, serving) => (urls = [api.url, serving.url]),
        step: (title) => {
          if (title === 'serving') throw new Error('the step after the servers started failed');
        },
      });
      await expect(failing).rejects.toThrow('the step after the servers started failed');
      expect(urls).toHaveLength(2);
      expect(await Promise.all(urls.map(accepts))).toEqual([false, false]);
    } finally {
      await own.close();
    }
    // The model server polled @production every 0.5 s; stopped, it no longer reads the closed store.
    await new Promise((r) => setTimeout(r, 1200));
    expect(logs.filter((l) => l.includes('model swap failed'))).toEqual([]);
  });

  it('exits with the error code when a monitor of its name on another deployment appears while it runs, its servers stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-qs-conflict-'));
    const own = await openPlatform(loadConfig({ cwd: dir, env: { KEEL_HOME: dir } }), silentLogger);
    let trafficSentAt = 0;
    let made: Promise<unknown> | undefined;
    try {
      // Made while the traffic runs (after the check at the start passed): the quickstart fails when it puts its monitor.
      const run = await keelProcess(['--home', dir, 'quickstart', '--rows', '500', '--window', '1', '--port', '0', '--serve-port', '0'], 60_000, (stdout) => {
        if (!trafficSentAt && stdout.includes('✓ traffic:')) trafficSentAt = Date.now();
        if (made || !stdout.includes('✓ serving:')) return;
        made = own.monitoring.createMonitor({ name: 'fraud-monitor', deployment: 'other' });
      });
      await made;
      expect(run.stderr).toBe("error: monitor 'fraud-monitor' already exists and watches deployment 'other', not the quickstart's 'fraud'; remove it (keel monitor rm fraud-monitor) or give the quickstart another --home\n");
      expect(run.code).toBe(4);
      // It ends once its traffic is sent (two windows of at least 1 s, longer on a busy machine), not when killed at 60 s.
      expect(trafficSentAt).toBeGreaterThan(0);
      expect(run.endedAt - trafficSentAt).toBeLessThan(15_000);
      const urls = [...run.stdout.matchAll(/(http:\/\/127\.0\.0\.1:\d+)\/(?:v1|docs)/g)].map((m) => m[1]!);
      expect(new Set(urls).size).toBe(2);
      expect(await Promise.all([...new Set(urls)].map(accepts))).toEqual([false, false]);
      expect(stepTitles(run.stdout)).toEqual(['dataset ' + (await own.datasets.versions('transactions')).map((v) => `transactions@${v.version}`)[0], 'validated', 'trained fraud version 1', 'serving', 'traffic']);
    } finally {
      await own.close();
    }
  }, 90_000);

  it('exits with UNAVAILABLE when the model server fails its traffic, naming how many failed and why, its servers stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-qs-rejected-'));
    const own = await openPlatform(loadConfig({ cwd: dir, env: { KEEL_HOME: dir } }), silentLogger);
    let moved: Promise<unknown> | undefined;
    try {
      // fraud version 1 takes two features only; moved to @production once the server runs, it rejects every request.
      writeFileSync(join(dir, 'narrow.csv'), toCsv(generateTransactions(400, 9, 0)));
      await own.datasets.add('narrow', join(dir, 'narrow.csv'));
      await own.train({ dataset: 'narrow', target: 'is_fraud', model: 'gbdt', features: ['amount', 'hour'], params: { n_estimators: 5 }, register: { name: 'fraud' } });
      const run = await keelProcess(['--home', dir, 'quickstart', '--rows', '500', '--window', '3', '--port', '0', '--serve-port', '0'], 60_000, (stdout) => {
        if (moved || !stdout.includes('✓ serving:')) return;
        moved = own.registry.setAlias('fraud', 'production', 1, { actor: 'test' });
      });
      await moved;
      const urls = [...new Set([...run.stdout.matchAll(/(http:\/\/127\.0\.0\.1:\d+)\/(?:v1|docs)/g)].map((m) => m[1]!))];
      expect(urls).toHaveLength(2);
      const predict = `${urls[0]}/v1/models/fraud:predict`;
      // The swap lands in the first window or before it: whichever phase most requests failed in is named.
      const said = /^error: the model server answered (\d+) of the quickstart's (\d+) requests like month [12] \((\d+) failed\) to POST (\S+); the first failure: (.*)\n$/.exec(run.stderr);
      expect(said, run.stderr).not.toBeNull();
      const [, answered, sent, failed, url, first] = said!;
      expect(Number(answered) + Number(failed)).toBe(Number(sent));
      expect(Number(failed) * 2).toBeGreaterThan(Number(sent));
      expect(url).toBe(predict);
      expect(first).toBe("400 instances[0]: unknown feature 'customer_age'; the model takes 'amount', 'hour'");
      expect(run.code).toBe(8);
      expect(await Promise.all(urls.map(accepts))).toEqual([false, false]);
      expect(stepTitles(run.stdout)).toEqual([expect.stringMatching(/^dataset transactions@/), 'validated', 'trained fraud version 2', 'serving']);
      expect(await own.monitoring.listMonitors()).toEqual([]);
    } finally {
      await own.close();
    }
  }, 90_000);
});
