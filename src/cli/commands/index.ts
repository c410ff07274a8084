import type { Command } from 'commander';
import type { ContextFactory } from '../context.js';

export type { ContextFactory };

/** Adds a group's commands to the program. */
export type RegisterCommands = (program: Command, context: ContextFactory) => void;

export interface CommandGroup {
  /** The top-level commands the group adds (`models` is shared by two groups). */
  readonly commands: readonly string[];
  readonly load: () => Promise<RegisterCommands>;
}

/**
 * Each subsystem's commands, one file per group, imported only when one of its commands runs:
 * each pulls in its subsystems (`keel server` the API, `keel train` the trainers), which `keel -V`
 * or `keel runs ls --server URL` need not load. command-groups.test.ts checks `commands` against
 * what each group adds.
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { commands: ['data'], load: async () => (await import('./data.js')).registerDataCommands },
  { commands: ['server'], load: async () => (await import('./server.js')).registerServerCommand },
  { commands: ['serve', 'predict'], load: async () => (await import('./serve.js')).registerServeCommand },
  { commands: ['runs'], load: async () => (await import('./runs.js')).registerRunsCommands },
  { commands: ['monitor', 'alerts', 'feedback'], load: async () => (await import('./monitor.js')).registerMonitorCommands },
  { commands: ['validate', 'drift', 'schema'], load: async () => (await import('./validate.js')).registerValidationCommands },
  { commands: ['models'], load: async () => (await import('./models-inspect.js')).registerModelsInspectCommand },
  { commands: ['models'], load: async () => (await import('./models.js')).registerModelsCommands },
  { commands: ['train'], load: async () => (await import('./train.js')).registerTrainCommand },
  { commands: ['quickstart'], load: async () => (await import('./quickstart.js')).registerQuickstartCommand },
  { commands: ['gc'], load: async () => (await import('./gc.js')).registerGcCommand },
];
