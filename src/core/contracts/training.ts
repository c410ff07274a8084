/**
 * The JSON shapes of training (POST /api/v1/train and its resume), shared by training/, which
 * makes them, models/ (Task), and client/ (client/ depends on core alone).
 */

/** What a model predicts: a number, one of two classes, or one of several. */
export type Task = 'regression' | 'binary' | 'multiclass';

export type SplitKind = 'random' | 'stratified' | 'time';

export interface SplitSpec {
  readonly kind: SplitKind;
  /** Required for kind 'time': rows are ordered by it and the earliest train. */
  readonly timeColumn?: string;
  /** Default 0.2. */
  readonly validFraction?: number;
  /** Default 0.1. */
  readonly testFraction?: number;
}

export type ParamValue = string | number | boolean;

export interface TrainRequest {
  /** `name@version` (or `name` for the latest; the run records the exact version). */
  readonly dataset: string;
  readonly target: string;
  readonly model: string;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly split?: SplitSpec;
  /** Default: inferred from the target column. */
  readonly task?: Task;
  /** Default: every column but the target and the time column. */
  readonly features?: readonly string[];
  /** Default 'Default'. */
  readonly experiment?: string;
  readonly runName?: string;
  /** Default 42. */
  readonly seed?: number;
  /** Register the model under this name (default: the dataset's name); false skips registration. */
  readonly register?: { readonly name: string } | false;
  readonly description?: string;
  /** The code version (git commit) of the caller's code; default the git commit of `deps.cwd`. */
  readonly codeVersion?: string;
}

export interface SplitSummary {
  readonly kind: SplitKind;
  readonly seed: number;
  readonly validFraction: number;
  readonly testFraction: number;
  readonly trainRows: number;
  readonly validRows: number;
  readonly testRows: number;
  readonly timeColumn?: string;
  /** Time split: the last time value in train and in valid (epoch ms or the column's numbers). */
  readonly trainEnd?: number;
  readonly validEnd?: number;
}

export interface TrainResult {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly dataset: string;
  readonly target: string;
  readonly task: Task;
  readonly model: string;
  /** Class labels by index (classification), as strings. */
  readonly classes?: readonly string[];
  readonly features: readonly string[];
  readonly split: SplitSummary;
  readonly numIterations: number;
  readonly metrics: { readonly valid: Readonly<Record<string, number>>; readonly test: Readonly<Record<string, number>> };
  readonly modelVersion?: { readonly name: string; readonly version: number };
  readonly codeVersion?: string;
  readonly onnxSizeBytes: number;
  readonly resumed: boolean;
}

/** The body of POST /api/v1/train: a TrainRequest whose model defaults to gbdt. */
export type TrainRequestJson = Omit<TrainRequest, 'model'> & {
  readonly model?: string;
  /** Iterations between checkpoints (default 10). */
  readonly checkpointEvery?: number;
};

/** The JSON of a TrainResult, as `keel train --json` prints it (a metric with no value as "NaN"). */
export type TrainResultJson = TrainResult;
