/**
 * Per-iteration metrics go to tracking in batches: one logBatch per `batchSize` points instead
 * of one call per point. `flush` is awaited before every checkpoint so that what tracking holds
 * is never behind a saved checkpoint.
 */
import type { TrackingPort } from './types.js';

interface Point { key: string; value: number; timestamp: number; step: number }

export class MetricBuffer {
  private points: Point[] = [];
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly tracking: TrackingPort,
    private readonly runId: string,
    private readonly batchSize: number,
    /** Steps at or below this were logged before a resume; the resumed fit repeats them exactly. */
    private readonly skipThroughStep = 0,
  ) {}

  add(step: number, metrics: Readonly<Record<string, number>>): void {
    if (step <= this.skipThroughStep) return;
    const timestamp = Date.now();
    for (const [key, value] of Object.entries(metrics)) this.points.push({ key, value, timestamp, step });
    if (this.points.length >= this.batchSize) this.send();
  }

  /** Sends what is buffered and waits for every send so far; rethrows a failed send. */
  async flush(): Promise<void> {
    this.send();
    await this.pending;
    if (this.failure !== undefined) throw this.failure;
  }

  private send(): void {
    if (this.points.length === 0) return;
    const batch = this.points;
    this.points = [];
    // Sends are chained so tracking sees points in step order.
    this.pending = this.pending.then(() => this.tracking.logBatch(this.runId, { metrics: batch })).catch((e: unknown) => {
      this.failure ??= e;
    });
  }
}
