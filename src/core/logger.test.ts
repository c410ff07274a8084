import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const LOGGER = fileURLToPath(new URL('./logger.ts', import.meta.url));

// pino's destinations register an exit handler that flushes and then fsyncs their descriptor
// (0.1 s when stdout or stderr is a file): counted here as the process's 'exit' listeners.
const CHILD = `
const before = process.listenerCount('exit');
const { createLogger, silentLogger } = await import(${JSON.stringify(LOGGER)});
const logger = createLogger({ level: 'warn' });
logger.info('below the level');
silentLogger.error('silent');
const quiet = process.listenerCount('exit') - before;
if (process.argv.includes('warn')) logger.warn('shown');
process.stdout.write(JSON.stringify({ quiet, logged: process.listenerCount('exit') - before }));
`;

async function child(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, '--', ...args]);
}

describe('createLogger', () => {
  it('opens stderr and flushes it at exit only once a line is written, and the silent logger never', async () => {
    const quiet = await child();
    expect(JSON.parse(quiet.stdout)).toEqual({ quiet: 0, logged: 0 });
    expect(quiet.stderr).toBe('');
    const logged = await child('warn');
    expect(JSON.parse(logged.stdout)).toEqual({ quiet: 0, logged: 1 });
    expect(JSON.parse(logged.stderr)).toMatchObject({ level: 40, msg: 'shown' });
  });
});
