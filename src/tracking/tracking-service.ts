import type { Kysely } from 'kysely';
import type { Logger } from '../core/index.js';
import type { ArtifactStore, Database } from '../storage/index.js';
import { Experiments } from './experiments.js';
import { validateKey } from './limits.js';
import { MetricHistory } from './metric-history.js';
import { RunArtifacts } from './run-artifacts.js';
import { RunSearch } from './run-search.js';
import { Runs } from './runs.js';
import type {
  CreateRunInput, Experiment, FileInfo, KeyValue, LogBatchInput, MetricHistoryPage, MetricPointWithRun, Run, RunInfo,
  SearchExperimentsInput, SearchExperimentsResult, SearchRunsInput, SearchRunsResult, UpdateRunInput,
} from './types.js';

export interface TrackingServiceDeps {
  readonly db: Kysely<Database>;
  readonly artifacts: ArtifactStore;
  readonly logger: Logger;
}

/**
 * Experiment tracking with MLflow's semantics, on the metadata DB (SQLite or PostgreSQL) and the
 * artifact store. The MLflow REST routes, Keel's SDK and CLI, the trainer and monitoring all use
 * this one service. A thin facade: each part lives in its own file.
 */
export class TrackingService {
  private readonly experiments: Experiments;
  private readonly runs: Runs;
  private readonly searcher: RunSearch;
  private readonly metrics: MetricHistory;
  private readonly files: RunArtifacts;

  constructor(deps: TrackingServiceDeps) {
    this.experiments = new Experiments(deps.db);
    this.runs = new Runs(deps.db);
    this.searcher = new RunSearch(deps.db, this.runs);
    const ensureRun = (id: string): Promise<RunInfo> => this.runs.info(id);
    const ensureActive = async (id: string): Promise<void> => {
      const info = await this.runs.info(id);
      if (info.lifecycle_stage !== 'active') await this.runs.logBatch(id, {}); // throws MLflow's "must be active" error
    };
    this.metrics = new MetricHistory(deps.db, ensureRun);
    this.files = new RunArtifacts(deps.db, deps.artifacts, ensureActive, ensureRun);
  }

  // Experiments
  createExperiment(name: string, options: { artifactLocation?: string; tags?: readonly KeyValue[] } = {}): Promise<string> {
    return this.experiments.create(name, options);
  }
  getOrCreateExperiment(name: string): Promise<string> {
    return this.experiments.getOrCreate(name);
  }
  getExperiment(id: string): Promise<Experiment> {
    return this.experiments.get(id);
  }
  getExperimentByName(name: string): Promise<Experiment> {
    return this.experiments.getByName(name);
  }
  searchExperiments(input: SearchExperimentsInput = {}): Promise<SearchExperimentsResult> {
    return this.experiments.search(input);
  }
  updateExperiment(id: string, newName: string): Promise<void> {
    return this.experiments.rename(id, newName);
  }
  deleteExperiment(id: string): Promise<void> {
    return this.experiments.setLifecycle(id, 'deleted');
  }
  restoreExperiment(id: string): Promise<void> {
    return this.experiments.setLifecycle(id, 'active');
  }
  setExperimentTag(id: string, key: string, value: string): Promise<void> {
    return this.experiments.setTag(id, key, value);
  }

  // Runs
  createRun(input: CreateRunInput): Promise<Run> {
    return this.runs.create(input);
  }
  getRun(runId: string): Promise<Run> {
    return this.runs.get(runId);
  }
  /** The run's info without its params, tags and metrics. */
  getRunInfo(runId: string): Promise<RunInfo> {
    return this.runs.info(runId);
  }
  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    return this.runs.update(runId, input);
  }
  deleteRun(runId: string): Promise<void> {
    return this.runs.setLifecycle(runId, 'deleted');
  }
  restoreRun(runId: string): Promise<void> {
    return this.runs.setLifecycle(runId, 'active');
  }
  searchRuns(input: SearchRunsInput): Promise<SearchRunsResult> {
    return this.searcher.search(input);
  }

  // Logging
  logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    return this.runs.logBatch(runId, batch);
  }
  logMetric(runId: string, key: string, value: number, options: { timestamp?: number; step?: number } = {}): Promise<void> {
    return this.runs.logBatch(runId, { metrics: [{ key, value, timestamp: options.timestamp ?? Date.now(), step: options.step ?? 0 }] });
  }
  logParam(runId: string, key: string, value: string): Promise<void> {
    return this.runs.logBatch(runId, { params: [{ key, value }] });
  }
  setTag(runId: string, key: string, value: string): Promise<void> {
    return this.runs.logBatch(runId, { tags: [{ key, value }] });
  }
  deleteTag(runId: string, key: string): Promise<void> {
    validateKey('key', key);
    return this.runs.deleteTag(runId, key);
  }
  getMetricHistory(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<MetricHistoryPage> {
    return this.metrics.history(runId, key, options);
  }
  /**
   * The whole history of one metric as the JSON text of MLflow's list of Metric objects
   * (`[{"key": ..., "value": ..., "timestamp": ..., "step": ...}, ...]`), for the HTTP layer to
   * send as it is: a long history never becomes one object per point.
   */
  getMetricHistoryJson(runId: string, key: string): Promise<string> {
    return this.metrics.historyJson(runId, key);
  }
  getMetricHistoryBulkInterval(input: { runIds: readonly string[]; key: string; startStep?: number; endStep?: number; maxResults?: number }): Promise<MetricPointWithRun[]> {
    return this.metrics.bulkInterval(input);
  }

  // Artifacts
  async logArtifact(runId: string, path: string, bytes: Uint8Array): Promise<void> {
    await this.files.log(runId, path, bytes);
  }
  getArtifact(runId: string, path: string): Promise<{ sha256: string; size: number }> {
    return this.files.get(runId, path);
  }
  readArtifact(runId: string, path: string): Promise<Buffer> {
    return this.files.read(runId, path);
  }
  listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    return this.files.list(runId, path);
  }
}

