/**
 * The prediction log's record and the sink serving writes through. monitoring/ owns the log's
 * store; serving (a layer above) writes through this face. Deployments, A/B tests and shadow
 * traffic will fill `deployment` and `variant`; late labels join by `requestId`.
 */
export interface PredictionRecord {
  readonly requestId: string;
  /** Event time, epoch ms. */
  readonly timestamp: number;
  readonly modelName: string;
  readonly modelVersion: number;
  readonly deployment: string | null;
  readonly variant: string | null;
  /** Named raw inputs of one row, e.g. { amount: 12.5, country: 'FR' }. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Named outputs of that row, e.g. { probability: 0.91, label: 1 }. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly latencyMs: number;
  /** Set when the request failed. */
  readonly error?: string;
}

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
