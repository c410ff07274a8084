// Worker entry in plain JS. On Node 20 a worker started with `--import tsx/esm` does not get the
// loader for its own entry file, so the worker registers tsx itself, then loads the TypeScript
// module named by startWorker (the last argv entry).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[process.argv.length - 1]);
