import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../../api/index.js';
import { invalidArgument, isKeelError } from '../../core/index.js';
import type { ProgressListener } from '../../jobs/index.js';
import type { Schema } from '../../validation/index.js';
import { portOrFree, type ListenAddress, type PortChoice } from '../server-ports.js';
import { assertMonitorIsOurs, putQuickstartMonitor } from './quickstart-monitor.js';
import { startQuickstartServers, type QuickstartServers } from './quickstart-servers.js';
import { generateTransactions, toCsv } from './transactions.js';
import { assertTrafficAnswered, phaseWindows, sendTraffic, sleepUntil } from './traffic.js';

export interface QuickstartOptions {
  readonly apiPort: number;
  readonly servePort: number;
  readonly host: string;
  /** Rows of the first month of data (default 20,000). */
  readonly rows: number;
  readonly windowMs: number;
  readonly step: (title: string, detail?: string) => void;
  readonly onProgress?: ProgressListener;
  /**
   * Which ports are the flags' defaults, not the user's choice: one of them that another process
   * holds is traded for a free one (and onPortTaken called), where a chosen port taken is an error.
   */
  readonly defaultPorts?: { readonly api: boolean; readonly serve: boolean };
  readonly onPortTaken?: (where: PortChoice) => void;
  /** Called once both servers listen, with where (to warn of servers other machines can reach). */
  readonly onListening?: (api: ListenAddress, serving: ListenAddress) => void;
}

export interface QuickstartResult {
  readonly apiUrl: string;
  readonly servingUrl: string;
  readonly datasets: readonly string[];
  readonly firstModel: { readonly name: string; readonly version: number; readonly runId: string; readonly testAuc: number | undefined };
  readonly validation: { readonly anomalies: number; readonly driftedBatchAnomalies: number };
  readonly traffic: { readonly sent: number; readonly failed: number };
  readonly alerts: readonly { readonly id: string; readonly rule: string; readonly value: number | null }[];
  readonly retrained: { readonly name: string; readonly version: number } | null;
  readonly servedVersions: readonly string[];
  close(): Promise<void>;
}

const MODEL = 'fraud';
const DATASET = 'transactions';
const MONITOR = `${MODEL}-monitor`;
const GBDT_PARAMS = { n_estimators: 80, max_depth: 5, learning_rate: 0.1, early_stopping_rounds: 10 } as const;
/**
 * Answers a window needs for a drift verdict that is not noise: against a reference of over 1,000
 * rows the drift tests are distances (Wasserstein, Jensen-Shannon) with a fixed 0.1 threshold,
 * which a few dozen rows of undrifted traffic pass by chance (drift shares of 0.625 and 0.875 were
 * seen on 93 and 25 rows like month 1 on a busy machine); on thousands they measure 0. This is
 * the traffic side of the guard: a monitor's `minRows` only withholds the verdict of a window
 * with fewer rows, while the quickstart needs both windows judged to show an alert and a retraining
 * (its monitor keeps the default minRows, which these windows pass many times over).
 */
const MIN_WINDOW_PREDICTIONS = 500;
/** How much longer than --window phase 1 may go on to reach MIN_WINDOW_PREDICTIONS. */
const MAX_STRETCH_MS = 120_000;

/**
 * The main job, end to end: data -> validation -> training -> registry -> serving -> traffic that
 * drifts -> monitor -> alert -> retraining -> alias move followed by the server. Everything runs
 * on the platform's public services, as a user's own script would.
 */
export async function runQuickstart(platform: Platform, o: QuickstartOptions): Promise<QuickstartResult> {
  // The servers listen after the data, the training and the registry's work: their ports, and the
  // name of the monitor that comes after them, are checked first.
  if (o.apiPort !== 0 && o.apiPort === o.servePort) throw invalidArgument('--serve-port', `the model server needs a port of its own, not --port's ${o.apiPort}`);
  const onTaken = o.onPortTaken ?? (() => {});
  const apiPort = await portOrFree({ host: o.host, port: o.apiPort, flag: '--port' }, o.defaultPorts?.api ?? false, onTaken);
  const servePort = await portOrFree({ host: o.host, port: o.servePort, flag: '--serve-port' }, o.defaultPorts?.serve ?? false, onTaken);
  await assertMonitorIsOurs(platform, MONITOR, MODEL);
  const dir = join(platform.config.home, 'quickstart');
  mkdirSync(dir, { recursive: true });
  const month1 = generateTransactions(o.rows, 1, 0);
  const month2 = generateTransactions(o.rows, 2, 1);
  writeFileSync(join(dir, 'transactions-month1.csv'), toCsv(month1));
  writeFileSync(join(dir, 'transactions-month2.csv'), toCsv(month2));
  writeFileSync(join(dir, 'transactions-months1-2.csv'), toCsv([...month1, ...month2]));

  // Run again, the same rows are the same versions (a dataset version is its content).
  const v1 = await platform.datasets.add(DATASET, join(dir, 'transactions-month1.csv'), { description: 'card transactions, month 1' });
  const ref1 = `${DATASET}@${v1.version}`;
  o.step(`dataset ${ref1}`, `${v1.rows} rows x ${v1.columns.length} columns, schema and statistics stored`);

  const schema = await saveSchemaOnce(platform, await platform.validation.inferSchema(ref1));
  const clean = await platform.validation.validate(ref1);
  const drifted = await platform.datasets.add('transactions-month2', join(dir, 'transactions-month2.csv'));
  const check = await platform.validation.validate(`transactions-month2@${drifted.version}`, { schema, against: ref1 });
  o.step('validated', `month 1: ${clean.report.anomalies.length} anomalies; month 2 against month 1: ${check.report.anomalies.length} anomalies (${[...new Set(check.report.anomalies.map((a) => a.kind))].join(', ')})`);

  // Each run trains and registers a new version, as a training job run again does.
  const first = await platform.train(
    { dataset: ref1, target: 'is_fraud', model: 'gbdt', params: GBDT_PARAMS, experiment: 'quickstart', register: { name: MODEL } },
    o.onProgress ? { onProgress: o.onProgress } : {},
  );
  const firstVersion = first.modelVersion!;
  await platform.registry.setAlias(MODEL, 'production', firstVersion.version, { actor: 'quickstart' });
  o.step(`trained ${MODEL} version ${firstVersion.version}`, `run ${first.runId}, test AUC ${fmt(first.metrics.test.roc_auc)}, alias @production`);

  const servers = await startQuickstartServers(platform, MODEL, apiPort, servePort);
  try {
    const rest = await afterServersStart(platform, o, servers, { ref1, firstVersion: firstVersion.version });
    return {
      apiUrl: servers.api.shown,
      servingUrl: servers.serving.shown,
      datasets: [ref1, rest.ref2],
      firstModel: { name: MODEL, version: firstVersion.version, runId: first.runId, testAuc: first.metrics.test.roc_auc },
      validation: { anomalies: clean.report.anomalies.length, driftedBatchAnomalies: check.report.anomalies.length },
      ...rest.outcome,
      close: servers.close,
    };
  } catch (e) {
    // Whatever failed, nothing of the quickstart's may keep listening or polling: the process would not end.
    await servers.close().catch(() => undefined);
    throw e;
  }
}

type Outcome = Pick<QuickstartResult, 'traffic' | 'alerts' | 'retrained' | 'servedVersions'>;

/** Serving, traffic that drifts, the monitor, its alert and the retraining it starts, and the alias move the server follows. */
async function afterServersStart(platform: Platform, o: QuickstartOptions, servers: QuickstartServers, before: { ref1: string; firstVersion: number }): Promise<{ ref2: string; outcome: Outcome }> {
  const servingUrl = servers.serving.url;
  o.onListening?.(servers.api, servers.serving);
  o.step('serving', `${servers.serving.shown}/v1/models/${MODEL}:predict and ${servers.serving.shown}/v2/models/${MODEL}/infer; API ${servers.api.shown}/docs`);

  // Phase 1 sends traffic like the training data, phase 2 next month's, whose labels come back
  // later through the feedback endpoint; the monitor judges each in a window of its own. Phase 1
  // lasts the window and until it has MIN_WINDOW_PREDICTIONS answers, phase 2 starts after its
  // last answer and lasts as long: a busy machine makes the windows longer, not their verdicts
  // noise or their traffic mixed. Request ids carry the run's start, so a run's labels never meet
  // an earlier run's requests.
  const first = Date.now();
  const run = first.toString(36);
  // A phase the model server mostly failed ends the quickstart: the steps after it would report on nothing.
  const predictUrl = `${servingUrl}/v1/models/${MODEL}:predict`;
  const normal = await sendTraffic(servingUrl, MODEL, generateTransactions(2000, 3, 0), `normal-${run}`, { until: first + o.windowMs, minAnswered: MIN_WINDOW_PREDICTIONS, latest: first + o.windowMs + MAX_STRETCH_MS });
  assertTrafficAnswered(normal, 'like month 1', predictUrl);
  const windows = phaseWindows(first, Date.now());
  await sleepUntil(windows.boundary);
  const shiftedRows = generateTransactions(2000, 4, 1);
  const shifted = await sendTraffic(servingUrl, MODEL, shiftedRows, `shifted-${run}`, { until: windows.boundary + windows.sizeMs });
  assertTrafficAnswered(shifted, 'like month 2', predictUrl);
  await platform.monitoring.addFeedback(shifted.sentRows.map(({ requestId, row }) => ({ requestId, label: shiftedRows[row % shiftedRows.length]!.is_fraud })));
  await servers.flushPredictions();
  const seconds = `${(windows.sizeMs / 1000).toFixed(1)} s`;
  o.step('traffic', `${normal.sent + shifted.sent} requests (${normal.failed + shifted.failed} failed): ${normal.sent} like month 1 in one window of ${seconds}, then ${shifted.sent} like month 2 in the next`);

  // A second run updates the first run's monitor to start at this run's traffic, with its windows.
  await putQuickstartMonitor(platform, {
    name: MONITOR, deployment: MODEL, referenceDataset: before.ref1, windowMs: windows.sizeMs, originMs: windows.originMs, start: windows.start,
    retrain: { dataset: DATASET, target: 'is_fraud', model: 'gbdt', params: GBDT_PARAMS, experiment: 'quickstart', register: { name: MODEL } },
  });
  // Month 2's labeled data lands before the monitor runs, so retraining sees the newest data.
  const v2 = await platform.datasets.add(DATASET, join(platform.config.home, 'quickstart', 'transactions-months1-2.csv'), { description: 'card transactions, months 1-2' });
  // The two windows are complete then (the third, with phase 2's late answers, is not: its grace has not passed).
  const result = await platform.monitoring.runMonitor(MONITOR, { now: windows.boundary + 2 * windows.sizeMs });
  o.step('monitored', `${result.evaluated.length} windows; drift share per window: ${result.evaluated.map((w) => fmt(w.metrics['drift.share'])).join(', ')}; ${result.fired.length} alert(s)`);

  let retrained: { name: string; version: number } | null = null;
  const latest = await platform.registry.resolve(MODEL);
  if (latest.version > before.firstVersion) {
    retrained = { name: MODEL, version: latest.version };
    await platform.registry.setAlias(MODEL, 'production', latest.version, { actor: 'quickstart' });
    o.step(`retrained ${MODEL} version ${latest.version}`, `on ${DATASET}@${v2.version} after alert ${result.fired[0]?.id ?? '?'}; @production moved`);
  }
  const servedVersions = await waitForServedVersion(servingUrl, String(latest.version), 10_000);
  o.step('serving follows @production', `now serving version(s) ${servedVersions.join(', ')}`);
  return {
    ref2: `${DATASET}@${v2.version}`,
    outcome: {
      traffic: { sent: normal.sent + shifted.sent, failed: normal.failed + shifted.failed },
      alerts: result.fired.map((a) => ({ id: a.id, rule: a.rule, value: a.value })),
      retrained,
      servedVersions,
    },
  };
}

/** Saves the schema unless the newest saved one is the same, so a second run adds no identical version. */
async function saveSchemaOnce(platform: Platform, schema: Schema): Promise<Schema> {
  const saved = await platform.validation.getSchema(DATASET).catch((e: unknown) => {
    if (isKeelError(e) && e.code === 'NOT_FOUND') return undefined;
    throw e;
  });
  if (saved && JSON.stringify(saved.schema) === JSON.stringify(schema)) return saved.schema;
  return (await platform.validation.saveSchema(DATASET, schema)).schema;
}

async function waitForServedVersion(url: string, version: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let versions: string[] = [];
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/v2/models/${MODEL}`);
    versions = ((await res.json()) as { versions?: string[] }).versions ?? [];
    if (versions.includes(version)) return versions;
    await new Promise((r) => setTimeout(r, 200));
  }
  return versions;
}

const fmt = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(3));
