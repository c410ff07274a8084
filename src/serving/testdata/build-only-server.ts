// Builds a model server (two workers, a real model) and neither starts nor closes it: the process
// should then exit on its own (lazy-workers.test.ts).
import { FileModelSource, InferenceServer } from '../index.js';
import { TORCH_MLP_PATH } from '../testing.js';

new InferenceServer({ source: new FileModelSource(), models: [{ ref: TORCH_MLP_PATH }], workers: 2 });
process.stdout.write('built\n');
