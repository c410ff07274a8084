import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FILE_SETS = fileURLToPath(new URL('./file-sets.ts', import.meta.url));

/**
 * Runs listSourceFiles(`path`) as the user nobody (root reads any file, so a permission error is
 * seen only as another user); its error's code and message, or undefined where nobody cannot run it.
 */
function listAsNobody(path: string): { code?: string; message: string } | undefined {
  const script = `import(${JSON.stringify(FILE_SETS)}).then((m) => m.listSourceFiles(${JSON.stringify(path)})).then(() => console.log('{"message":"listed"}'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`;
  const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '-e', script], { encoding: 'utf8', env: { ...process.env, HOME: tmpdir() } });
  const line = run.stdout?.trim().split('\n').pop();
  return line?.startsWith('{') ? (JSON.parse(line) as { code?: string; message: string }) : undefined;
}

// Root may read anything: only root can become nobody, and this checkout must be readable by nobody.
const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv') && listAsNobody(tmpdir()) !== undefined;

describe('listSourceFiles', () => {
  it.skipIf(!asNobody)('refuses a folder the user may not read as INVALID_ARGUMENT naming it, not INTERNAL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-unreadable-'));
    chmodSync(dir, 0o755);
    const closed = join(dir, 'closed');
    mkdirSync(join(closed, 'inner'), { recursive: true });
    writeFileSync(join(closed, 'inner', 'a.csv'), 'a\n1\n');
    chmodSync(join(closed, 'inner'), 0o000);
    expect(listAsNobody(closed)).toEqual({ code: 'INVALID_ARGUMENT', message: `file: cannot read the folder '${join(closed, 'inner')}': permission denied (EACCES)` });
    expect(listAsNobody(join(closed, '*', '*.csv'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('permission denied (EACCES)') });
  });
});
