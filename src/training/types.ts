/**
 * What the trainer takes and returns, and the ports it needs from datasets, tracking and the
 * registry. The ports are the few methods training calls; the real services (data/, tracking/,
 * registry/) satisfy them structurally, and tests can pass small fakes.
 */
import type { KeyValue, Logger, LogicalType, ParamValue, SplitKind, SplitSpec, SplitSummary, Table, TrainRequest, TrainResult } from '../core/index.js';
import type { ProgressListener } from '../jobs/index.js';
import type { ModelKind, ModelSignature } from '../models/index.js';

// The request and result shapes are core's (core/contracts/training.ts), shared with client/.
export type { KeyValue, ParamValue, SplitKind, SplitSpec, SplitSummary, TrainRequest, TrainResult };

export const SPLIT_KINDS: readonly SplitKind[] = ['random', 'stratified', 'time'];

export interface DatasetColumnInfo {
  readonly name: string;
  readonly type: LogicalType;
}

export interface DatasetsPort {
  /** Resolves `name`, `name@latest` or `name@version` to one stored version. */
  get(ref: string): Promise<{ readonly name: string; readonly version: string; readonly rows: number; readonly columns: readonly DatasetColumnInfo[] }>;
  /**
   * `columns`: only these (default all). `largeInts: 'nearest'`: an int beyond 2^53 (an ID) loads
   * as the nearest double, as a served request's JSON number is read.
   */
  loadTable(ref: string, options?: { columns?: readonly string[]; largeInts?: 'nearest' }): Promise<Table>;
}

export interface TrackingRun {
  readonly info: { readonly run_id: string; readonly experiment_id: string; readonly run_name: string; readonly status: string };
  readonly data: {
    readonly metrics: readonly { readonly key: string; readonly value: number; readonly step: number }[];
    readonly params: readonly KeyValue[];
    readonly tags: readonly KeyValue[];
  };
}

export interface TrackingPort {
  getOrCreateExperiment(name: string): Promise<string>;
  createRun(input: { experimentId: string; runName?: string; tags?: readonly KeyValue[] }): Promise<TrackingRun>;
  getRun(runId: string): Promise<TrackingRun>;
  logBatch(runId: string, batch: {
    metrics?: readonly { key: string; value: number; timestamp: number; step: number }[];
    params?: readonly KeyValue[];
    tags?: readonly KeyValue[];
  }): Promise<void>;
  logArtifact(runId: string, path: string, bytes: Uint8Array): Promise<void>;
  updateRun(runId: string, input: { status?: 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED'; endTime?: number }): Promise<unknown>;
}

export interface RegistryPort {
  createModelVersion(input: {
    name: string;
    source: { onnx: Uint8Array };
    signature?: ModelSignature;
    metrics?: Readonly<Record<string, number>>;
    lineage?: { runId?: string; datasetVersions?: readonly string[]; codeVersion?: string };
    description?: string;
    tags?: Readonly<Record<string, string>>;
  }): Promise<{ readonly name: string; readonly version: number }>;
}

export interface TrainingDeps {
  readonly datasets: DatasetsPort;
  readonly tracking: TrackingPort;
  /** Without a registry the model is only logged as a run artifact. */
  readonly registry?: RegistryPort;
  /** Model kinds by name (`gbdt`, ...). */
  readonly modelKinds: Readonly<Record<string, ModelKind<unknown>>>;
  /** Checkpoints go to `<checkpointDir>/<runId>/`. */
  readonly checkpointDir: string;
  readonly logger?: Logger;
  /**
   * Where `git rev-parse HEAD` runs to find the code version a request does not give; default
   * process.cwd(); null: nowhere (a server's own checkout is not its caller's code).
   */
  readonly cwd?: string | null;
}

export interface TrainOptions {
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
  /** Save a checkpoint every this many iterations (default 10). */
  readonly checkpointEvery?: number;
  /** Per-iteration metrics are sent to tracking in batches of this many points (default 200). */
  readonly metricBatchSize?: number;
  /** Called once the run exists (before fitting), e.g. so a CLI can say how to resume it. */
  readonly onRunStarted?: (run: { readonly runId: string; readonly experimentId: string }) => void;
}


