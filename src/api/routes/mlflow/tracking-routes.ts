import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { invalidArgument } from '../../../core/index.js';
import { LIMITS, RUN_STATUSES, type RunStatus, type TrackingService } from '../../../tracking/index.js';
import type { RoutePluginOptions } from '../route-options.js';
import { ok } from '../../openapi.js';
import { applyMlflowConventions } from './mlflow-errors.js';
import { documentMlflowParams, paramsFor, TRACKING_PARAMS } from './mlflow-params.js';
import { jsonRun, metricsJson, RawJson, keyValues, list, metricPoints, metricValue, optInt, optString, paramsOf, reqString, viewType, type Params } from './tracking-params.js';

/** The UI's `ajax-api` prefix carries the same routes as the REST API's. */
const PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'];

type Handler = (t: TrackingService, p: Params) => Promise<unknown>;
type Method = 'GET' | 'POST';

function status(p: Params): RunStatus | undefined {
  const s = optString(p, 'status');
  if (s === undefined) return undefined;
  if (!RUN_STATUSES.includes(s as RunStatus)) throw invalidArgument('status', `Invalid value '${s}' (known: ${RUN_STATUSES.join(', ')})`);
  return s as RunStatus;
}

const MODEL_HISTORY_TAG = 'mlflow.log-model.history';

/** run_id, or the deprecated run_uuid that older clients send. */
const runId = (p: Params): string => reqString(p, 'run_id', 'run_uuid');

const searchRuns: Handler = async (t, p) => {
  const out = await t.searchRuns({
    experimentIds: list(p, 'experiment_ids'),
    filter: optString(p, 'filter'),
    runViewType: viewType(p, 'run_view_type'),
    orderBy: list(p, 'order_by'),
    maxResults: optInt(p, 'max_results'),
    pageToken: optString(p, 'page_token'),
  });
  return { runs: out.runs.map(jsonRun), ...(out.next_page_token ? { next_page_token: out.next_page_token } : {}) };
};

const searchExperiments: Handler = async (t, p) => {
  const out = await t.searchExperiments({
    filter: optString(p, 'filter'),
    viewType: viewType(p, 'view_type'),
    orderBy: list(p, 'order_by'),
    maxResults: optInt(p, 'max_results'),
    pageToken: optString(p, 'page_token'),
  });
  return { experiments: out.experiments, ...(out.next_page_token ? { next_page_token: out.next_page_token } : {}) };
};

/** Each MLflow tracking endpoint: [method, path, write?, handler]. Shapes follow mlflow/protos/service.proto. */
const ROUTES: readonly [Method, string, boolean, Handler][] = [
  ['POST', '/experiments/create', true, async (t, p) => ({
    experiment_id: await t.createExperiment(reqString(p, 'name'), { ...(optString(p, 'artifact_location') ? { artifactLocation: optString(p, 'artifact_location')! } : {}), tags: keyValues(p, 'tags') }),
  })],
  ['GET', '/experiments/get', false, async (t, p) => ({ experiment: await t.getExperiment(reqString(p, 'experiment_id')) })],
  ['GET', '/experiments/get-by-name', false, async (t, p) => ({ experiment: await t.getExperimentByName(reqString(p, 'experiment_name')) })],
  ['POST', '/experiments/search', false, searchExperiments],
  ['GET', '/experiments/search', false, searchExperiments],
  // MLflow 1.x's experiments/list, still called by older clients.
  ['GET', '/experiments/list', false, async (t, p) => ({ experiments: (await t.searchExperiments({ viewType: viewType(p, 'view_type') })).experiments })],
  ['POST', '/experiments/update', true, async (t, p) => (await t.updateExperiment(reqString(p, 'experiment_id'), reqString(p, 'new_name')), {})],
  ['POST', '/experiments/delete', true, async (t, p) => (await t.deleteExperiment(reqString(p, 'experiment_id')), {})],
  ['POST', '/experiments/restore', true, async (t, p) => (await t.restoreExperiment(reqString(p, 'experiment_id')), {})],
  ['POST', '/experiments/set-experiment-tag', true, async (t, p) => (await t.setExperimentTag(reqString(p, 'experiment_id'), reqString(p, 'key'), optString(p, 'value') ?? ''), {})],

  ['POST', '/runs/create', true, async (t, p) => {
    const name = optString(p, 'run_name');
    const user = optString(p, 'user_id');
    const start = optInt(p, 'start_time');
    const run = await t.createRun({
      experimentId: optString(p, 'experiment_id') ?? '0',
      tags: keyValues(p, 'tags'),
      ...(name ? { runName: name } : {}),
      ...(user ? { userId: user } : {}),
      ...(start !== undefined ? { startTime: start } : {}),
    });
    return { run: jsonRun(run) };
  }],
  ['GET', '/runs/get', false, async (t, p) => ({ run: jsonRun(await t.getRun(runId(p))) })],
  ['POST', '/runs/update', true, async (t, p) => {
    const s = status(p);
    const end = optInt(p, 'end_time');
    const name = optString(p, 'run_name');
    return { run_info: await t.updateRun(runId(p), { ...(s ? { status: s } : {}), ...(end !== undefined ? { endTime: end } : {}), ...(name ? { runName: name } : {}) }) };
  }],
  ['POST', '/runs/delete', true, async (t, p) => (await t.deleteRun(runId(p)), {})],
  ['POST', '/runs/restore', true, async (t, p) => (await t.restoreRun(runId(p)), {})],
  ['POST', '/runs/log-metric', true, async (t, p) => {
    await t.logBatch(runId(p), { metrics: [{ key: reqString(p, 'key'), value: metricValue(p.value, 'value'), timestamp: optInt(p, 'timestamp') ?? Date.now(), step: optInt(p, 'step') ?? 0 }] });
    return {};
  }],
  ['POST', '/runs/log-parameter', true, async (t, p) => (await t.logParam(runId(p), reqString(p, 'key'), optString(p, 'value') ?? ''), {})],
  ['POST', '/runs/set-tag', true, async (t, p) => (await t.setTag(runId(p), reqString(p, 'key'), optString(p, 'value') ?? ''), {})],
  ['POST', '/runs/delete-tag', true, async (t, p) => (await t.deleteTag(runId(p), reqString(p, 'key')), {})],
  ['POST', '/runs/log-batch', true, async (t, p) => {
    await t.logBatch(runId(p), { metrics: metricPoints(p, 'metrics'), params: keyValues(p, 'params'), tags: keyValues(p, 'tags') });
    return {};
  }],
  // MLflow 2.x clients report each logged model here; like MLflow, Keel appends it to the run's
  // `mlflow.log-model.history` tag (a JSON list).
  ['POST', '/runs/log-model', true, async (t, p) => {
    const id = runId(p);
    const text = reqString(p, 'model_json');
    let model: unknown;
    try {
      model = JSON.parse(text);
    } catch {
      throw invalidArgument('model_json', 'Value for model_json must be a valid JSON string');
    }
    if (model === null || typeof model !== 'object' || Array.isArray(model)) throw invalidArgument('model_json', 'Value for model_json must be a JSON object');
    const run = await t.getRun(id);
    const old = run.data.tags.find((tag) => tag.key === MODEL_HISTORY_TAG)?.value;
    const history = [...(old ? (JSON.parse(old) as unknown[]) : []), model];
    // A tag value holds at most 8000 characters: the oldest entries give way.
    while (history.length > 1 && JSON.stringify(history).length > LIMITS.tagValueLength) history.shift();
    await t.setTag(id, MODEL_HISTORY_TAG, JSON.stringify(history));
    return {};
  }],
  ['POST', '/runs/search', false, searchRuns],
  ['GET', '/runs/search', false, searchRuns],

  ['GET', '/metrics/get-history', false, async (t, p) => {
    const maxResults = optInt(p, 'max_results');
    const pageToken = optString(p, 'page_token');
    // The whole history (what clients ask for): the database writes the JSON.
    if (maxResults === undefined && !pageToken) return new RawJson(`{"metrics":${await t.getMetricHistoryJson(runId(p), reqString(p, 'metric_key'))}}`);
    const page = await t.getMetricHistory(runId(p), reqString(p, 'metric_key'), {
      ...(maxResults !== undefined ? { maxResults } : {}),
      ...(pageToken ? { pageToken } : {}),
    });
    return metricsJson(page.metrics, page.next_page_token);
  }],
  ['GET', '/metrics/get-history-bulk-interval', false, async (t, p) => {
    const start = optInt(p, 'start_step');
    const end = optInt(p, 'end_step');
    const max = optInt(p, 'max_results');
    const points = await t.getMetricHistoryBulkInterval({
      runIds: list(p, 'run_ids'),
      key: reqString(p, 'metric_key'),
      ...(start !== undefined ? { startStep: start } : {}),
      ...(end !== undefined ? { endStep: end } : {}),
      ...(max !== undefined ? { maxResults: max } : {}),
    });
    return metricsJson(points);
  }],
  ['GET', '/artifacts/list', false, async (t, p) => {
    const id = runId(p);
    const info = (await t.getRunInfo(id));
    return { root_uri: info.artifact_uri, files: await t.listArtifacts(id, optString(p, 'path') ?? '') };
  }],
];

/**
 * MLflow's tracking REST API (experiments/*, runs/*, metrics/*, artifacts/list) over the
 * TrackingService, with MLflow's error bodies and statuses.
 */
export const mlflowTrackingRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  applyMlflowConventions(app);
  const register = (f: FastifyInstance): void => {
    for (const [method, url, write, handler] of ROUTES) {
      f.route({
        method,
        url,
        config: { permission: write ? 'tracking:write' : 'tracking:read', swaggerTransform: documentMlflowParams(method, paramsFor(TRACKING_PARAMS, method, url)) },
        schema: { tags: ['mlflow'], summary: `MLflow tracking: ${url.slice(1)}`, response: ok("MLflow's answer (mlflow/protos/service.proto)") },
        handler: async (req: FastifyRequest, reply) => {
          const out = await handler(platform.tracking, paramsOf(req));
          return out instanceof RawJson ? reply.type('application/json; charset=utf-8').send(out.text) : out;
        },
      });
    }
  };
  for (const prefix of PREFIXES) await app.register(async (f) => register(f), { prefix });
};
