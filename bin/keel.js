#!/usr/bin/env node
// Keel runs from its TypeScript sources, so `npx keel` needs no build step (see cli-bundle.js).
import { setFlagsFromString } from 'node:v8';
import { loadCli } from './cli-bundle.js';

// A hot loop is compiled on the spot (on-stack replacement), not on a background thread while it
// runs on in slow, allocating baseline code: a command's work is a few long loops per thread, and
// on 2 cores that background thread competes with the workers. `keel data add` of the benchmark's
// plain CSV took about a tenth less time and CPU (docs/datasets.md, "Latest figures").
setFlagsFromString('--no-concurrent-osr');

const { main } = await loadCli();
await main(process.argv);
