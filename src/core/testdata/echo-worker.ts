import { parentPort, workerData } from 'node:worker_threads';

// A type annotation, so this only loads through the TypeScript loader.
const n: number = (workerData as { n: number }).n;
parentPort!.postMessage({ doubled: n * 2, typed: true });
