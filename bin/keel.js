#!/usr/bin/env node
// Keel runs from its TypeScript sources, so `npx keel` needs no build step (see cli-bundle.js).
import { loadCli } from './cli-bundle.js';
import { prestart } from './prestart.js';

prestart(process.argv);

const { main } = await loadCli();
await main(process.argv);
