export { noProgress } from './progress.js';
export type { ProgressEvent, ProgressListener, JobOptions } from './progress.js';
