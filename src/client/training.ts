import { numbersFromJson } from '../core/index.js';
import type { TrainRequestJson, TrainResultJson } from '../core/index.js';
import { required } from './arguments.js';
import type { HttpTransport } from './http.js';

// The body and answer of POST /api/v1/train are core's (core/contracts/training.ts).
export type { TrainRequestJson, TrainResultJson };

export class TrainingClient {
  constructor(private readonly http: HttpTransport) {}

  /** Trains on the server; resolves when training has finished. */
  async train(request: TrainRequestJson): Promise<TrainResultJson> {
    required('request', request, 'object');
    return withNumberMetrics(await this.http.request('POST', 'api/v1/train', request));
  }

  async resume(runId: string, options: { checkpointEvery?: number } = {}): Promise<TrainResultJson> {
    required('runId', runId, 'name');
    required('options', options, 'object');
    return withNumberMetrics(await this.http.request('POST', `api/v1/train/${encodeURIComponent(runId)}/resume`, options));
  }
}

type MetricsJson = Readonly<Record<string, number | string>>;

/** A metric that has no value (ROC AUC on a split of one class) comes as "NaN": a number again here. */
function withNumberMetrics(result: TrainResultJson): TrainResultJson {
  const metrics = result.metrics as { valid: MetricsJson; test: MetricsJson };
  return { ...result, metrics: { valid: numbersFromJson(metrics.valid), test: numbersFromJson(metrics.test) } };
}
