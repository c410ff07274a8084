import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import { LIMITS, RUN_STATUSES } from '../../../tracking/index.js';
import { documentRoute } from '../../openapi.js';

/**
 * The request parameters of the MLflow-compatible routes, as /docs lists them (from
 * mlflow/protos/service.proto and model_registry.proto, as far as Keel reads them). They document
 * only: the routes parse their parameters themselves (tracking-params.ts, registry-json.ts), as
 * MLflow's server does, taking int64 fields as numbers or strings and enums by name or number, so
 * that every MLflow client keeps working. A Fastify schema would coerce or refuse some of those.
 */

const str = (description: string): TSchema => Type.String({ description });
/** protobuf JSON writes int64 as a string ("1700000000000"); some clients send a number. */
const int64 = (description: string): TSchema => Type.Union([Type.Integer(), Type.String({ pattern: '^-?[0-9]+$' })], { description: `${description} (int64: a number or its decimal string)` });
const strings = (description: string): TSchema => Type.Array(Type.String(), { description });
const keyValues = (description: string): TSchema => Type.Array(Type.Object({ key: Type.String(), value: Type.Optional(Type.String()) }), { description });
const viewType = (description: string): TSchema =>
  Type.Union([Type.Literal('ACTIVE_ONLY'), Type.Literal('DELETED_ONLY'), Type.Literal('ALL'), Type.Literal(1), Type.Literal(2), Type.Literal(3)], { description: `${description}: ACTIVE_ONLY (default), DELETED_ONLY or ALL, or 1, 2, 3` });
/** A double: a number, or protobuf JSON's "NaN", "Infinity", "-Infinity". */
const double = (description: string): TSchema => Type.Union([Type.Number(), Type.String()], { description: `${description} (a number, or "NaN", "Infinity", "-Infinity")` });
const opt = (schema: TSchema): TSchema => Type.Optional(schema);

// run_id is required, but older clients send it as run_uuid: either one does.
const RUN_ID = { run_id: opt(str('ID of the run (required, or run_uuid)')), run_uuid: opt(str('deprecated name of run_id, sent by older clients')) };
const PAGE = {
  max_results: opt(int64('most results to answer')),
  page_token: opt(str('the next_page_token of the previous page')),
  filter: opt(str("a search filter, e.g. \"metrics.rmse < 1 and params.model = 'gbdt'\"")),
  order_by: opt(strings('columns to order by, each with an optional ASC or DESC')),
};
const NAME = { name: str('name of the registered model') };
const VERSION = { ...NAME, version: str('the version number, as a string ("3")') };

const searchRuns = Type.Object({
  experiment_ids: opt(strings('experiments to search')),
  run_view_type: opt(viewType('which runs')),
  ...PAGE,
});
const searchExperiments = Type.Object({ view_type: opt(viewType('which experiments')), ...PAGE });

/** The tracking routes' parameters, by path under /api/2.0/mlflow. */
export const TRACKING_PARAMS: Readonly<Record<string, TObject>> = {
  '/experiments/create': Type.Object({ name: str('experiment name'), artifact_location: opt(str('where its runs keep artifacts')), tags: opt(keyValues('experiment tags')) }),
  '/experiments/get': Type.Object({ experiment_id: str('ID of the experiment') }),
  '/experiments/get-by-name': Type.Object({ experiment_name: str('name of the experiment') }),
  '/experiments/search': searchExperiments,
  '/experiments/list': Type.Object({ view_type: opt(viewType('which experiments')) }),
  '/experiments/update': Type.Object({ experiment_id: str('ID of the experiment'), new_name: str('its new name') }),
  '/experiments/delete': Type.Object({ experiment_id: str('ID of the experiment') }),
  '/experiments/restore': Type.Object({ experiment_id: str('ID of the experiment') }),
  '/experiments/set-experiment-tag': Type.Object({ experiment_id: str('ID of the experiment'), key: str('tag name'), value: opt(str('tag value (default "")')) }),
  '/runs/create': Type.Object({
    experiment_id: opt(str('ID of the experiment (default "0")')), user_id: opt(str('who runs it')), run_name: opt(str('name of the run')),
    start_time: opt(int64('start, in ms since the epoch')), tags: opt(keyValues('run tags')),
  }),
  '/runs/get': Type.Object(RUN_ID),
  '/runs/update': Type.Object({
    ...RUN_ID, status: opt(Type.Union(RUN_STATUSES.map((s) => Type.Literal(s)), { description: 'new status' })),
    end_time: opt(int64('end, in ms since the epoch')), run_name: opt(str('new name')),
  }),
  '/runs/delete': Type.Object(RUN_ID),
  '/runs/restore': Type.Object(RUN_ID),
  '/runs/log-metric': Type.Object({ ...RUN_ID, key: str('metric name'), value: double('the value'), timestamp: opt(int64('ms since the epoch (default now)')), step: opt(int64('step (default 0)')) }),
  '/runs/log-parameter': Type.Object({ ...RUN_ID, key: str('param name'), value: opt(str('param value (default "")')) }),
  '/runs/set-tag': Type.Object({ ...RUN_ID, key: str('tag name'), value: opt(str('tag value (default "")')) }),
  '/runs/delete-tag': Type.Object({ ...RUN_ID, key: str('tag name') }),
  '/runs/log-batch': Type.Object({
    ...RUN_ID,
    metrics: opt(Type.Array(Type.Object({ key: Type.String(), value: double('the value'), timestamp: opt(int64('ms since the epoch')), step: opt(int64('step')) }), { description: `at most ${LIMITS.metricsPerBatch} metrics` })),
    params: opt(keyValues(`at most ${LIMITS.paramsPerBatch} params`)),
    tags: opt(keyValues(`at most ${LIMITS.tagsPerBatch} tags`)),
  }),
  '/runs/log-model': Type.Object({ ...RUN_ID, model_json: str("the logged model's MLmodel, as a JSON string") }),
  '/runs/search': searchRuns,
  '/metrics/get-history': Type.Object({ ...RUN_ID, metric_key: str('metric name'), max_results: opt(int64('most points to answer (default: all)')), page_token: opt(str('the next_page_token of the previous page')) }),
  '/metrics/get-history-bulk-interval': Type.Object({
    run_ids: strings('runs (repeat run_ids= for several)'), metric_key: str('metric name'),
    start_step: opt(int64('first step')), end_step: opt(int64('last step')), max_results: opt(int64('most points per run')),
  }),
  '/artifacts/list': Type.Object({ ...RUN_ID, path: opt(str("a directory under the run's artifact root")) }),
};

/** The artifact proxy's listing (GET /api/2.0/mlflow-artifacts/artifacts). */
export const PROXY_LIST_PARAMS = Type.Object({ path: opt(str("what to list: '<experiment_id>/<run_id>/artifacts/<dir>' (default: the root)")) });

/** The registry routes' parameters, by `METHOD path` or path under /api/2.0/mlflow. */
export const REGISTRY_PARAMS: Readonly<Record<string, TObject>> = {
  '/registered-models/create': Type.Object({ ...NAME, description: opt(str('description')), tags: opt(keyValues('model tags')) }),
  '/registered-models/get': Type.Object(NAME),
  '/registered-models/search': Type.Object(PAGE),
  '/registered-models/rename': Type.Object({ ...NAME, new_name: str('its new name') }),
  '/registered-models/update': Type.Object({ ...NAME, description: opt(str('new description')) }),
  '/registered-models/delete': Type.Object(NAME),
  '/registered-models/get-latest-versions': Type.Object({ ...NAME, stages: opt(strings('stages (default: every stage)')) }),
  '/registered-models/set-tag': Type.Object({ ...NAME, key: str('tag name'), value: str('tag value') }),
  '/registered-models/delete-tag': Type.Object({ ...NAME, key: str('tag name') }),
  'POST /registered-models/alias': Type.Object({ ...NAME, alias: str('the alias, e.g. "production"'), version: str('the version it points to, as a string ("3")') }),
  '/registered-models/alias': Type.Object({ ...NAME, alias: str('the alias') }),
  '/model-versions/create': Type.Object({
    ...NAME, source: str('URI of the model files (runs:/..., models:/..., a path)'), run_id: opt(str('the run that made it')),
    description: opt(str('description')), tags: opt(keyValues('version tags')),
  }),
  '/model-versions/get': Type.Object(VERSION),
  '/model-versions/search': Type.Object(PAGE),
  '/model-versions/update': Type.Object({ ...VERSION, description: opt(str('new description')) }),
  '/model-versions/transition-stage': Type.Object({
    ...VERSION, stage: str('None, Staging, Production or Archived'),
    archive_existing_versions: opt(Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false')], { description: "archive the stage's other versions" })),
  }),
  '/model-versions/delete': Type.Object(VERSION),
  '/model-versions/get-download-uri': Type.Object(VERSION),
  '/model-versions/set-tag': Type.Object({ ...VERSION, key: str('tag name'), value: str('tag value') }),
  '/model-versions/delete-tag': Type.Object({ ...VERSION, key: str('tag name') }),
};

/**
 * The route's transform for /docs: its parameters as the query string (GET, as MLflow clients send
 * them) or as the JSON body (any other method), in the document only.
 */
export function documentMlflowParams(method: string, params: TObject | undefined): SwaggerTransform {
  if (!params) return documentRoute;
  const part = method === 'GET' ? 'querystring' : 'body';
  return (args) => documentRoute({ ...args, schema: { ...args.schema, [part]: params } as FastifySchema });
}

/** The parameters of `method path` in `table` (a `METHOD path` entry first). */
export const paramsFor = (table: Readonly<Record<string, TObject>>, method: string, path: string): TObject | undefined => table[`${method} ${path}`] ?? table[path];
