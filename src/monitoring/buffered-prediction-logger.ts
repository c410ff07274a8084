import type { Kysely } from 'kysely';
import { KeelError, silentLogger, type Logger } from '../core/index.js';
import type { Database } from '../storage/index.js';
import type { PredictionLogger, PredictionRecord } from './prediction-log.js';
import { PredictionStore, type LoggedPrediction, type PredictionSink } from './prediction-store.js';

export interface BufferedPredictionLoggerOptions {
  /** The metadata database the log is written to (or give `sink`). */
  readonly db?: Kysely<Database>;
  /** Where batches go instead of `db` (tests, other stores). */
  readonly sink?: PredictionSink;
  /** Records held in memory (buffered + being written) before new ones are dropped. Default 10,000. */
  readonly capacity?: number;
  /** How often the background timer flushes. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
  /** Rows per multi-row insert; a full batch also triggers a flush early. Default 500. */
  readonly batchSize?: number;
  readonly logger?: Logger;
  /** Arrival-time clock (tests). */
  readonly now?: () => number;
}

/**
 * The request path's prediction logger: `log` only appends to a bounded in-memory buffer (never
 * awaits the database, never throws); a timer writes batches with multi-row inserts. A full
 * buffer drops the new record and counts it in `dropped`, so a slow database costs records, not
 * request latency.
 */
export class BufferedPredictionLogger implements PredictionLogger {
  private buffer: LoggedPrediction[] = [];
  private inFlight = 0;
  private droppedCount = 0;
  private writtenCount = 0;
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly sink: PredictionSink;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(options: BufferedPredictionLoggerOptions) {
    if (!options.sink && !options.db) throw new KeelError('INVALID_ARGUMENT', 'BufferedPredictionLogger: give db or sink', { field: 'db' });
    this.sink = options.sink ?? new PredictionStore(options.db!);
    this.capacity = positive(options.capacity ?? 10_000, 'capacity');
    this.batchSize = positive(options.batchSize ?? 500, 'batchSize');
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.backgroundFlush(), positive(options.flushIntervalMs ?? 1000, 'flushIntervalMs'));
    // The timer alone must not keep a process alive; close() drains what is left.
    this.timer.unref();
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Records written to the sink so far. */
  get written(): number {
    return this.writtenCount;
  }

  /** Records buffered or being written. */
  get pending(): number {
    return this.buffer.length + this.inFlight;
  }

  log(record: PredictionRecord): void {
    if (this.closed || this.buffer.length + this.inFlight >= this.capacity) {
      this.droppedCount++;
      return;
    }
    this.buffer.push({ record, receivedAt: this.now() });
    if (this.buffer.length >= this.batchSize && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.backgroundFlush();
      });
    }
  }

  /** Writes everything buffered so far; rejects if the sink fails (the records stay buffered). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    while (this.buffer.length > 0) {
      this.flushing = this.writeOnce();
      try {
        await this.flushing;
      } finally {
        this.flushing = undefined;
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closed = true;
    try {
      await this.flush();
    } catch (e) {
      this.droppedCount += this.buffer.length;
      this.logger.error({ err: e, lost: this.buffer.length }, 'prediction log: records lost on close');
      this.buffer = [];
    }
  }

  private backgroundFlush(): void {
    if (this.flushing || this.buffer.length === 0) return;
    this.flush().catch((e: unknown) => this.logger.warn({ err: e, pending: this.buffer.length }, 'prediction log: flush failed, will retry'));
  }

  private async writeOnce(): Promise<void> {
    const batch = this.buffer.length <= this.batchSize ? this.buffer : this.buffer.slice(0, this.batchSize);
    this.buffer = batch === this.buffer ? [] : this.buffer.slice(this.batchSize);
    this.inFlight += batch.length;
    try {
      await this.sink.writeBatch(batch);
      this.writtenCount += batch.length;
    } catch (e) {
      // Put the batch back in front, in order, for the next attempt; memory stays bounded
      // because log() counted these records against the capacity all along.
      this.buffer = batch.concat(this.buffer);
      throw e;
    } finally {
      this.inFlight -= batch.length;
    }
  }
}

function positive(v: number, field: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new KeelError('INVALID_ARGUMENT', `${field}: expected a positive number, got ${v}`, { field });
  return v;
}
