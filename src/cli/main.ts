import { Command, CommanderError } from 'commander';
import { KeelError } from '../core/index.js';
import { CliContext, type GlobalOptions } from './context.js';
import { COMMAND_GROUPS, type CommandGroup, type RegisterCommands } from './commands/index.js';
import { printError } from './output.js';

/**
 * The program, with the commands of the groups that `argv` (node's: the runtime and the script
 * first) runs, or of every group when it is not known which (help, an unknown command), or without
 * argv. Each group is imported when it is registered (commands/index.ts).
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const registers = await Promise.all(groupsFor(argv).map((g) => g.load()));
  return programWith(registers);
}

function programWith(registers: readonly RegisterCommands[]): Command {
  const program = new Command('keel')
    .description('Keel: data, validation, training, tracking, registry, serving and monitoring for ML')
    // Only -V is the program's own: a command's `--version N` (schema show, models history) would
    // otherwise print keel's version. `--version` before any command still does (programArgs).
    .version('0.1.0', '-V', 'output the version number (also --version, before a command)')
    .option('--json', 'print machine-readable JSON')
    .option('--server <url>', 'run against a Keel server instead of the local store (env KEEL_SERVER)')
    .option('--home <dir>', 'the local store directory (env KEEL_HOME, default ./.keel)')
    .option('--log-level <level>', 'log level (env KEEL_LOG_LEVEL, default warn)')
    .showHelpAfterError()
    // Usage errors come back to main() (below) instead of exiting with commander's 1, which
    // docs/errors.md gives to INTERNAL. With --json, commander's text (the error and the help
    // after it) is left out: main() writes the error as the one JSON line every error is.
    // Subcommands share these settings: commander copies them to each command made after them.
    .exitOverride()
    .configureOutput({ writeErr: (text) => void (program.opts<GlobalOptions>().json === true || process.stderr.write(text)) });
  const context = (cmd: Command) => new CliContext(cmd.optsWithGlobals() as GlobalOptions);
  for (const register of registers) register(program, context);
  showDefaultsBare(program);
  return program;
}

/**
 * Commander prints a string default as JSON (`(default: "8080")`), which reads as if the value
 * were text to quote; the defaults written by hand in option descriptions are bare (`default 42`).
 */
function showDefaultsBare(command: Command): void {
  for (const option of command.options) {
    if (typeof option.defaultValue === 'string' && option.defaultValue !== '' && option.defaultValueDescription === undefined) option.defaultValueDescription = option.defaultValue;
  }
  for (const sub of command.commands) showDefaultsBare(sub);
}

/** The global options that take a value, skipped when looking for the command. */
const VALUED_GLOBALS = new Set(['--server', '--home', '--log-level']);

/**
 * `argv` (node's: the runtime and the script first) with a `--version` before the command (or
 * with none) read as `-V`, keel's version; after the command it stays the command's option.
 */
export function programArgs(argv: readonly string[]): string[] {
  const args = [...argv];
  for (let i = 2; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--version') args[i] = '-V';
    else if (VALUED_GLOBALS.has(a)) i++;
    else if (!a.startsWith('-')) break;
  }
  return args;
}

/**
 * The command groups `argv` runs: its command's; none for keel's version alone; every group when
 * the program's own help is printed (asked for, no command, an unknown command or option).
 */
function groupsFor(argv: readonly string[] | undefined): readonly CommandGroup[] {
  if (!argv) return COMMAND_GROUPS;
  let version = false;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUED_GLOBALS.has(a)) i++;
    else if (a === '-V' || a === '--version') version = true;
    else if (a === '--json' || [...VALUED_GLOBALS].some((g) => a.startsWith(`${g}=`))) continue;
    else if (a.startsWith('-')) return COMMAND_GROUPS;
    else {
      const groups = COMMAND_GROUPS.filter((g) => g.commands.includes(a));
      return groups.length > 0 ? groups : COMMAND_GROUPS;
    }
  }
  return version ? [] : COMMAND_GROUPS;
}

export async function main(argv: readonly string[]): Promise<void> {
  // A reader that stops early (`keel data show x | head`) closes the pipe: that ends the output,
  // it is not a failure of the command.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const args = programArgs(argv);
  const program = await buildProgram(args);
  try {
    await program.parseAsync(args);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // --help and --version end here too, with commander's 0.
    if (e.exitCode === 0) return;
    const err = usageError(e);
    if (program.opts<GlobalOptions>().json === true) printError(err, true);
    process.exitCode = err.exitCode;
  }
}

/** A command line commander could not parse, as the INVALID_ARGUMENT it is. */
function usageError(e: CommanderError): KeelError {
  // 'commander.help' is the help printed for a command group given no command (`keel data`).
  const message = e.code === 'commander.help' ? 'no command given; --help lists the commands' : e.message.replace(/^error: /, '');
  return new KeelError('INVALID_ARGUMENT', message, { cause: e });
}
