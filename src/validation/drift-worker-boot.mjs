// Worker entry in plain JS: on Node 20 a worker started with `--import tsx/esm` in execArgv does
// not get the loader for its own entry file, so the worker registers tsx itself, then loads the
// TypeScript module.
import { register } from 'tsx/esm/api';

register();
await import('./drift-worker.ts');
