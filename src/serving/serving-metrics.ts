import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Per model version, the metric children bound once so the hot path does no label lookups. */
export interface ModelMetrics {
  readonly requestSeconds: Histogram.Internal<string>;
  readonly queueSeconds: Histogram.Internal<string>;
  readonly batchSize: Histogram.Internal<string>;
  readonly inferences: Counter.Internal;
  readonly executions: Counter.Internal;
  readonly cacheHits: Counter.Internal;
  readonly cacheMisses: Counter.Internal;
  requests(status: number): Counter.Internal;
  errors(code: string): Counter.Internal;
}

/** The inference server's Prometheus metrics, in a registry of its own (not prom-client's global). */
export class ServingMetrics {
  readonly registry = new Registry();
  private readonly requestsTotal: Counter<string>;
  private readonly requestSeconds: Histogram<string>;
  private readonly queueSeconds: Histogram<string>;
  private readonly batchSize: Histogram<string>;
  private readonly inferences: Counter<string>;
  private readonly executions: Counter<string>;
  private readonly cacheHits: Counter<string>;
  private readonly cacheMisses: Counter<string>;
  private readonly errorsTotal: Counter<string>;
  readonly predictionLogDropped: Gauge<string>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const labelNames = ['model', 'version'] as const;
    this.requestsTotal = new Counter({ name: 'keel_serving_requests_total', help: 'Inference requests by status code', labelNames: [...labelNames, 'status'], registers });
    this.requestSeconds = new Histogram({
      name: 'keel_serving_request_duration_seconds', help: 'Inference request latency, from parsed request to response', labelNames, registers,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.queueSeconds = new Histogram({
      name: 'keel_serving_queue_duration_seconds', help: 'Time requests wait in the batcher queue', labelNames, registers,
      buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5],
    });
    this.batchSize = new Histogram({
      name: 'keel_serving_batch_size', help: 'Rows per onnxruntime run', labelNames, registers,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    });
    this.inferences = new Counter({ name: 'keel_serving_inference_count_total', help: 'Rows inferred, a batch of N counting N (Triton inference_count)', labelNames, registers });
    this.executions = new Counter({ name: 'keel_serving_execution_count_total', help: 'onnxruntime runs (Triton execution_count); inference/execution is the batching factor', labelNames, registers });
    this.cacheHits = new Counter({ name: 'keel_serving_cache_hits_total', help: 'Requests answered from the prediction cache', labelNames, registers });
    this.cacheMisses = new Counter({ name: 'keel_serving_cache_misses_total', help: 'Cache lookups that missed', labelNames, registers });
    this.errorsTotal = new Counter({ name: 'keel_serving_errors_total', help: 'Failed inference requests by error code', labelNames: [...labelNames, 'code'], registers });
    this.predictionLogDropped = new Gauge({ name: 'keel_serving_prediction_log_dropped', help: 'Prediction log records dropped because the buffer was full', registers });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'keel_serving_' });
  }

  forModel(model: string, version: string): ModelMetrics {
    const l = { model, version };
    const byStatus = new Map<number, Counter.Internal>();
    const byCode = new Map<string, Counter.Internal>();
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
