/** The model card logged with every run (model_card.json): what was trained, on what, and how well. */
import type { TrainedModel } from '../models/index.js';
import type { OnnxSummary } from '../onnx/index.js';
import type { Evaluation } from './metrics/index.js';
import type { TrainingPlan } from './training-plan.js';
import type { TrackingRun } from './types.js';

export interface ModelCardInput {
  readonly plan: TrainingPlan;
  readonly run: TrackingRun;
  readonly model: TrainedModel;
  readonly valid: Evaluation;
  readonly test: Evaluation;
  readonly summary: OnnxSummary;
  readonly modelVersion: { readonly name: string; readonly version: number } | undefined;
  readonly codeVersion: string | undefined;
}

export function buildModelCard(i: ModelCardInput): Record<string, unknown> {
  const { plan, model } = i;
  return {
    format: 'keel-model-card/1',
    runId: i.run.info.run_id,
    experimentId: i.run.info.experiment_id,
    modelVersion: i.modelVersion ?? null,
    model: { kind: plan.req.model, params: plan.req.params, numIterations: model.numIterations },
    task: plan.task,
    dataset: plan.datasetRef,
    target: plan.req.target,
    classes: plan.classes ?? null,
    features: plan.featureNames,
    split: plan.split.summary,
    seed: plan.req.seed,
    codeVersion: i.codeVersion ?? null,
    signature: model.signature,
    onnx: { sizeBytes: i.summary.sizeBytes, nodeCount: i.summary.nodeCount, parameterCount: i.summary.parameterCount, opsets: i.summary.opsets },
    metrics: { valid: i.valid.metrics, test: i.test.metrics },
    confusionMatrix: { valid: i.valid.confusionMatrix ?? null, test: i.test.confusionMatrix ?? null },
    calibration: { valid: i.valid.calibration ?? null, test: i.test.calibration ?? null },
    featureImportance: model.featureImportance?.() ?? null,
  };
}
