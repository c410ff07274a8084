import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI_BUNDLE = new URL('../../bin/cli-bundle.js', import.meta.url).href;

/** Runs `text` in a new process through bin/cli-bundle.js's runCached (the cache is written at exit); prints exports.v. */
async function runCached(dir: string, text: string, id: string): Promise<string> {
  const child = `
import { runCached } from ${JSON.stringify(CLI_BUNDLE)};
const [text, id, dir] = process.argv.slice(1);
process.stdout.write(runCached(text, { filename: dir + '/m.cjs', cachePath: dir + '/m.cjs.v8', id }).v);
`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', child, text, id, dir]);
  return stdout;
}

describe('the CLI bundle compiled through V8 code cache', () => {
  it('runs a new build of the bundle, not the code cached for the build before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-code-cache-'));
    // Same length: V8 checks only the source's length, so it would take the first cache for the second.
    expect(await runCached(dir, "module.exports.v = 'a';", 'build1')).toBe('a');
    expect(readFileSync(join(dir, 'm.cjs.v8'), 'latin1')).toMatch(/^keel-v8 build1\n/);
    expect(await runCached(dir, "module.exports.v = 'b';", 'build2')).toBe('b');
    // ... and the cache is the new build's from then on.
    expect(readFileSync(join(dir, 'm.cjs.v8'), 'latin1')).toMatch(/^keel-v8 build2\n/);
    expect(await runCached(dir, "module.exports.v = 'b';", 'build2')).toBe('b');
  });
});
