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

/** Called once with the request's result or its error. */
export type BatchCallback = (error: unknown, result: BatchResult | undefined) => void;

interface Item {
  readonly inputs: readonly Tensor[];
  readonly rows: number;
  readonly enqueued: number;
  readonly done: BatchCallback;
}

/**
 * Triton's dynamic batcher for one model version: requests queue up; whenever a run slot is free,
 * the waiting requests (whole requests, never split) are stacked along dimension 0 into one run
 * of at most maxBatchSize rows, and the outputs are sliced back per request.
 */
export class DynamicBatcher {
  // Taken slots are cleared: an item holds its request's callback, and through it the whole
  // request and reply, which must not outlive the request until the next compaction.
  private readonly queue: (Item | undefined)[] = [];
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
    return new Promise((resolve, reject) => this.enqueue(inputs, rows, (e, r) => (e === undefined ? resolve(r!) : reject(e))));
  }

  /**
   * `submit` with a callback: the serving hot path, which saves a promise and its continuation
   * per request. A full queue calls back at once with UNAVAILABLE.
   */
  enqueue(inputs: readonly Tensor[], rows: number, done: BatchCallback): void {
    if (this.waiting >= this.options.maxQueueSize) {
      done(new KeelError('UNAVAILABLE', `the queue is full (${this.options.maxQueueSize} requests); retry later`, { details: { retryAfterSeconds: 1 } }), undefined);
      return;
    }
    this.queue.push({ inputs, rows, enqueued: performance.now(), done });
    this.queuedRows += rows;
    this.schedule();
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
      this.queue[this.head++] = undefined;
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
    let outputs: Tensor[] | undefined;
    let rows = 0;
    try {
      for (let i = 0; i < batch.length; i++) rows += batch[i]!.rows;
      this.onRun?.(rows, batch.length);
      outputs = await this.run(batch.length === 1 ? batch[0]!.inputs : stackInputs(batch));
    } catch (e) {
      for (const it of batch) settle(it, e, undefined);
    }
    this.running--;
    if (outputs) {
      let offset = 0;
      for (let k = 0; k < batch.length; k++) {
        const it = batch[k]!;
        let mine = outputs;
        if (batch.length > 1) {
          mine = new Array<Tensor>(outputs.length);
          for (let j = 0; j < outputs.length; j++) {
            const t = outputs[j]!;
            mine[j] = t.shape[0] === rows ? sliceRows(t, offset, it.rows) : t;
          }
        }
        offset += it.rows;
        settle(it, undefined, { outputs: mine, queueSeconds: (started - it.enqueued) / 1000 });
      }
    }
    if (this.waiting > 0) this.schedule();
    else if (this.running === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/** The batch's inputs stacked along dimension 0, input by input. */
function stackInputs(batch: readonly Item[]): Tensor[] {
  const first = batch[0]!.inputs;
  const out = new Array<Tensor>(first.length);
  const parts = new Array<Tensor>(batch.length);
  for (let i = 0; i < first.length; i++) {
    for (let k = 0; k < batch.length; k++) parts[k] = batch[k]!.inputs[i]!;
    out[i] = concatRows(parts);
  }
  return out;
}

/** One request's callback; a callback that throws must not fail the rest of the batch. */
function settle(it: Item, error: unknown, result: BatchResult | undefined): void {
  try {
    it.done(error, result);
  } catch {
    // The caller's own failure; it has its own error handling.
  }
}
