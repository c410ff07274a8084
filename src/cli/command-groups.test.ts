import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS } from './commands/index.js';
import { buildProgram } from './main.js';

const names = (program: Command) => program.commands.map((c) => c.name());

describe('command groups', () => {
  it('name the top-level commands each adds, so that a command line imports only the groups it runs', async () => {
    for (const group of COMMAND_GROUPS) {
      const program = new Command('keel');
      (await group.load())(program, () => {
        throw new Error('registering runs no command');
      });
      expect(names(program)).toEqual([...new Set(group.commands)]);
    }
  });

  it('are all registered for the program help, and only the command own otherwise', async () => {
    const all = names(await buildProgram());
    expect(all).toEqual(expect.arrayContaining(['data', 'server', 'serve', 'predict', 'runs', 'monitor', 'alerts', 'feedback', 'validate', 'drift', 'schema', 'models', 'train', 'quickstart']));
    const argv = (...args: string[]) => ['node', 'keel', ...args];
    for (const args of [[], ['--help'], ['-V', '--help'], ['help', 'data'], ['nosuch'], ['--bogus', 'data', 'ls']]) expect(names(await buildProgram(argv(...args)))).toEqual(all);
    expect(names(await buildProgram(argv('-V')))).toEqual([]);
    expect(names(await buildProgram(argv('--home', 'x', '--json', '--server=http://h', 'data', 'ls', '-V')))).toEqual(['data']);
    expect(names(await buildProgram(argv('--log-level', 'info', 'predict', '--help')))).toEqual(['serve', 'predict']);
    expect(names(await buildProgram(argv('models', 'ls')))).toEqual(['models']);
    expect((await buildProgram(argv('models', 'ls'))).commands[0]!.commands.map((c) => c.name())).toEqual(expect.arrayContaining(['inspect', 'ls']));
  });

  // `alerts ls --monitor` and `--deployment` were listed in --help with nothing after them.
  it('describe every command and option in --help', async () => {
    const bare: string[] = [];
    const walk = (command: Command, path: string) => {
      for (const o of command.options) if (o.description.trim() === '') bare.push(`${path} ${o.flags}`);
      for (const sub of command.commands) {
        if (sub.description().trim() === '') bare.push(`${path} ${sub.name()}`);
        walk(sub, `${path} ${sub.name()}`);
      }
    };
    walk(await buildProgram(), 'keel');
    expect(bare).toEqual([]);
  });
});
