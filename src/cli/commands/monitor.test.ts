import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeelClient } from '../../client/index.js';
import { PredictionStore } from '../../monitoring/index.js';
import { openMetadataStore } from '../../storage/index.js';
import { writeFileSync } from 'node:fs';
import { runKeelInProcess, startTestServer } from '../test-server.js';
import { parseLabelFile, parseRuleText } from './monitor-support.js';

/** Runs `keel ARGS` in this process; rejects on a non-zero exit. */
async function keel(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const { stdout, stderr, exitCode } = await runKeelInProcess(args);
  if (exitCode) throw new Error(`keel ${args.join(' ')} exited with ${exitCode}: ${stderr}`);
  return { stdout, stderr };
}
const H = 3_600_000;

describe('keel monitor / alerts / feedback', () => {
  it('parses rule text and label files', () => {
    expect(parseRuleText('drift.share >= 0.5 for 2 cooldown 1h', 0)).toEqual({ name: 'drift.share', metric: 'drift.share', op: '>=', threshold: 0.5, forWindows: 2, cooldown: '1h' });
    expect(parseRuleText('latency.p99>250 for 30m name slow', 0)).toMatchObject({ name: 'slow', for: '30m', threshold: 250 });
    expect(() => parseRuleText('drift.share is high', 3)).toThrow(/--rule\[3\]/);
    // The error shows every word a rule takes, `name` too.
    expect(() => parseRuleText('drift.share >> 0.5', 0)).toThrow("--rule[0]: expected 'METRIC OP THRESHOLD [for N|1h] [cooldown 1h] [name NAME]', got 'drift.share >> 0.5'");
    expect(parseLabelFile('request_id,label\na,1\nb,cat\n')).toEqual([{ requestId: 'a', label: 1 }, { requestId: 'b', label: 'cat' }]);
    expect(parseLabelFile('{"requestId":"a","label":0}\n{"request_id":"b","label":true}')).toEqual([{ requestId: 'a', label: 0 }, { requestId: 'b', label: true }]);
  });

  it('creates a monitor, runs it over logged traffic, and lists the alert with its retraining run', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-mon-'));
    const store = await openMetadataStore(`sqlite:${join(home, 'keel.db')}`);
    const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H);
    await new PredictionStore(store.db).writeBatch(Array.from({ length: 200 }, (_, i) => ({
      receivedAt: T0 + i * 36_000,
      record: { requestId: `q${i}`, timestamp: T0 + i * 36_000, modelName: 'm', modelVersion: 1, deployment: 'svc', variant: null, inputs: { x: i }, outputs: { p: 0.5 }, latencyMs: i < 100 ? 5 : 500, ...(i >= 100 && i % 2 ? { error: 'timeout' } : {}) },
    })));
    await store.close();
    const k = (...args: string[]) => keel('--home', home, ...args);
    await k('monitor', 'create', 'svc-mon', '--deployment', 'svc', '--window', '1h', '--rule', 'error_rate > 0.2', '--retrain-command', 'echo \'{"runId":"r-{alertId}"}\'');
    // The window as --window takes it (it printed 3600s for 1h).
    expect((await k('monitor', 'ls')).stdout).toMatch(/\nsvc-mon +svc +tumbling 1h +0s +\(lineage\) +30 +error_rate\n/);
    const { stdout: runOut } = await k('--json', 'monitor', 'run', '--now', String(T0 + 3 * H));
    const [result] = JSON.parse(runOut) as { evaluated: { count: number }[]; fired: { id: string; rule: string; value: number; retrainRuns: { runId: string }[] }[] }[];
    expect(result!.evaluated.map((w) => w.count)).toEqual([100, 100, 0]);
    const alert = result!.fired[0]!;
    expect(alert).toMatchObject({ rule: 'error_rate', value: 0.5 });
    expect(alert.retrainRuns[0]!.runId).toBe(`r-${alert.id}`);
    const { stdout: status } = await k('monitor', 'status', 'svc');
    expect(status).toContain('error_rate(firing)');
    // Times as data ls, runs ls and models ls print them, to the second (T0 is 2023-11-14 22:00 UTC).
    expect(status).toMatch(/\n2023-11-14 22:00:00 → 23:00:00 +100 /);
    expect((await k('alerts', 'ls')).stdout).toMatch(/ 2023-11-14 2[23]:00:00 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /);
    expect(status).toContain(`retraining: alert ${alert.id.slice(0, 12)} → command succeeded run r-${alert.id}`);
    // What alerts ls shows is what the other commands take: the run id whole, and the alert's start for ack.
    const listed = (await k('alerts', 'ls')).stdout;
    expect(listed).toContain(`${alert.id.slice(0, 12)}  svc-mon`);
    expect(listed).toContain(` run=r-${alert.id}\n`);
    // It names the alert whole, not the start typed.
    expect((await k('alerts', 'ack', alert.id.slice(0, 12))).stdout).toBe(`alert ${alert.id} acknowledged\n`);
    expect(JSON.parse((await k('--json', 'alerts', 'ack', alert.id.slice(0, 8))).stdout)).toMatchObject({ acknowledged: alert.id, alert: { id: alert.id, rule: 'error_rate' } });
    expect((await k('alerts', 'ls')).stdout).toContain('firing (ack)');
    // Removed, it answers the alert it resolved (no webhook to send).
    const { stdout: rm } = await k('--json', 'monitor', 'rm', 'svc-mon');
    expect(JSON.parse(rm)).toEqual({ deleted: 'svc-mon', resolvedAlerts: [alert.id], deliveries: [] });
  });

  // Its JSON says details.quiet; its drift cell showed `-`, as for a monitor with no reference.
  it('marks a quiet window (fewer served predictions than minRows) in the status table\'s drift column, with its count and minRows', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-mon-quiet-'));
    const ref = join(home, 'ref.csv');
    writeFileSync(ref, `x\n${Array.from({ length: 60 }, (_, i) => i).join('\n')}\n`);
    const store = await openMetadataStore(`sqlite:${join(home, 'keel.db')}`);
    const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H);
    // The first hour: 20 requests, 8 of them failed, so 12 served; the second: 40, all served.
    const at = (i: number) => (i < 20 ? T0 + i * 60_000 : T0 + H + (i - 20) * 60_000);
    await new PredictionStore(store.db).writeBatch(Array.from({ length: 60 }, (_, i) => ({
      receivedAt: at(i),
      record: { requestId: `q${i}`, timestamp: at(i), modelName: 'm', modelVersion: 1, deployment: 'svc', variant: null, inputs: { x: i }, outputs: { p: 0.5 }, latencyMs: 5, ...(i < 8 ? { error: 'timeout' } : {}) },
    })));
    await store.close();
    const k = (...args: string[]) => keel('--home', home, ...args);
    const { version } = JSON.parse((await k('--json', 'data', 'add', 'ref', ref)).stdout) as { version: string };
    await k('monitor', 'create', 'svc-mon', '--deployment', 'svc', '--window', '1h', '--reference', `ref@${version}`, '--min-rows', '30');
    await k('monitor', 'run', '--now', String(T0 + 2 * H));
    const windows = JSON.parse((await k('--json', 'monitor', 'status', 'svc')).stdout)[0].windows as { count: number; details: { quiet?: boolean } }[];
    expect(windows.map((w) => [w.count, w.details.quiet])).toEqual([[40, false], [20, true]]);
    const lines = (await k('monitor', 'status', 'svc')).stdout.split('\n');
    const row = (start: string) => lines.find((l) => l.startsWith(`2023-11-14 ${start}`)) ?? '';
    expect(row('22:00:00')).toMatch(/^2023-11-14 22:00:00 → 23:00:00 +20 +0 +quiet \(12 < minRows 30\) +- /);
    // The window with enough rows has its drift share, a number.
    expect(row('23:00:00')).toMatch(/^2023-11-14 23:00:00 → 00:00:00 +40 +0 +\d(\.\d+)? +/);
  });

  it.each([['locally', false], ['over HTTP', true]])('warns %s when the deployment has logged no prediction, naming those that have', async (_how, remote) => {
    const server = await startTestServer('keel-cli-mon-warn-');
    try {
      await server.platform.monitoring.predictions.writeBatch([{ receivedAt: 1, record: { requestId: 'q', timestamp: 1, modelName: 'm', modelVersion: 1, deployment: 'svc', variant: null, inputs: {}, outputs: {}, latencyMs: 1 } }]);
      const k = (...args: string[]) => keel(...(remote ? ['--server', server.url] : ['--home', server.home]), ...args);
      expect((await k('monitor', 'create', 'ok', '--deployment', 'svc')).stderr).toBe('');
      const typo = await k('monitor', 'create', 'm2', '--deployment', 'nope');
      expect(typo.stdout).toBe("monitor 'm2' created on deployment 'nope' with 0 rule(s)\n");
      expect(typo.stderr).toBe("warning: deployment: no prediction has been logged for deployment 'nope' (deployments with logged predictions: 'svc'); the monitor sees data once a server logs some under that name (keel serve --name nope, or a model of that name served without --name)\n");
    } finally {
      await server.close();
    }
  });

  it.each([['locally', false], ['over HTTP', true]])('takes --min-rows %s, shows it in monitor ls, and names the flag or field of a bad value', async (_how, remote) => {
    const server = await startTestServer('keel-cli-mon-minrows-');
    try {
      const where = remote ? ['--server', server.url] : ['--home', server.home];
      const k = (...args: string[]) => keel(...where, ...args);
      await k('monitor', 'create', 'strict', '--deployment', 'svc', '--min-rows', '200');
      await k('monitor', 'create', 'lax', '--deployment', 'svc', '--min-rows', '0');
      await k('monitor', 'create', 'plain', '--deployment', 'svc');
      const listed = JSON.parse((await k('--json', 'monitor', 'ls')).stdout) as { name: string; minRows: number }[];
      expect(listed.map((m) => [m.name, m.minRows])).toEqual([['lax', 0], ['plain', 30], ['strict', 200]]);
      expect((await k('monitor', 'ls')).stdout).toMatch(/ MIN ROWS +RULES\n(.*\n){2}strict +svc +tumbling 1h +0s +\(lineage\) +200\n$/);
      const bad = await runKeelInProcess([...where, 'monitor', 'create', 'neg', '--deployment', 'svc', '--min-rows', '-1']);
      expect([bad.exitCode, bad.stderr]).toEqual([2, "error: --min-rows: expected an integer >= 0, got '-1'\n"]);
      const file = join(server.home, 'monitor.json');
      writeFileSync(file, JSON.stringify({ deployment: 'svc', minRows: 2.5 }));
      const badFile = await runKeelInProcess([...where, 'monitor', 'create', 'frac', '--file', file]);
      expect(badFile.exitCode).toBe(2);
      expect(badFile.stderr).toMatch(/^error: minRows: expected a whole number >= 0 .*, got 2\.5\n$/);
      // A file that cannot be read, or is not JSON, is said so, naming --file (read by the CLI, so the same over HTTP).
      const missing = join(server.home, 'nope.json');
      const unread = await runKeelInProcess([...where, 'monitor', 'create', 'gone', '--file', missing]);
      expect([unread.exitCode, unread.stderr]).toEqual([2, `error: --file: cannot read '${missing}': no such file or directory (ENOENT)\n`]);
      writeFileSync(file, '{"deployment": ');
      const notJson = await runKeelInProcess([...where, 'monitor', 'create', 'half', '--file', file]);
      expect([notJson.exitCode, notJson.stderr]).toEqual([2, expect.stringMatching(new RegExp(`^error: --file: '${file}' is not JSON: .+\n$`))]);
      expect((await server.platform.monitoring.listMonitors()).map((m) => m.name)).toEqual(['lax', 'plain', 'strict']);
    } finally {
      await server.close();
    }
  });

  it('round-trips minRows through the SDK: create, get, list, update; a bad value is refused naming minRows', async () => {
    const server = await startTestServer('keel-sdk-mon-minrows-');
    try {
      const m = new KeelClient({ baseUrl: server.url }).monitoring;
      expect((await m.createMonitor({ name: 'sdk', deployment: 'svc', minRows: 120 })).minRows).toBe(120);
      expect((await m.getMonitor('sdk')).minRows).toBe(120);
      expect((await m.updateMonitor({ name: 'sdk', deployment: 'svc', minRows: 7 })).minRows).toBe(7);
      expect((await m.listMonitors('svc')).map((x) => x.minRows)).toEqual([7]);
      await expect(m.updateMonitor({ name: 'sdk', deployment: 'svc', minRows: -3 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'minRows' });
      expect((await m.getMonitor('sdk')).minRows).toBe(7);
    } finally {
      await server.close();
    }
  });
});
