/**
 * The contract between the trainer (training/) and every model family (models/): the trainer
 * picks a kind by name (`--model gbdt` today; `mlp`, `dcn`, `two-tower`, `transformer` later),
 * validates params before any work, fits, predicts and exports ONNX through this one shape.
 */
import type { Table, Task } from '../core/index.js';
import type { ModelSignature } from '../onnx/index.js';

// One signature type for the whole platform: onnx/ defines it, every model kind fills it.
export type { ModelSignature, TensorSpec } from '../onnx/index.js';

export type { Task };

export interface FitInput {
  /** Feature columns only (no target). */
  readonly train: Table;
  readonly trainTarget: Float64Array;
  /** Used for early stopping and per-iteration validation metrics. */
  readonly valid?: { readonly table: Table; readonly target: Float64Array };
  readonly task: Task;
  /** Multiclass only: targets are 0..numClasses-1. */
  readonly numClasses?: number;
}

export interface IterationReport {
  readonly iteration: number;
  readonly totalIterations: number;
  /** e.g. { 'train.logloss': 0.41, 'valid.logloss': 0.45 } */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface FitOptions {
  readonly seed: number;
  /** Called after every iteration (boosting round, epoch). */
  readonly onIteration?: (report: IterationReport) => void;
  /**
   * Checkpointing: `save` is called every `everyIterations` with an opaque state that `resumeFrom`
   * accepts; a resumed fit finishes with the same model an unkilled fit would have made.
   */
  readonly checkpoint?: {
    readonly everyIterations: number;
    save(state: Uint8Array): void | Promise<void>;
    readonly resumeFrom?: Uint8Array;
  };
  readonly signal?: AbortSignal;
}

export interface TrainedModel {
  readonly kind: string;
  readonly task: Task;
  readonly featureNames: readonly string[];
  /** Iterations actually kept (after early stopping). */
  readonly numIterations: number;
  /**
   * Regression: the value. Binary: P(class 1). Multiclass: row-major n × numClasses probabilities.
   */
  predict(table: Table): Float64Array;
  /** An ONNX model taking raw feature columns, with a named signature. */
  toOnnx(): Uint8Array;
  readonly signature: ModelSignature;
  /** Feature importances by name, when the kind has them. */
  featureImportance?(): Readonly<Record<string, { readonly gain: number; readonly split: number }>>;
  /** Bytes that `ModelKind.load` turns back into this model. */
  serialize(): Uint8Array;
}

export interface ParamSpec {
  readonly type: 'int' | 'float' | 'string' | 'bool';
  readonly default: number | string | boolean;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  readonly doc: string;
}

export interface ModelKind<P = Record<string, unknown>> {
  readonly name: string;
  readonly tasks: readonly Task[];
  /** The model takes missing values (NaN) as input; serving then accepts null/NaN for its features. */
  readonly acceptsMissing?: boolean;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /**
   * Validates raw params (strings from `--param k=v`, or typed values) against `params`: an
   * unknown name or a wrong type throws INVALID_ARGUMENT naming the param, before any work.
   */
  parseParams(raw: Readonly<Record<string, unknown>>): P;
  /**
   * What only the data decides (the task a target implies, the feature columns' types) checked
   * against the params, so the trainer refuses a bad combination before a run exists rather than
   * failing inside `fit`. Throws INVALID_ARGUMENT naming the train request's field
   * (`params.objective`, `features.<column>`). `validRows` is the validation split's size (0: `fit`
   * gets no `valid`), for params that need one, such as early stopping.
   */
  checkFit?(params: P, input: { readonly task: Task; readonly train: Table; readonly validRows: number }): void;
  fit(input: FitInput, params: P, options: FitOptions): Promise<TrainedModel>;
  load(bytes: Uint8Array): TrainedModel;
}
