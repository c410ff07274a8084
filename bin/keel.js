#!/usr/bin/env node
// Keel runs from its TypeScript sources through tsx, so `npx keel` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
