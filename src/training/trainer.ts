/**
 * `train()` — the SDK call behind `keel train`: plan (all checks), open a tracking run, fit with
 * per-iteration metrics and checkpoints, evaluate on the valid and test sets, log the ONNX model
 * and a model card, and register a model version with lineage. `resumeTraining()` picks a killed
 * run up from its last checkpoint and finishes with the model the unkilled run would have made.
 */
import { KeelError, type Logger } from '../core/index.js';
import type { TrainedModel } from '../models/index.js';
import { inspectOnnx } from '../onnx/index.js';
import { ALLOW_MISSING_TAG } from '../registry/index.js';
import { CheckpointStore } from './checkpoint-store.js';
import { gitCommit } from './code-version.js';
import { MetricBuffer } from './metric-buffer.js';
import { evaluatePredictions, type Evaluation } from './metrics/index.js';
import { buildModelCard } from './model-card.js';
import { runParams } from './run-params.js';
import { planTraining, type TrainingPlan } from './training-plan.js';
import type { KeyValue, TrackingRun, TrainingDeps, TrainOptions, TrainRequest, TrainResult } from './types.js';

/** The tag holding the request (dataset version pinned) that `--resume` reads back. */
export const TRAIN_REQUEST_TAG = 'keel.train.request';
export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';
export const MODEL_ARTIFACT = 'model/model.onnx';
export const SERIALIZED_ARTIFACT = 'model/model.keel';
export const MODEL_CARD_ARTIFACT = 'model_card.json';

export async function train(request: TrainRequest, deps: TrainingDeps, options: TrainOptions = {}): Promise<TrainResult> {
  const plan = await planTraining(request, deps);
  const codeVersion = request.codeVersion ?? (deps.cwd === null ? undefined : await gitCommit(deps.cwd ?? process.cwd()));
  const experimentId = await deps.tracking.getOrCreateExperiment(plan.req.experiment);
  const tags: KeyValue[] = [
    { key: TRAIN_REQUEST_TAG, value: JSON.stringify(plan.storedRequest) },
    { key: 'keel.task', value: plan.task },
    { key: 'keel.model_kind', value: plan.req.model },
    { key: 'keel.dataset', value: plan.datasetRef },
    ...(codeVersion ? [{ key: GIT_COMMIT_TAG, value: codeVersion }] : []),
  ];
  const run = await deps.tracking.createRun({ experimentId, ...(plan.req.runName ? { runName: plan.req.runName } : {}), tags });
  const runId = run.info.run_id;
  try {
    await deps.tracking.logBatch(runId, { params: runParams(plan) });
  } catch (e) {
    await deps.tracking.updateRun(runId, { status: 'FAILED', endTime: Date.now() }).catch(() => undefined);
    throw e;
  }
  return runTraining(plan, run, deps, options, { resumed: false, skipThroughStep: 0, codeVersion });
}

export async function resumeTraining(runId: string, deps: TrainingDeps, options: TrainOptions = {}): Promise<TrainResult> {
  const run = await deps.tracking.getRun(runId);
  if (run.info.status === 'FINISHED') {
    throw new KeelError('FAILED_PRECONDITION', `runId: run '${runId}' has already finished; there is nothing to resume`, { field: 'runId' });
  }
  const tag = run.data.tags.find((t) => t.key === TRAIN_REQUEST_TAG);
  if (!tag) throw new KeelError('FAILED_PRECONDITION', `runId: run '${runId}' was not started by keel train (no ${TRAIN_REQUEST_TAG} tag)`, { field: 'runId' });
  const request = JSON.parse(tag.value) as TrainRequest;
  const plan = await planTraining(request, deps);
  const codeVersion = run.data.tags.find((t) => t.key === GIT_COMMIT_TAG)?.value;
  // The resumed fit replays the iterations after its checkpoint exactly; those already in
  // tracking are not logged twice.
  const skipThroughStep = run.data.metrics.reduce((m, p) => Math.max(m, p.step), 0);
  const owner = await new CheckpointStore(deps.checkpointDir, runId).liveOwner();
  if (owner) {
    throw new KeelError('FAILED_PRECONDITION', `runId: run '${runId}' is still being trained by process ${owner.pid}; stop it before resuming`, { field: 'runId' });
  }
  await deps.tracking.updateRun(runId, { status: 'RUNNING' });
  return runTraining(plan, run, deps, options, { resumed: true, skipThroughStep, codeVersion });
}

interface RunState {
  readonly resumed: boolean;
  readonly skipThroughStep: number;
  readonly codeVersion: string | undefined;
}

async function runTraining(plan: TrainingPlan, run: TrackingRun, deps: TrainingDeps, options: TrainOptions, state: RunState): Promise<TrainResult> {
  const { req } = plan;
  const runId = run.info.run_id;
  const log: Logger | undefined = deps.logger?.child({ runId });
  options.onRunStarted?.({ runId, experimentId: run.info.experiment_id });
  const checkpoints = new CheckpointStore(deps.checkpointDir, runId);
  const resumeFrom = state.resumed ? await checkpoints.load() : undefined;
  await checkpoints.claim();
  const metrics = new MetricBuffer(deps.tracking, runId, options.metricBatchSize ?? 200, state.skipThroughStep);
  log?.info({ dataset: plan.datasetRef, task: plan.task, resumed: state.resumed, fromCheckpoint: resumeFrom !== undefined }, 'training started');
  try {
    const model = await req.kind.fit(
      {
        train: plan.train.table,
        trainTarget: plan.train.target,
        ...(plan.valid.target.length > 0 ? { valid: { table: plan.valid.table, target: plan.valid.target } } : {}),
        task: plan.task,
        ...(plan.task === 'multiclass' ? { numClasses: plan.classes!.length } : {}),
      },
      req.params,
      {
        seed: req.seed,
        ...(options.signal ? { signal: options.signal } : {}),
        onIteration: (r) => {
          metrics.add(r.iteration, r.metrics);
          options.onProgress?.({ task: 'train', done: r.iteration, total: r.totalIterations, metrics: r.metrics });
        },
        checkpoint: {
          everyIterations: options.checkpointEvery ?? 10,
          save: async (bytes) => {
            await metrics.flush();
            await checkpoints.save(bytes);
          },
          ...(resumeFrom ? { resumeFrom } : {}),
        },
      },
    );
    await metrics.flush();
    return await finish(plan, run, deps, model, state);
  } catch (e) {
    await metrics.flush().catch(() => undefined);
    const status = options.signal?.aborted ? 'KILLED' : 'FAILED';
    await deps.tracking.updateRun(runId, { status, endTime: Date.now() }).catch(() => undefined);
    // The caller reports the error itself (CLI message, HTTP error handler): log it once, quietly.
    log?.info({ err: e, status }, 'training stopped');
    throw e;
  }
}

async function finish(plan: TrainingPlan, run: TrackingRun, deps: TrainingDeps, model: TrainedModel, state: RunState): Promise<TrainResult> {
  const runId = run.info.run_id;
  const numClasses = plan.classes?.length ?? 2;
  const evaluate = (part: TrainingPlan['valid']): Evaluation =>
    part.target.length === 0 ? { metrics: {} } : evaluatePredictions(plan.task, part.target, model.predict(part.table), numClasses);
  const valid = evaluate(plan.valid);
  const test = evaluate(plan.test);
  const now = Date.now();
  const finalMetrics = [
    ...Object.entries(valid.metrics).map(([k, value]) => ({ key: `valid.${k}`, value, timestamp: now, step: 0 })),
    ...Object.entries(test.metrics).map(([k, value]) => ({ key: `test.${k}`, value, timestamp: now, step: 0 })),
    { key: 'num_iterations', value: model.numIterations, timestamp: now, step: 0 },
  ];
  await deps.tracking.logBatch(runId, { metrics: finalMetrics });

  const onnx = model.toOnnx();
  const summary = inspectOnnx(onnx);
  const registryMetrics = Object.fromEntries(finalMetrics.filter((m) => Number.isFinite(m.value)).map((m) => [m.key, m.value]));
  let modelVersion: { name: string; version: number } | undefined;
  const registerName = plan.req.register === undefined ? plan.datasetRef.split('@')[0]! : plan.req.register === false ? undefined : plan.req.register.name;
  if (registerName !== undefined && deps.registry) {
    const mv = await deps.registry.createModelVersion({
      name: registerName,
      source: { onnx },
      signature: model.signature,
      metrics: registryMetrics,
      lineage: { runId, datasetVersions: [plan.datasetRef], ...(state.codeVersion ? { codeVersion: state.codeVersion } : {}) },
      description: plan.req.description ?? `${plan.req.model} ${plan.task} on ${plan.datasetRef}, target '${plan.req.target}'`,
      tags: {
        task: plan.task, model_kind: plan.req.model, dataset: plan.datasetRef, target: plan.req.target,
        ...(plan.req.kind.acceptsMissing ? { [ALLOW_MISSING_TAG]: 'true' } : {}),
      },
    });
    modelVersion = { name: mv.name, version: mv.version };
  }
  const card = buildModelCard({ plan, run, model, valid, test, summary, modelVersion, codeVersion: state.codeVersion });
  await deps.tracking.logArtifact(runId, MODEL_ARTIFACT, onnx);
  await deps.tracking.logArtifact(runId, SERIALIZED_ARTIFACT, model.serialize());
  await deps.tracking.logArtifact(runId, MODEL_CARD_ARTIFACT, new TextEncoder().encode(JSON.stringify(card, null, 2)));
  if (modelVersion) {
    await deps.tracking.logBatch(runId, { tags: [{ key: 'keel.model_version', value: `${modelVersion.name}/${modelVersion.version}` }] });
  }
  await deps.tracking.updateRun(runId, { status: 'FINISHED', endTime: Date.now() });
  await new CheckpointStore(deps.checkpointDir, runId).remove();
  return {
    runId,
    experimentId: run.info.experiment_id,
    runName: run.info.run_name,
    dataset: plan.datasetRef,
    target: plan.req.target,
    task: plan.task,
    model: plan.req.model,
    ...(plan.classes ? { classes: plan.classes } : {}),
    features: plan.featureNames,
    split: plan.split.summary,
    numIterations: model.numIterations,
    metrics: { valid: valid.metrics, test: test.metrics },
    ...(modelVersion ? { modelVersion } : {}),
    ...(state.codeVersion ? { codeVersion: state.codeVersion } : {}),
    onnxSizeBytes: onnx.length,
    resumed: state.resumed,
  };
}
