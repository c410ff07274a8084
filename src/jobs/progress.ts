/**
 * Long work (training, ingest, batch prediction) reports progress through this one shape, so the
 * CLI can draw a bar, the API can stream events, and `jobs/` can later run the same function on a
 * worker pool or BullMQ.
 */
export interface ProgressEvent {
  /** What is being done, e.g. 'train', 'ingest', 'predict'. */
  readonly task: string;
  readonly done: number;
  /** Undefined when the total is not known. */
  readonly total?: number;
  /** Short metrics to show beside the bar, e.g. { 'valid.auc': 0.83 }. */
  readonly metrics?: Readonly<Record<string, number>>;
  readonly message?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export const noProgress: ProgressListener = () => {};

/** Options every long-running function takes. */
export interface JobOptions {
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}
