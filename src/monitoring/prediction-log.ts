/**
 * The prediction log's face for serving (a layer above), which writes through it; monitoring/
 * owns the log's store. The record itself is core's (core/contracts/monitoring.ts), as the API
 * answers with it.
 */
import type { PredictionRecord } from '../core/index.js';

export type { PredictionRecord } from '../core/index.js';

/**
 * What serving calls on the request path: `log` never blocks and never throws; when the buffer is
 * full it drops the record and counts it.
 */
export interface PredictionLogger {
  log(record: PredictionRecord): void;
  /** Records dropped because the buffer was full. */
  readonly dropped: number;
  flush(): Promise<void>;
  close(): Promise<void>;
}
