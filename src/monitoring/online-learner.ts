import { EventEmitter } from 'node:events';
import { invalidArgument, silentLogger, type Logger } from '../core/index.js';
import { OnlineLinearModel, type LinearOptimizer, type LinearTask, type ModelSignature } from '../models/index.js';
import { accuracy, logLoss, meanAbsoluteError, rmse, rocAuc } from './performance-metrics.js';
import type { StoredPrediction } from './prediction-store.js';

/** What the learner needs of the registry (RegistryService has it). */
export interface ModelPublisher {
  createModelVersion(input: {
    name: string;
    source: { onnx: Uint8Array };
    signature?: ModelSignature;
    metrics?: Readonly<Record<string, number>>;
    description?: string;
    tags?: Readonly<Record<string, string>>;
  }): Promise<{ readonly name: string; readonly version: number }>;
}

/**
 * What the learner reads of the prediction log (PredictionStore has it; over --server the CLI
 * gives one that pages through the API). Without a limit, every match, by event time.
 */
export interface LabeledPredictionReader {
  query(q: { deployment: string; labeledOnly: true; labelCursor?: { ts: number; requestId: string }; from?: number; to?: number; limit?: number }): Promise<StoredPrediction[]>;
}

export interface OnlineLearnerOptions {
  /** Learn from labeled predictions of this deployment. */
  readonly deployment: string;
  /** Publish versions under this registered model name. */
  readonly modelName: string;
  readonly task: LinearTask;
  /** Numeric input fields of the logged predictions. */
  readonly features: readonly string[];
  readonly optimizer?: LinearOptimizer;
  readonly learningRate?: number;
  readonly l2?: number;
  /** Publish after this many updates ... */
  readonly publishEveryUpdates?: number;
  /** ... or when this much time has passed since the last version (and there was an update). */
  readonly publishEveryMs?: number;
  /** Published metrics are computed on labeled predictions of this last span of event time (default 1 h). */
  readonly evaluationWindowMs?: number;
  /** Continue from a model (e.g. a batch fit); default a fresh one. */
  readonly initial?: OnlineLinearModel;
  /** Only labels that arrived after this time (epoch ms). */
  readonly since?: number;
  /** Tick interval for start() (default 60 s). */
  readonly intervalMs?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
}

export interface PublishedVersion {
  readonly name: string;
  readonly version: number;
  readonly updates: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface LearnerEvents {
  publish: [PublishedVersion];
  error: [Error];
}

const PAGE = 2000;

/**
 * Online learning from feedback: reads labeled predictions in label-arrival order, updates a
 * linear/logistic model one row at a time, and publishes a registry version every N updates or
 * T ms with its metrics on the latest window. The cursor lives in memory: a restarted learner
 * starts again from `since` (or from a model given as `initial`).
 */
export class OnlineLearner extends EventEmitter<LearnerEvents> {
  readonly model: OnlineLinearModel;
  private cursor: { ts: number; requestId: string };
  private sincePublish = 0;
  private lastPublishAt: number;
  private prequential: { y: number[]; p: number[] } = { y: [], p: [] };
  private skipped = 0;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(private readonly predictions: LabeledPredictionReader, private readonly publisher: ModelPublisher, private readonly o: OnlineLearnerOptions) {
    super();
    if (o.publishEveryUpdates === undefined && o.publishEveryMs === undefined) throw invalidArgument('publishEveryUpdates', 'give publishEveryUpdates and/or publishEveryMs');
    if (o.publishEveryUpdates !== undefined && !(Number.isInteger(o.publishEveryUpdates) && o.publishEveryUpdates > 0)) throw invalidArgument('publishEveryUpdates', 'expected a positive integer');
    this.model = o.initial ?? new OnlineLinearModel({ task: o.task, features: o.features, ...(o.optimizer ? { optimizer: o.optimizer } : {}), ...(o.learningRate !== undefined ? { learningRate: o.learningRate } : {}), ...(o.l2 !== undefined ? { l2: o.l2 } : {}) });
    this.now = o.now ?? Date.now;
    this.logger = o.logger ?? silentLogger;
    this.cursor = { ts: o.since ?? -Infinity, requestId: '' };
    this.lastPublishAt = this.now();
  }

  /** Labels skipped because they were not a valid target (binary: 0/1). */
  get skippedLabels(): number {
    return this.skipped;
  }

  /** Learns from every label that arrived since the last step; publishes when due. */
  async step(): Promise<{ updates: number; published?: PublishedVersion }> {
    let updates = 0;
    let published: PublishedVersion | undefined;
    for (;;) {
      const page = await this.predictions.query({ deployment: this.o.deployment, labelCursor: { ts: Number.isFinite(this.cursor.ts) ? this.cursor.ts : -1, requestId: this.cursor.requestId }, labeledOnly: true, limit: PAGE });
      for (const r of page) {
        this.cursor = { ts: r.labeledAt ?? this.cursor.ts, requestId: r.requestId };
        const y = this.target(r.label);
        if (r.error !== undefined || y === undefined) {
          this.skipped++;
          continue;
        }
        const p = this.model.update(r.inputs, y);
        this.prequential.y.push(y);
        this.prequential.p.push(p);
        updates++;
        this.sincePublish++;
        if (this.o.publishEveryUpdates !== undefined && this.sincePublish >= this.o.publishEveryUpdates) published = await this.publish();
      }
      if (page.length < PAGE) break;
    }
    const due = this.o.publishEveryMs !== undefined && this.sincePublish > 0 && this.now() - this.lastPublishAt >= this.o.publishEveryMs;
    if (due) published = await this.publish();
    return published ? { updates, published } : { updates };
  }

  private target(label: unknown): number | undefined {
    const n = typeof label === 'boolean' ? (label ? 1 : 0) : typeof label === 'number' ? label : typeof label === 'string' && label.trim() !== '' ? Number(label) : NaN;
    if (!Number.isFinite(n)) return undefined;
    if (this.o.task === 'binary' && n !== 0 && n !== 1) return undefined;
    return n;
  }

  /** Metrics of the current model on the labeled predictions of the latest window, plus progressive validation since the last version. */
  async evaluate(): Promise<Record<string, number>> {
    const to = this.now();
    const records = (await this.predictions.query({ deployment: this.o.deployment, from: to - (this.o.evaluationWindowMs ?? 3_600_000), to: to + 1, labeledOnly: true }))
      .filter((r: StoredPrediction) => r.error === undefined && this.target(r.label) !== undefined);
    const metrics: Record<string, number> = { updates: this.model.updates, 'window.labeled': records.length };
    const add = (prefix: string, y: number[], p: number[]) => {
      if (y.length === 0) return;
      if (this.o.task === 'regression') {
        metrics[`${prefix}.rmse`] = rmse(y, p);
        metrics[`${prefix}.mae`] = meanAbsoluteError(y, p);
      } else {
        metrics[`${prefix}.accuracy`] = accuracy(y, p.map((v) => (v >= 0.5 ? 1 : 0)));
        metrics[`${prefix}.logloss`] = logLoss(y, p);
        const auc = rocAuc(y, p);
        if (!Number.isNaN(auc)) metrics[`${prefix}.auc`] = auc;
      }
    };
    add('window', records.map((r) => this.target(r.label)!), records.map((r) => this.model.predictRow(r.inputs)));
    add('prequential', this.prequential.y, this.prequential.p);
    return metrics;
  }

  private async publish(): Promise<PublishedVersion> {
    const metrics = await this.evaluate();
    const mv = await this.publisher.createModelVersion({
      name: this.o.modelName,
      source: { onnx: this.model.toOnnx() },
      signature: this.model.signature,
      metrics,
      description: `online ${this.o.task} update from feedback on '${this.o.deployment}': ${this.model.updates} labeled rows in all`,
      tags: { 'keel.model_kind': 'linear', 'keel.online': 'true', 'keel.updates': String(this.model.updates), 'keel.deployment': this.o.deployment, 'keel.allow_missing': 'true' },
    });
    this.sincePublish = 0;
    this.lastPublishAt = this.now();
    this.prequential = { y: [], p: [] };
    const published = { name: mv.name, version: mv.version, updates: this.model.updates, metrics };
    this.logger.info(published, 'online model version published');
    this.emit('publish', published);
    return published;
  }

  start(): this {
    if (this.timer) return this;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 60_000);
    void this.tick();
    return this;
  }

  private tick(): Promise<unknown> {
    this.current ??= this.step()
      .catch((e: unknown) => {
        if (this.listenerCount('error') > 0) this.emit('error', e instanceof Error ? e : new Error(String(e)));
        else this.logger.error({ err: e }, 'online learner step failed');
      })
      .finally(() => (this.current = undefined));
    return this.current;
  }

  async close(options: { force?: boolean } = {}): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!options.force) await this.current;
  }
}
