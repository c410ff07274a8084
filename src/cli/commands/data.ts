import type { Command } from 'commander';
import type { ContextFactory } from '../context.js';

// Filled by the datasets work: keel data add|ls|show|diff.
export function registerDataCommands(_program: Command, _context: ContextFactory): void {}
