import { DynamicBatcher, type BatchingOptions, type BatchResult } from './batcher.js';
import { cacheKey, decodeTensors, encodeTensors } from './cache/cache-codec.js';
import type { CacheStore } from './cache/cache-store.js';
import { allocate } from './datatypes.js';
import type { ResolvedModel } from './model-source.js';
import type { ModelMetrics, ServingMetrics } from './serving-metrics.js';
import { elementCount, isBatchable, type ModelSignature, type Tensor } from './tensor.js';
import type { InferencePool } from './worker-pool.js';

export interface ModelServingOptions {
  readonly batching: BatchingOptions;
  /** Answer identical inputs from the prediction cache. */
  readonly cache: boolean;
}

/** Called once with the request's result or its error. */
export type InferCallback = (error: unknown, result: InferResult | undefined) => void;

export interface InferResult {
  readonly outputs: readonly Tensor[];
  readonly queueSeconds: number;
  readonly cached: boolean;
}

let loadCounter = 0;

/**
 * One model version loaded in the inference pool: its signature, its batcher, its cache use, and
 * a count of requests in flight so that a swap can drain it before unloading.
 */
export class ServedModel {
  readonly metrics: ModelMetrics;
  readonly batchable: boolean;
  private readonly batcher: DynamicBatcher;
  private active = 0;
  private drainWaiters: (() => void)[] = [];
  ready = false;

  private constructor(
    readonly key: string,
    readonly resolved: ResolvedModel,
    readonly signature: ModelSignature,
    readonly options: ModelServingOptions,
    private readonly pool: InferencePool,
    private readonly cache: CacheStore | undefined,
    metrics: ServingMetrics,
  ) {
    this.metrics = metrics.forModel(resolved.name, resolved.version);
    this.batchable = isBatchable(signature);
    const batching = this.batchable ? options.batching : { ...options.batching, enabled: false };
    this.batcher = new DynamicBatcher((inputs) => pool.run(key, inputs), batching, (rows) => {
      this.metrics.executions.inc();
      this.metrics.batchSize.observe(rows);
    });
  }

  get name(): string {
    return this.resolved.name;
  }

  get version(): string {
    return this.resolved.version;
  }

  get allowNonFinite(): boolean {
    return this.resolved.allowNonFinite === true;
  }

  /** Loads the version into every worker and runs a warm-up inference; `ready` turns true after it. */
  static async load(pool: InferencePool, resolved: ResolvedModel, options: ModelServingOptions, cache: CacheStore | undefined, metrics: ServingMetrics): Promise<ServedModel> {
    const key = `${resolved.name}/${resolved.version}#${++loadCounter}`;
    const signature = await pool.load(key, resolved.onnx);
    const model = new ServedModel(key, resolved, signature, options, pool, cache, metrics);
    try {
      await model.warmUp();
    } catch (e) {
      await pool.unload(key).catch(() => undefined);
      throw e;
    }
    model.ready = true;
    return model;
  }

  /** One run per worker with zero-filled inputs (dynamic dims as 1), so the first request is not slow. */
  private async warmUp(): Promise<void> {
    await Promise.all(Array.from({ length: this.pool.size }, () => {
      const inputs = this.signature.inputs.map((s): Tensor => {
        const shape = s.shape.map((d) => (d === -1 ? 1 : d));
        return { name: s.name, datatype: s.datatype, shape, data: allocate(s.datatype, elementCount(shape)) };
      });
      return this.pool.run(this.key, inputs);
    }));
  }

  /**
   * Runs one request (inputs in signature order) and calls back with its result: no promise or
   * continuation per request on the uncached path. The input arrays are handed to the worker and
   * must not be read afterwards.
   */
  infer(inputs: Tensor[], rows: number, done: InferCallback): void {
    this.active++;
    if (this.cache && this.options.cache) {
      this.inferCached(inputs, rows).then((r) => this.finish(done, undefined, r), (e: unknown) => this.finish(done, e, undefined));
      return;
    }
    this.batcher.enqueue(inputs, rows, (e, r) => (r === undefined ? this.finish(done, e, undefined) : this.finish(done, undefined, this.ran(r, rows))));
  }

  private async inferCached(inputs: Tensor[], rows: number): Promise<InferResult> {
    const key = cacheKey(this.resolved.contentId ?? `${this.name}/${this.version}`, inputs);
    const hit = await this.cache!.get(key);
    if (hit) {
      this.metrics.cacheHits.inc();
      return { outputs: decodeTensors(hit), queueSeconds: 0, cached: true };
    }
    this.metrics.cacheMisses.inc();
    const r = this.ran(await this.batcher.submit(inputs, rows), rows);
    void this.cache!.set(key, encodeTensors(r.outputs));
    return r;
  }

  /** Counts a batcher result and makes it the request's. */
  private ran(r: BatchResult, rows: number): InferResult {
    this.metrics.inferences.inc(rows);
    this.metrics.queueSeconds.observe(r.queueSeconds);
    return { outputs: r.outputs, queueSeconds: r.queueSeconds, cached: false };
  }

  private finish(done: InferCallback, error: unknown, result: InferResult | undefined): void {
    if (--this.active === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
    done(error, result);
  }

  /** Waits for the requests in flight, then unloads the version from the workers. */
  async drainAndUnload(): Promise<void> {
    this.ready = false;
    if (this.active > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    this.batcher.close();
    await this.pool.unload(this.key);
  }
}
