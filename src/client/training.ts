import { fromJsonNumber } from '../core/index.js';
import type { HttpTransport } from './http.js';

/** The JSON of a TrainRequest (src/training/types.ts); kept structural because client/ depends on core only. */
export interface TrainRequestJson {
  readonly dataset: string;
  readonly target: string;
  readonly model?: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  readonly split?: { readonly kind?: string; readonly timeColumn?: string; readonly validFraction?: number; readonly testFraction?: number };
  readonly task?: string;
  readonly features?: readonly string[];
  readonly experiment?: string;
  readonly runName?: string;
  readonly seed?: number;
  readonly register?: { readonly name: string } | false;
  readonly description?: string;
  /** The code version (git commit) to record; the server records none of its own. */
  readonly codeVersion?: string;
  /** Iterations between checkpoints (default 10). */
  readonly checkpointEvery?: number;
}

/** The JSON of a TrainResult, as `keel train --json` prints it. */
export interface TrainResultJson {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly dataset: string;
  readonly target: string;
  readonly task: string;
  readonly model: string;
  readonly classes?: readonly string[];
  readonly features: readonly string[];
  readonly split: Readonly<Record<string, string | number>>;
  readonly numIterations: number;
  readonly metrics: { readonly valid: Readonly<Record<string, number>>; readonly test: Readonly<Record<string, number>> };
  readonly modelVersion?: { readonly name: string; readonly version: number };
  readonly codeVersion?: string;
  readonly onnxSizeBytes: number;
  readonly resumed: boolean;
}

export class TrainingClient {
  constructor(private readonly http: HttpTransport) {}

  /** Trains on the server; resolves when training has finished. */
  async train(request: TrainRequestJson): Promise<TrainResultJson> {
    return withNumberMetrics(await this.http.request('POST', 'api/v1/train', request));
  }

  async resume(runId: string, options: { checkpointEvery?: number } = {}): Promise<TrainResultJson> {
    return withNumberMetrics(await this.http.request('POST', `api/v1/train/${encodeURIComponent(runId)}/resume`, options));
  }
}

type MetricsJson = Readonly<Record<string, number | string>>;

/** A metric that has no value (ROC AUC on a split of one class) comes as "NaN": a number again here. */
function withNumberMetrics(result: TrainResultJson): TrainResultJson {
  const numbers = (m: MetricsJson) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, fromJsonNumber(v)]));
  const metrics = result.metrics as { valid: MetricsJson; test: MetricsJson };
  return { ...result, metrics: { valid: numbers(metrics.valid), test: numbers(metrics.test) } };
}
