/**
 * Drives Keel's MLflow-compatible API with an MLflow client nobody on the team wrote: the npm
 * package `mlflow` (2.0.7, a small REST client). Installs it under /tmp if missing, starts a Keel
 * server in-process on a fresh SQLite store (or uses --url), and runs a new user's session:
 * experiments, runs, params, metrics, batches, tags, search with a filter, history, artifacts list,
 * delete/restore, and the immutable-param error. Run: npx tsx bench/tracking-mlflow-client.ts [--url URL]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer, openPlatform } from '../src/api/index.js';
import { loadConfig, silentLogger } from '../src/core/index.js';

const PREFIX = '/tmp/keel-mlflow-npm';
if (!existsSync(join(PREFIX, 'node_modules', 'mlflow'))) {
  console.log('installing the npm mlflow client (mlflow@2.0.7) under /tmp/keel-mlflow-npm ...');
  execFileSync('npm', ['install', '--prefix', PREFIX, '--no-save', '--no-audit', '--no-fund', 'mlflow@2.0.7'], { stdio: 'inherit' });
}

type Api<K extends string> = Record<K, (args?: Record<string, unknown>) => Promise<Record<string, unknown>>>;
type MlflowCtor = new (o: { endpoint: string }) => {
  Experiments: Api<'create' | 'list' | 'get' | 'update' | 'delete' | 'restore'>;
  Runs: Api<'create' | 'get' | 'update' | 'delete' | 'restore' | 'logParameter' | 'logMetric' | 'logBatch' | 'setTag' | 'search'>;
  Metrics: Api<'getHistory'>;
  Artifacts: Api<'list'>;
};
const MLflow = createRequire(join(PREFIX, 'package.json'))('mlflow') as MlflowCtor;

const urlArg = process.argv.indexOf('--url');
let url = urlArg > 0 ? process.argv[urlArg + 1]! : '';
let stop = async (): Promise<void> => undefined;
if (!url) {
  const platform = await openPlatform(loadConfig({ env: {}, overrides: { home: mkdtempSync(join(tmpdir(), 'keel-mlflow-npm-')) } }), silentLogger);
  const app = await createApiServer(platform, { accessLog: false });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  stop = async () => {
    await app.close();
    await platform.close();
  };
}

// The package prints every request body with console.log: keep this script's output readable.
const print = console.log.bind(console);
console.log = () => undefined;
const checks: [string, boolean, unknown][] = [];
const check = (what: string, ok: boolean, detail: unknown = ''): void => void checks.push([what, ok, detail]);

try {
  const { Experiments, Runs, Metrics, Artifacts } = new MLflow({ endpoint: url });
  const name = `npm-client-${Date.now()}`;
  const { experiment_id } = (await Experiments.create({ name })) as { experiment_id: string };
  check('experiments/create', typeof experiment_id === 'string', experiment_id);
  const list = (await Experiments.list()) as { experiments: { name: string }[] };
  check('experiments/list', list.experiments.some((e) => e.name === name));
  const got = (await Experiments.get({ experiment_id })) as { experiment: { name: string } };
  check('experiments/get', got.experiment.name === name);
  const { run } = (await Runs.create({ experiment_id, start_time: Date.now(), tags: [{ key: 'mlflow.runName', value: 'npm-run' }] })) as { run: { info: { run_id: string; run_name: string } } };
  const run_id = run.info.run_id;
  check('runs/create', run.info.run_name === 'npm-run', run_id);
  await Runs.logParameter({ run_id, key: 'alpha', value: '0.5' });
  for (let step = 0; step < 5; step++) await Runs.logMetric({ run_id, key: 'rmse', value: 1 - step / 10, timestamp: Date.now(), step });
  await Runs.logBatch({ run_id, metrics: [{ key: 'rmse', value: 0.4, timestamp: Date.now(), step: 5 }, { key: 'mae', value: 0.3, timestamp: Date.now(), step: 5 }], params: [{ key: 'l1', value: '0.1' }], tags: [{ key: 'team', value: 'fr-paris' }] });
  await Runs.setTag({ run_id, key: 'stage', value: 'dev' });
  const other = ((await Runs.create({ experiment_id, start_time: Date.now() })) as { run: { info: { run_id: string } } }).run.info.run_id;
  await Runs.logBatch({ run_id: other, metrics: [{ key: 'rmse', value: 0.9, timestamp: Date.now(), step: 0 }], params: [{ key: 'alpha', value: '0.9' }] });
  const history = (await Metrics.getHistory({ run_id, metric_key: 'rmse' })) as { metrics: { step: number; value: number }[] };
  check('metrics/get-history (all points, no max_results)', history.metrics.length === 6 && history.metrics[5]!.value === 0.4, history.metrics.length);
  const found = (await Runs.search({ experiment_ids: [experiment_id], filter: "metrics.rmse < 0.8 and params.alpha = '0.5' and tags.team LIKE 'fr%'" })) as { runs: { info: { run_id: string } }[] };
  check('runs/search with a filter', found.runs.length === 1 && found.runs[0]!.info.run_id === run_id);
  const page1 = (await Runs.search({ experiment_ids: [experiment_id], order_by: ['metrics.rmse DESC'], max_results: 1 })) as { runs: { info: { run_id: string } }[]; next_page_token: string };
  const page2 = (await Runs.search({ experiment_ids: [experiment_id], order_by: ['metrics.rmse DESC'], max_results: 1, page_token: page1.next_page_token })) as { runs: { info: { run_id: string } }[] };
  check('runs/search order_by + page_token', page1.runs[0]!.info.run_id === other && page2.runs[0]!.info.run_id === run_id);
  const updated = (await Runs.update({ run_id, status: 'FINISHED', end_time: Date.now() })) as { run_info: { status: string } };
  check('runs/update', updated.run_info.status === 'FINISHED');
  const fetched = (await Runs.get({ run_id })) as { run: { data: { params: unknown[]; metrics: unknown[]; tags: unknown[] } } };
  check('runs/get', fetched.run.data.params.length === 2 && fetched.run.data.metrics.length === 2, fetched.run.data);
  const arts = (await Artifacts.list({ run_id })) as { root_uri: string };
  check('artifacts/list', arts.root_uri === `mlflow-artifacts:/${experiment_id}/${run_id}/artifacts`, arts.root_uri);
  await Runs.delete({ run_id });
  const afterDelete = (await Runs.search({ experiment_ids: [experiment_id] })) as { runs: unknown[] };
  await Runs.restore({ run_id });
  check('runs/delete + restore', afterDelete.runs.length === 1);
  let message = '';
  try {
    await Runs.logParameter({ run_id, key: 'alpha', value: '0.7' });
  } catch (e) {
    message = (e as Error).message;
  }
  check('immutable param -> INVALID_PARAMETER_VALUE', message.includes('INVALID_PARAMETER_VALUE') && message.includes('Changing param values is not allowed'), message.slice(0, 120));
  let missing = '';
  try {
    await Runs.get({ run_id: 'f'.repeat(32) });
  } catch (e) {
    missing = (e as Error).message;
  }
  check('unknown run -> 404 RESOURCE_DOES_NOT_EXIST', missing.includes('"status":404') && missing.includes('RESOURCE_DOES_NOT_EXIST'));
  await Experiments.update({ experiment_id, new_name: `${name}-renamed` });
  await Experiments.delete({ experiment_id });
  await Experiments.restore({ experiment_id });
  check('experiments/update, delete, restore', ((await Experiments.get({ experiment_id })) as { experiment: { name: string } }).experiment.name === `${name}-renamed`);
} finally {
  console.log = print;
  await stop();
}
for (const [what, ok, detail] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : `  ${JSON.stringify(detail)}`}`);
const failed = checks.filter((c) => !c[1]).length;
console.log(`${checks.length - failed} passed, ${failed} failed (npm mlflow@2.0.7 against ${url})`);
process.exitCode = failed ? 1 : 0;
