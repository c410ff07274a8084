import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { lookupFor, type TrainRequestJson } from '../../core/index.js';
import { resumeTraining, train, trainingDeps } from '../../training/index.js';
import { ok } from '../openapi.js';
import type { RoutePluginOptions } from './route-options.js';
import { noBodyAsEmpty, StrictObject } from './strict-object.js';

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
// Field-level checks (known kinds, fractions, params) happen in the trainer so that HTTP, SDK
// and CLI share one set of INVALID_ARGUMENT messages naming the field.
const TrainBody = StrictObject({
  dataset: Type.String({ description: 'NAME@VERSION (or NAME for the latest)' }),
  target: Type.String(),
  model: Type.Optional(Type.String({ description: "model kind, default 'gbdt'" })),
  params: Type.Optional(Type.Record(Type.String(), Scalar)),
  split: Type.Optional(StrictObject({
    kind: Type.Optional(Type.String({ description: 'random | stratified | time' })),
    timeColumn: Type.Optional(Type.String()),
    validFraction: Type.Optional(Type.Number()),
    testFraction: Type.Optional(Type.Number()),
  })),
  task: Type.Optional(Type.String({ description: 'regression | binary | multiclass (default: inferred)' })),
  features: Type.Optional(Type.Array(Type.String())),
  experiment: Type.Optional(Type.String()),
  runName: Type.Optional(Type.String()),
  seed: Type.Optional(Type.Integer()),
  register: Type.Optional(Type.Union([StrictObject({ name: Type.String() }), Type.Literal(false)])),
  description: Type.Optional(Type.String()),
  codeVersion: Type.Optional(Type.String({ description: "the caller's code version (git commit), recorded as the run's mlflow.source.git.commit and in the model's lineage" })),
  checkpointEvery: Type.Optional(Type.Integer({ minimum: 1, description: 'iterations between checkpoints (default 10)' })),
});
const RunParams = Type.Object({ runId: Type.String() });
const ResumeBody = Type.Optional(StrictObject({ checkpointEvery: Type.Optional(Type.Integer({ minimum: 1, description: 'iterations between checkpoints (default 10)' })) }));

/** /api/v1/train: the trainer over HTTP. The call returns when training has finished. */
export const trainingRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  // No code version from the server's own working directory: it is not the caller's code, which
  // sends its own (keel train --server sends the git commit of where it runs).
  const deps = () => ({ ...trainingDeps({ ...platform, logger: platform.logger }, platform.config.home), cwd: null });
  const every = (n: number | undefined) => (n === undefined ? {} : { checkpointEvery: n });

  app.post<{ Body: TrainRequestJson }>(
    '/api/v1/train',
    { config: { permission: 'training:write' }, schema: { tags: ['training'], summary: 'Train a model on a dataset version, track the run and register the model', body: TrainBody, response: ok('the training result: {runId, experimentId, metrics, modelVersion?, ...}') } },
    async (req) => {
      const { checkpointEvery, ...request } = req.body;
      return train({ ...request, model: request.model ?? 'gbdt' }, deps(), every(checkpointEvery));
    },
  );

  app.post<{ Params: { runId: string }; Body: { checkpointEvery?: number } | undefined }>(
    '/api/v1/train/:runId/resume',
    { config: { permission: 'training:write' }, preValidation: noBodyAsEmpty, schema: { tags: ['training'], summary: 'Resume a killed or failed training run from its last checkpoint', params: RunParams, body: ResumeBody, response: ok('the training result, as POST /api/v1/train answers') } },
    async (req) => {
      const d = deps();
      // Tracking names the run `run_id`, as MLflow's routes call it; this route calls it `runId`.
      await lookupFor('runId', () => d.tracking.getRun(req.params.runId), ['run_id']);
      return resumeTraining(req.params.runId, d, every(req.body?.checkpointEvery));
    },
  );
};
