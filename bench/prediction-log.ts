/**
 * The prediction log on serving's request path: what `log()` costs the caller, and how many rows a
 * second the background flush writes to SQLite (multi-row inserts), against a naive logger that
 * awaits one INSERT per request (what a request handler pays without the buffer).
 *
 *   npx tsx bench/prediction-log.ts [rows=100000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferedPredictionLogger, PredictionStore, type PredictionRecord } from '../src/monitoring/index.js';
import { openMetadataStore } from '../src/storage/index.js';

const rows = Number(process.argv[2] ?? 100_000);
const record = (i: number): PredictionRecord => ({
  requestId: `req-${i}`, timestamp: 1_700_000_000_000 + i, modelName: 'fraud', modelVersion: 3, deployment: 'fraud-svc', variant: null,
  inputs: { amount: i % 1000, country: i % 2 ? 'FR' : 'DE', age: 30 + (i % 40), merchant: `m${i % 97}` },
  outputs: { label: i % 2, probabilities: [0.3, 0.7] }, latencyMs: 1.5,
});

const store = await openMetadataStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'keel-bench-log-')), 'keel.db')}`);
const logger = new BufferedPredictionLogger({ db: store.db, capacity: rows, batchSize: 400, flushIntervalMs: 50 });
const records = Array.from({ length: rows }, (_, i) => record(i));
const t0 = performance.now();
for (const r of records) logger.log(r);
const tLog = performance.now() - t0;
await logger.close();
const tAll = performance.now() - t0;

// The peer: one awaited INSERT per request, as a handler without a buffer would do.
const naive = new PredictionStore(store.db);
const n = Math.min(rows, 5000);
const t1 = performance.now();
for (let i = 0; i < n; i++) await naive.writeBatch([{ record: record(rows + i), receivedAt: Date.now() }]);
const tNaive = performance.now() - t1;
await store.close();

const perLogUs = (tLog * 1000) / rows;
const bufferedRate = rows / (tAll / 1000);
const naiveRate = n / (tNaive / 1000);
console.log(`rows: ${rows} (dropped ${logger.dropped})`);
console.log(`log() on the request path: ${perLogUs.toFixed(2)} µs/record`);
console.log(`buffered flush to SQLite:   ${bufferedRate.toFixed(0)} rows/s`);
console.log(`awaited INSERT per request: ${naiveRate.toFixed(0)} rows/s (${(1000 / naiveRate).toFixed(3)} ms per request)`);
console.log(`ratio buffered/naive throughput: ${(bufferedRate / naiveRate).toFixed(1)}x`);
