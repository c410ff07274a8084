import { describe, expect, it } from 'vitest';
import { BufferedPredictionLogger } from './buffered-prediction-logger.js';
import type { LoggedPrediction, PredictionSink } from './prediction-store.js';
import { makePrediction } from './testing.js';

/** A sink that holds every write until released: the database at its slowest. */
class GatedSink implements PredictionSink {
  readonly rows: LoggedPrediction[] = [];
  calls = 0;
  private release!: () => void;
  private gate = new Promise<void>((r) => (this.release = r));
  open(): void {
    this.release();
  }
  async writeBatch(batch: readonly LoggedPrediction[]): Promise<void> {
    this.calls++;
    await this.gate;
    this.rows.push(...batch);
  }
}

describe('BufferedPredictionLogger', () => {
  it('returns from log() while the sink is blocked, loses nothing below the bound, and drains on close', async () => {
    const sink = new GatedSink();
    const logger = new BufferedPredictionLogger({ sink, capacity: 100, batchSize: 10, flushIntervalMs: 5 });
    for (let i = 0; i < 60; i++) logger.log(makePrediction({ requestId: `r${i}` }));
    // Let the timer start a write that cannot finish.
    await new Promise((r) => setTimeout(r, 30));
    expect(sink.calls).toBeGreaterThan(0);
    for (let i = 60; i < 100; i++) logger.log(makePrediction({ requestId: `r${i}` }));
    expect(logger.pending).toBe(100);
    expect(logger.dropped).toBe(0);
    sink.open();
    await logger.close();
    expect(sink.rows.map((r) => r.record.requestId)).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
  });

  it('drops and counts records beyond the capacity', async () => {
    const sink = new GatedSink();
    const logger = new BufferedPredictionLogger({ sink, capacity: 50, batchSize: 20, flushIntervalMs: 5 });
    for (let i = 0; i < 80; i++) logger.log(makePrediction({ requestId: `r${i}` }));
    expect(logger.dropped).toBe(30);
    sink.open();
    await logger.close();
    expect(sink.rows).toHaveLength(50);
    expect(sink.rows[49]!.record.requestId).toBe('r49');
    logger.log(makePrediction({ requestId: 'after-close' }));
    expect(logger.dropped).toBe(31);
  });

  it('keeps records after a failed write and writes them on the next flush', async () => {
    let fail = true;
    const rows: string[] = [];
    const sink: PredictionSink = {
      async writeBatch(batch) {
        if (fail) throw new Error('db down');
        rows.push(...batch.map((b) => b.record.requestId));
      },
    };
    const logger = new BufferedPredictionLogger({ sink, capacity: 10, batchSize: 4, flushIntervalMs: 60_000 });
    for (let i = 0; i < 6; i++) logger.log(makePrediction({ requestId: `r${i}` }));
    await expect(logger.flush()).rejects.toThrow('db down');
    expect(logger.pending).toBe(6);
    fail = false;
    await logger.flush();
    expect(rows).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    await logger.close();
  });

  it('never throws from log(), even with a record that cannot be serialized later', () => {
    const logger = new BufferedPredictionLogger({ sink: { writeBatch: async () => undefined }, capacity: 1 });
    expect(() => logger.log(makePrediction({ requestId: 'a' }))).not.toThrow();
    expect(() => logger.log(makePrediction({ requestId: 'b' }))).not.toThrow();
    expect(logger.dropped).toBe(1);
    return logger.close();
  });
});
