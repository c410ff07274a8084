import type { Command } from 'commander';
import type { ContextFactory } from '../context.js';
import { registerDataCommands } from './data.js';
import { registerGcCommand } from './gc.js';
import { registerServerCommand } from './server.js';
import { registerServeCommand } from './serve.js';
import { registerRunsCommands } from './runs.js';
import { registerModelsInspectCommand } from './models-inspect.js';
import { registerModelsCommands } from './models.js';
import { registerTrainCommand } from './train.js';
import { registerMonitorCommands } from './monitor.js';
import { registerValidationCommands } from './validate.js';
import { registerQuickstartCommand } from './quickstart.js';

export type { ContextFactory };

/** Each subsystem's commands, one file per group. */
export const COMMAND_GROUPS: readonly ((program: Command, context: ContextFactory) => void)[] = [
  registerDataCommands,
  registerServerCommand,
  registerServeCommand,
  registerRunsCommands,
  registerMonitorCommands,
  registerValidationCommands,
  registerModelsInspectCommand,
  registerModelsCommands,
  registerTrainCommand,
  registerQuickstartCommand,
  registerGcCommand,
];
