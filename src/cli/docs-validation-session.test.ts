/**
 * docs/validation.md's new user's session, run as written: the example data script, then each
 * `keel` command in a fresh folder, and what they print compared with what the docs show.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runKeel } from './test-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The session's commands (the `$ ` lines) and what it prints (the other lines), from the docs. */
function docSession(): { commands: string[]; output: string[] } {
  const doc = readFileSync(join(ROOT, 'docs/validation.md'), 'utf8');
  const at = doc.indexOf("A new user's session");
  expect(at, "docs/validation.md has no new user's session").toBeGreaterThan(-1);
  const lines = /```\n([\s\S]*?)```/.exec(doc.slice(at))![1]!.trimEnd().split('\n');
  return { commands: lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)), output: lines.filter((l) => !l.startsWith('$ ')) };
}

/** An add's timing is the one figure that changes from run to run. */
const untimed = (lines: readonly string[]) => lines.map((l) => l.replace(/\(\d+(\.\d+)? s\)$/, '(… s)'));

describe('docs/validation.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-docs-validation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints what the new user's session shows, and validate exits 1", async () => {
    const { commands, output } = docSession();
    expect(commands[0]).toBe('npx tsx examples/credit-data.ts');
    const printed: string[] = [];
    const script = await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'examples/credit-data.ts')], { cwd: dir });
    printed.push(script.stdout);
    let validateExit = 0;
    for (const command of commands.slice(1)) {
      const [keel, ...args] = command.split(' ');
      expect(keel).toBe('keel');
      const r = await runKeel(args, { KEEL_HOME: join(dir, '.keel') }, dir).catch((e: { code: number; stdout: string }) => {
        if (args[0] === 'validate') validateExit = e.code;
        return e;
      });
      printed.push(r.stdout);
    }
    expect(untimed(printed.join('').trimEnd().split('\n'))).toEqual(untimed(output));
    expect(validateExit).toBe(1);
  }, 120_000);
});
