import { Command } from 'commander';
import { CliContext, type GlobalOptions } from './context.js';
import { COMMAND_GROUPS } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('keel')
    .description('Keel: data, validation, training, tracking, registry, serving and monitoring for ML')
    .version('0.1.0')
    .option('--json', 'print machine-readable JSON')
    .option('--server <url>', 'run against a Keel server instead of the local store (env KEEL_SERVER)')
    .option('--home <dir>', 'the local store directory (env KEEL_HOME, default ./.keel)')
    .option('--log-level <level>', 'log level (env KEEL_LOG_LEVEL, default warn)')
    .showHelpAfterError();
  const context = (cmd: Command) => new CliContext(cmd.optsWithGlobals() as GlobalOptions);
  for (const register of COMMAND_GROUPS) register(program, context);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  // A reader that stops early (`keel data show x | head`) closes the pipe: that ends the output,
  // it is not a failure of the command.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  await buildProgram().parseAsync([...argv]);
}
