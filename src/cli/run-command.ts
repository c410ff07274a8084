import type { Command } from 'commander';
import { isKeelError, toKeelError } from '../core/index.js';
import type { CliContext, ContextFactory } from './context.js';
import { printError } from './output.js';

/**
 * Wraps a command's action: builds the context from the global options, maps a KeelError to a
 * message on stderr (JSON with --json) and the code's exit status, and closes the stores.
 */
export function runCommand<O, A extends unknown[]>(
  context: ContextFactory,
  action: (ctx: CliContext, opts: O, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...raw: unknown[]) => {
    const cmd = raw[raw.length - 1] as Command;
    const opts = raw[raw.length - 2] as O;
    const args = raw.slice(0, -2) as A;
    let ctx: CliContext | undefined;
    try {
      ctx = context(cmd);
      await action(ctx, opts, ...args);
    } catch (e) {
      const err = toKeelError(e);
      const json = ctx?.json ?? cmd.optsWithGlobals().json === true;
      // An unexpected error shows its stack: it is a bug to report.
      if (json || isKeelError(e)) printError(err, json);
      else process.stderr.write(`error: ${(e as Error)?.stack ?? err.message}\n`);
      process.exitCode = err.exitCode;
    } finally {
      await ctx?.close();
    }
  };
}
