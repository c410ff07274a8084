import { numbersFromJson } from '../core/index.js';
import type { TrainRequestJson, TrainResultJson } from '../core/index.js';
import { checkOptions, required, type OptionTable } from './arguments.js';
import type { HttpTransport } from './http.js';

// The body and answer of POST /api/v1/train are core's (core/contracts/training.ts).
export type { TrainRequestJson, TrainResultJson };

// The body of POST /api/v1/train and of a resume, under the server's names; a model's params are its own (any names).
const TRAIN_REQUEST: OptionTable<keyof TrainRequestJson> = {
  dataset: 'string', target: 'string', model: 'string', params: 'object',
  // A split's kind and the task are strings here: the server names the ones it knows, as keel train does locally.
  split: { fields: { kind: 'string', timeColumn: 'string', validFraction: 'number', testFraction: 'number' } },
  task: 'string', features: 'strings', experiment: 'string', runName: 'string', seed: 'integer',
  register: ['object', 'boolean'], description: 'string', codeVersion: 'string', checkpointEvery: 'integer',
};
const RESUME_OPTIONS: OptionTable<'checkpointEvery'> = { checkpointEvery: 'integer' };

export class TrainingClient {
  constructor(private readonly http: HttpTransport) {}

  /** Trains on the server; resolves when training has finished. */
  async train(request: TrainRequestJson): Promise<TrainResultJson> {
    checkOptions('request', request, TRAIN_REQUEST);
    return withNumberMetrics(await this.http.request('POST', 'api/v1/train', request));
  }

  async resume(runId: string, options: { checkpointEvery?: number } = {}): Promise<TrainResultJson> {
    required('runId', runId, 'name');
    checkOptions('options', options, RESUME_OPTIONS);
    return withNumberMetrics(await this.http.request('POST', `api/v1/train/${encodeURIComponent(runId)}/resume`, options));
  }
}

type MetricsJson = Readonly<Record<string, number | string>>;

/** A metric that has no value (ROC AUC on a split of one class) comes as "NaN": a number again here. */
function withNumberMetrics(result: TrainResultJson): TrainResultJson {
  const metrics = result.metrics as { valid: MetricsJson; test: MetricsJson };
  return { ...result, metrics: { valid: numbersFromJson(metrics.valid), test: numbersFromJson(metrics.test) } };
}
