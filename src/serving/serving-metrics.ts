import type * as PromClient from 'prom-client';
import type { Counter, Gauge, Registry } from 'prom-client';
import { requireLazily } from '../core/index.js';

/** A counter cell: the hot path adds to a number; the registry reads it at scrape time. */
export interface CounterCell {
  inc(n?: number): void;
}

/** A histogram cell: one bucket search and three additions per observation. */
export interface HistogramCell {
  observe(value: number): void;
}

/** Per model version, the metric cells bound once so the hot path does no label lookups. */
export interface ModelMetrics {
  readonly requestSeconds: HistogramCell;
  readonly queueSeconds: HistogramCell;
  readonly batchSize: HistogramCell;
  readonly inferences: CounterCell;
  readonly executions: CounterCell;
  readonly cacheHits: CounterCell;
  readonly cacheMisses: CounterCell;
  requests(status: number): CounterCell;
  errors(code: string): CounterCell;
}

type Labels = Readonly<Record<string, string>>;

class LocalCounterCell implements CounterCell {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(n = 1): void {
    this.value += n;
  }
}

class LocalHistogramCell implements HistogramCell {
  /** Per bucket (the last one is +Inf), not cumulative. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly labels: Labels, private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    // Prometheus buckets are upper-inclusive (le).
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * Counters and histograms that prom-client's Registry scrapes like its own, but that cost a few
 * additions per update: prom-client's labelled children hash their label set on every inc() and
 * observe(), which was a measurable share of a served request.
 */
abstract class LocalMetric<C extends { labels: Labels }> {
  readonly aggregator = 'sum';
  protected readonly cells = new Map<string, C>();
  constructor(readonly name: string, readonly help: string, registry: Registry) {
    registry.registerMetric(this as unknown as Counter<string>);
  }

  protected cell(labels: Labels, make: () => C): C {
    const key = JSON.stringify(labels);
    let c = this.cells.get(key);
    if (!c) this.cells.set(key, (c = make()));
    return c;
  }

  abstract get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }>;
  abstract reset(): void;
}

class LocalCounter extends LocalMetric<LocalCounterCell> {
  readonly type = 'counter';
  labels(labels: Labels): LocalCounterCell {
    return this.cell(labels, () => new LocalCounterCell(labels));
  }

  async get() {
    const values = [...this.cells.values()].map((c) => ({ labels: { ...c.labels }, value: c.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const c of this.cells.values()) c.value = 0;
  }
}

class LocalHistogram extends LocalMetric<LocalHistogramCell> {
  readonly type = 'histogram';
  constructor(name: string, help: string, registry: Registry, private readonly buckets: readonly number[]) {
    super(name, help, registry);
  }

  labels(labels: Labels): LocalHistogramCell {
    return this.cell(labels, () => new LocalHistogramCell(labels, this.buckets));
  }

  async get() {
    const values: MetricValue[] = [];
    for (const c of this.cells.values()) {
      let acc = 0;
      this.buckets.forEach((le, i) => {
        acc += c.counts[i]!;
        values.push({ labels: { le, ...c.labels }, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...c.labels }, value: c.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...c.labels }, value: c.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...c.labels }, value: c.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const c of this.cells.values()) {
      c.counts.fill(0);
      c.sum = 0;
      c.count = 0;
    }
  }
}

/** The inference server's Prometheus metrics, in a registry of its own (not prom-client's global). */
export class ServingMetrics {
  readonly registry: Registry;
  private readonly requestsTotal: LocalCounter;
  private readonly requestSeconds: LocalHistogram;
  private readonly queueSeconds: LocalHistogram;
  private readonly batchSize: LocalHistogram;
  private readonly inferences: LocalCounter;
  private readonly executions: LocalCounter;
  private readonly cacheHits: LocalCounter;
  private readonly cacheMisses: LocalCounter;
  private readonly errorsTotal: LocalCounter;
  readonly predictionLogDropped: Gauge<string>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const { Gauge, Registry, collectDefaultMetrics } = requireLazily<typeof PromClient>('prom-client');
    const r = (this.registry = new Registry());
    this.requestsTotal = new LocalCounter('keel_serving_requests_total', 'Inference requests by status code', r);
    this.requestSeconds = new LocalHistogram('keel_serving_request_duration_seconds', 'Inference request latency, from parsed request to response', r,
      [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
    this.queueSeconds = new LocalHistogram('keel_serving_queue_duration_seconds', 'Time requests wait in the batcher queue', r,
      [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5]);
    this.batchSize = new LocalHistogram('keel_serving_batch_size', 'Rows per onnxruntime run', r, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
    this.inferences = new LocalCounter('keel_serving_inference_count_total', 'Rows inferred, a batch of N counting N (Triton inference_count)', r);
    this.executions = new LocalCounter('keel_serving_execution_count_total', 'onnxruntime runs (Triton execution_count); inference/execution is the batching factor', r);
    this.cacheHits = new LocalCounter('keel_serving_cache_hits_total', 'Requests answered from the prediction cache', r);
    this.cacheMisses = new LocalCounter('keel_serving_cache_misses_total', 'Cache lookups that missed', r);
    this.errorsTotal = new LocalCounter('keel_serving_errors_total', 'Failed inference requests by error code', r);
    this.predictionLogDropped = new Gauge({ name: 'keel_serving_prediction_log_dropped', help: 'Prediction log records dropped because the buffer was full', registers: [r] });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'keel_serving_' });
  }

  forModel(model: string, version: string): ModelMetrics {
    const l = { model, version };
    const byStatus = new Map<number, CounterCell>();
    const byCode = new Map<string, CounterCell>();
    return {
      requestSeconds: this.requestSeconds.labels(l),
      queueSeconds: this.queueSeconds.labels(l),
      batchSize: this.batchSize.labels(l),
      inferences: this.inferences.labels(l),
      executions: this.executions.labels(l),
      cacheHits: this.cacheHits.labels(l),
      cacheMisses: this.cacheMisses.labels(l),
      requests: (status) => {
        let c = byStatus.get(status);
        if (!c) byStatus.set(status, (c = this.requestsTotal.labels({ ...l, status: String(status) })));
        return c;
      },
      errors: (code) => {
        let c = byCode.get(code);
        if (!c) byCode.set(code, (c = this.errorsTotal.labels({ ...l, code })));
        return c;
      },
    };
  }
}
