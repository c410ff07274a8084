import type { Command } from 'commander';

/** Finds or creates a command group (`keel models ...` is shared by several subsystems). */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}
