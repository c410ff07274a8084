import { performance } from 'node:perf_hooks';
import { KeelError } from '../core/index.js';
import { concatRows, sliceRows, type Tensor } from './tensor.js';

export interface BatchingOptions {
  /** Merge concurrent requests into one run (only for models whose inputs all have a dynamic dim 0). */
  readonly enabled: boolean;
  /** Rows per run at most; a single request with more rows runs alone. */
  readonly maxBatchSize: number;
  /** How long the oldest request may wait for more to join; 0 batches only what is already waiting. */
  readonly maxQueueDelayMicros: number;
  /** Batch sizes to form when possible (the largest one that the waiting rows can fill). */
  readonly preferredBatchSizes: readonly number[];
  /** Requests waiting at most; one more is refused with UNAVAILABLE (503 + Retry-After). */
  readonly maxQueueSize: number;
  /** Runs in flight at once for this model version (one per inference worker is a good choice). */
  readonly maxConcurrentRuns: number;
}

export const DEFAULT_BATCHING: BatchingOptions = {
  enabled: true,
  maxBatchSize: 64,
  maxQueueDelayMicros: 0,
  preferredBatchSizes: [],
  maxQueueSize: 4096,
  maxConcurrentRuns: 1,
};

export interface BatchResult {
  readonly outputs: Tensor[];
  /** Time the request waited in the queue, in seconds. */
  readonly queueSeconds: number;
}

interface Item {
  readonly inputs: readonly Tensor[];
  readonly rows: number;
  readonly enqueued: number;
  resolve(r: BatchResult): void;
  reject(e: unknown): void;
}

/**
 * Triton's dynamic batcher for one model version: requests queue up; whenever a run slot is free,
 * the waiting requests (whole requests, never split) are stacked along dimension 0 into one run
 * of at most maxBatchSize rows, and the outputs are sliced back per request.
 */
export class DynamicBatcher {
  private readonly queue: Item[] = [];
  private head = 0;
  private queuedRows = 0;
  private running = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: (inputs: readonly Tensor[]) => Promise<Tensor[]>,
    readonly options: BatchingOptions,
    private readonly onRun?: (rows: number, requests: number) => void,
  ) {}

  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Requests queued or running. */
  get pending(): number {
    return this.waiting + this.running;
  }

  submit(inputs: readonly Tensor[], rows: number): Promise<BatchResult> {
    if (this.waiting >= this.options.maxQueueSize) {
      return Promise.reject(new KeelError('UNAVAILABLE', `the queue is full (${this.options.maxQueueSize} requests); retry later`, { details: { retryAfterSeconds: 1 } }));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ inputs, rows, enqueued: performance.now(), resolve, reject });
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running (for draining a version before unloading it). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the poll phase, so every request read in this turn can join.
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const o = this.options;
    while (this.waiting > 0 && this.running < o.maxConcurrentRuns) {
      if (o.enabled && o.maxQueueDelayMicros > 0 && this.queuedRows < o.maxBatchSize) {
        const waitedMicros = (performance.now() - this.queue[this.head]!.enqueued) * 1000;
        const preferredReady = o.preferredBatchSizes.includes(this.queuedRows);
        if (waitedMicros < o.maxQueueDelayMicros && !preferredReady) {
          this.timer ??= setTimeout(() => {
            this.timer = undefined;
            this.dispatch();
          }, Math.max(0, (o.maxQueueDelayMicros - waitedMicros) / 1000));
          return;
        }
      }
      const batch = this.take(o.enabled ? this.targetRows() : 1);
      this.running++;
      void this.execute(batch);
    }
  }

  private targetRows(): number {
    const cap = Math.min(this.queuedRows, this.options.maxBatchSize);
    let best = 0;
    for (const p of this.options.preferredBatchSizes) if (p <= cap && p > best) best = p;
    return best > 0 ? best : cap;
  }

  private take(target: number): Item[] {
    const batch: Item[] = [];
    let rows = 0;
    while (this.waiting > 0) {
      const item = this.queue[this.head]!;
      if (batch.length > 0 && (rows + item.rows > target || !this.options.enabled)) break;
      batch.push(item);
      rows += item.rows;
      this.head++;
      this.queuedRows -= item.rows;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return batch;
  }

  private async execute(batch: Item[]): Promise<void> {
    const started = performance.now();
    try {
      let rows = 0;
      for (const it of batch) rows += it.rows;
      const inputs = batch.length === 1 ? batch[0]!.inputs : batch[0]!.inputs.map((_, i) => concatRows(batch.map((it) => it.inputs[i]!)));
      this.onRun?.(rows, batch.length);
      const outputs = await this.run(inputs);
      let offset = 0;
      for (const it of batch) {
        const mine = batch.length === 1 ? outputs : outputs.map((t) => (t.shape[0] === rows ? sliceRows(t, offset, it.rows) : t));
        offset += it.rows;
        it.resolve({ outputs: mine, queueSeconds: (started - it.enqueued) / 1000 });
      }
    } catch (e) {
      for (const it of batch) it.reject(e);
    } finally {
      this.running--;
      if (this.waiting > 0) this.schedule();
      else if (this.running === 0 && this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
