import { fromJsonNumber, KeelError } from '../core/index.js';
import type { FileInfo as ArtifactFile, KeyValue, MetricPoint, Run, RunInfo } from '../core/index.js';
import { checkOptions, optional, required, type OptionTable } from './arguments.js';
import type { HttpTransport } from './http.js';
import { attachExitHooks } from './exit-hooks.js';
import { mlflowCall } from './mlflow-transport.js';

// MLflow's shapes are core's (core/contracts/tracking.ts), which tracking/ makes; the SDK's names
// for them are aliases (ArtifactFile is FileInfo).
export type { KeyValue, MetricPoint, Run, RunInfo, FileInfo as ArtifactFile } from '../core/index.js';

export interface StartRunOptions {
  /** The experiment by id, or by name (created when missing); the Default experiment "0" otherwise. */
  readonly experimentId?: string;
  readonly experimentName?: string;
  readonly runName?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Makes this a nested run (the `mlflow.parentRunId` tag). */
  readonly parentRunId?: string;
  /** Recorded as `mlflow.source.git.commit`. */
  readonly gitCommit?: string;
}
export interface SearchRunsOptions {
  readonly experimentIds: readonly string[];
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
  readonly runViewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
}
export interface TrackingClientOptions {
  /** How often buffered metric points are sent (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** Send as soon as this many points are buffered (default 1000, MLflow's batch limit). */
  readonly flushSize?: number;
  /** Flush on beforeExit, SIGINT and SIGTERM (default true). */
  readonly flushOnExit?: boolean;
}

const START_RUN_OPTIONS: OptionTable<keyof StartRunOptions> = {
  experimentId: 'name', experimentName: 'name', runName: 'string', tags: 'stringMap', parentRunId: 'string', gitCommit: 'string',
};
const SEARCH_RUNS_OPTIONS: OptionTable<keyof SearchRunsOptions> = {
  experimentIds: 'names', filter: 'string', orderBy: 'strings', maxResults: 'integer', pageToken: 'string', runViewType: { oneOf: ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] },
};
const KEY_VALUE: OptionTable<keyof KeyValue> = { key: 'string', value: 'string' };
const BATCH_OPTIONS: OptionTable<'metrics' | 'params' | 'tags'> = {
  metrics: { items: { key: 'string', value: 'number', timestamp: 'integer', step: 'integer' } satisfies OptionTable<keyof MetricPoint> },
  params: { items: KEY_VALUE },
  tags: { items: KEY_VALUE },
};

const BATCH = 1000;
const TAGS_PER_BATCH = 100;

/** Non-finite doubles as MLflow's JSON writes them. */
const jsonDouble = (v: number): number | string => (Number.isFinite(v) ? v : String(v));

/**
 * Tracking calls over the MLflow-compatible REST API. Metric points are buffered and sent in the
 * background in batches (by size and by interval), so a training loop calling logMetric never
 * waits on the server or the database; endRun, flush and close send what is left, and so do
 * process exit and SIGINT/SIGTERM. A crash loses at most what was logged since the last tick.
 */
export class TrackingClient {
  private buffer: { runId: string; point: MetricPoint }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> = Promise.resolve();
  private lastError: unknown;
  private detach: (() => void) | undefined;
  private readonly flushOnExit: boolean;
  readonly flushIntervalMs: number;
  readonly flushSize: number;

  constructor(private readonly http: HttpTransport, options: TrackingClientOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.flushSize = options.flushSize ?? BATCH;
    this.flushOnExit = options.flushOnExit !== false;
  }

  private call<T>(method: 'GET' | 'POST', path: string, params?: Record<string, unknown>): Promise<T> {
    return mlflowCall<T>(this.http, method, path, params);
  }

  async createExperiment(name: string): Promise<string> {
    required('name', name, 'name');
    return (await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
  }

  async getExperiment(id: string): Promise<{ experiment_id: string; name: string; lifecycle_stage: string }> {
    required('id', id, 'name');
    return (await this.call<{ experiment: { experiment_id: string; name: string; lifecycle_stage: string } }>('GET', 'experiments/get', { experiment_id: id })).experiment;
  }

  async getExperimentByName(name: string): Promise<{ experiment_id: string; name: string; lifecycle_stage: string }> {
    required('name', name, 'name');
    return (await this.call<{ experiment: { experiment_id: string; name: string; lifecycle_stage: string } }>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment;
  }

  async searchExperiments(): Promise<{ experiment_id: string; name: string; lifecycle_stage: string }[]> {
    return (await this.call<{ experiments?: { experiment_id: string; name: string; lifecycle_stage: string }[] }>('POST', 'experiments/search', { max_results: 50000 })).experiments ?? [];
  }

  async getOrCreateExperiment(name: string): Promise<string> {
    required('name', name, 'name');
    try {
      return (await this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment.experiment_id;
    } catch (e) {
      if (!(e instanceof KeelError && e.code === 'NOT_FOUND')) throw e;
      try {
        return await this.createExperiment(name);
      } catch (e2) {
        if (e2 instanceof KeelError && e2.code === 'ALREADY_EXISTS') return this.getOrCreateExperiment(name);
        throw e2;
      }
    }
  }

  async startRun(options: StartRunOptions = {}): Promise<Run> {
    checkOptions('options', options, START_RUN_OPTIONS);
    // Both given, the name was ignored and the run went to the id's experiment unseen.
    if (options.experimentId !== undefined && options.experimentName !== undefined) {
      throw new KeelError('INVALID_ARGUMENT', 'experimentName: give experimentId or experimentName, not both', { field: 'experimentName' });
    }
    const experimentId = options.experimentId ?? (options.experimentName ? await this.getOrCreateExperiment(options.experimentName) : '0');
    const tags: KeyValue[] = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
    if (options.parentRunId) tags.push({ key: 'mlflow.parentRunId', value: options.parentRunId });
    if (options.gitCommit) tags.push({ key: 'mlflow.source.git.commit', value: options.gitCommit });
    const { run } = await this.call<{ run: Run }>('POST', 'runs/create', {
      experiment_id: experimentId, start_time: Date.now(), tags, ...(options.runName ? { run_name: options.runName } : {}),
    });
    return run;
  }

  /** Buffered: returns at once; the point is sent with the next batch. */
  logMetric(runId: string, key: string, value: number, step = 0, timestamp = Date.now()): void {
    // Checked here, not at the flush: a wrong point would fail the batch of every point with it.
    required('runId', runId, 'name');
    required('key', key, 'name');
    required('value', value, 'number');
    required('step', step, 'integer');
    required('timestamp', timestamp, 'integer');
    if (this.lastError !== undefined) this.rethrow();
    // Exit hooks are attached on the first buffered point, so clients that never buffer add none.
    if (this.flushOnExit && this.detach === undefined) this.detach = attachExitHooks(() => this.flush());
    this.buffer.push({ runId, point: { key, value, timestamp, step } });
    if (this.buffer.length >= this.flushSize) void this.flush().catch(() => undefined);
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushIntervalMs).unref();
  }

  logMetrics(runId: string, metrics: Readonly<Record<string, number>>, step = 0): void {
    required('runId', runId, 'name');
    required('metrics', metrics, 'object');
    const now = Date.now();
    // Every value checked before any is buffered: a bad one leaves none of the call's points logged.
    for (const [k, v] of Object.entries(metrics)) required(`metrics.${k}`, v, 'number');
    for (const [k, v] of Object.entries(metrics)) this.logMetric(runId, k, v, step, now);
  }

  /** Params are sent at once (they are immutable, so an error must reach the caller). */
  async logParam(runId: string, key: string, value: string): Promise<void> {
    required('runId', runId, 'name');
    required('key', key, 'name');
    required('value', value, 'string');
    return this.logBatch(runId, { params: [{ key, value }] });
  }

  async logParams(runId: string, params: Readonly<Record<string, string | number | boolean>>): Promise<void> {
    required('runId', runId, 'name');
    required('params', params, 'object');
    return this.logBatch(runId, { params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })) });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    required('runId', runId, 'name');
    required('key', key, 'name');
    required('value', value, 'string');
    return this.logBatch(runId, { tags: [{ key, value }] });
  }

  /** Sends at once, split into requests within MLflow's limits. */
  async logBatch(runId: string, batch: { metrics?: readonly MetricPoint[]; params?: readonly KeyValue[]; tags?: readonly KeyValue[] }): Promise<void> {
    required('runId', runId, 'name');
    checkOptions('batch', batch, BATCH_OPTIONS);
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    for (let i = 0; i < Math.max(params.length, tags.length); i += TAGS_PER_BATCH) {
      await this.call('POST', 'runs/log-batch', { run_id: runId, params: params.slice(i, i + TAGS_PER_BATCH), tags: tags.slice(i, i + TAGS_PER_BATCH) });
    }
    for (let i = 0; i < metrics.length; i += BATCH) {
      const chunk = metrics.slice(i, i + BATCH).map((m) => ({ ...m, value: jsonDouble(m.value) }));
      await this.call('POST', 'runs/log-batch', { run_id: runId, metrics: chunk });
    }
  }

  /** Sends every buffered point; resolves when the server has stored them. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const taken = this.buffer;
    this.buffer = [];
    // Flushes run one after another, so points reach the server in the order they were logged.
    const next = this.inflight.then(() => this.send(taken));
    this.inflight = next.catch(() => undefined);
    return next;
  }

  private async send(items: readonly { runId: string; point: MetricPoint }[]): Promise<void> {
    const byRun = new Map<string, MetricPoint[]>();
    for (const { runId, point } of items) {
      let list = byRun.get(runId);
      if (!list) byRun.set(runId, (list = []));
      list.push(point);
    }
    for (const [runId, points] of byRun) {
      try {
        await this.logBatch(runId, { metrics: points });
      } catch (e) {
        this.lastError = e;
        throw e;
      }
    }
  }

  private rethrow(): never {
    const e = this.lastError;
    this.lastError = undefined;
    throw e instanceof Error ? e : new KeelError('INTERNAL', String(e));
  }

  async endRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED'): Promise<RunInfo> {
    required('runId', runId, 'name');
    await this.flush();
    return (await this.call<{ run_info: RunInfo }>('POST', 'runs/update', { run_id: runId, status, end_time: Date.now() })).run_info;
  }

  async getRun(runId: string): Promise<Run> {
    required('runId', runId, 'name');
    return decodeRun((await this.call<{ run: Run }>('GET', 'runs/get', { run_id: runId })).run);
  }

  async searchRuns(options: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken?: string }> {
    required('options', options, 'object');
    required('experimentIds', options.experimentIds, 'names');
    checkOptions('options', options, SEARCH_RUNS_OPTIONS);
    const out = await this.call<{ runs?: Run[]; next_page_token?: string }>('POST', 'runs/search', {
      experiment_ids: options.experimentIds,
      filter: options.filter,
      order_by: options.orderBy,
      max_results: options.maxResults,
      page_token: options.pageToken,
      run_view_type: options.runViewType,
    });
    return { runs: (out.runs ?? []).map(decodeRun), ...(out.next_page_token ? { nextPageToken: out.next_page_token } : {}) };
  }

  /** The files and directories directly under `path` (the run's root when omitted), as MLflow lists them. */
  async listArtifacts(runId: string, path?: string): Promise<ArtifactFile[]> {
    required('runId', runId, 'name');
    optional('path', path, 'string');
    const out = await this.call<{ files?: (Omit<ArtifactFile, 'file_size'> & { file_size?: number | string })[] }>('GET', 'artifacts/list', { run_id: runId, path });
    // MLflow's servers send int64 as strings; Keel's sends numbers.
    return (out.files ?? []).map((f) => ({ path: f.path, is_dir: f.is_dir, ...(f.file_size === undefined ? {} : { file_size: Number(f.file_size) }) }));
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    required('runId', runId, 'name');
    required('key', key, 'name');
    const out = await this.call<{ metrics?: (Omit<MetricPoint, 'value'> & { value: number | string })[] }>('GET', 'metrics/get-history', { run_id: runId, metric_key: key });
    return (out.metrics ?? []).map((m) => ({ ...m, value: fromJsonNumber(m.value) }));
  }

  /** Flushes and stops the timer and the exit hooks. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.detach?.();
      this.detach = undefined;
    }
  }
}

function decodeRun(run: Run): Run {
  return { ...run, data: { ...run.data, metrics: run.data.metrics.map((m) => ({ ...m, value: fromJsonNumber(m.value as number | string) })) } };
}
