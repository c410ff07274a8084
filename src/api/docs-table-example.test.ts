import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/index.js';
import { openPlatform } from './platform.js';

const ROOT = new URL('../../', import.meta.url);

/** The first ```ts block after `heading` in docs/datasets.md. */
function docExample(heading: string): string {
  const doc = readFileSync(new URL('docs/datasets.md', ROOT), 'utf8');
  const at = doc.indexOf(heading);
  expect(at, `docs/datasets.md has no '${heading}'`).toBeGreaterThan(-1);
  return /```ts\n([\s\S]*?)```/.exec(doc.slice(at))![1]!;
}

describe('docs/datasets.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a Table as its example says, run as written from a script', async () => {
    // The store the example opens: KEEL_HOME, and no other KEEL_ variable of this process.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KEEL_')));
    env.KEEL_HOME = join(dir, 'home');
    const platform = await openPlatform(loadConfig({ env, cwd: dir }));
    try {
      writeFileSync(join(dir, 'churn.csv'), 'age,plan\n34,pro\n,basic\n51,\n');
      await platform.datasets.add('churn', join(dir, 'churn.csv'));
    } finally {
      await platform.close();
    }
    // The script sits at the checkout's root in the docs; here its './src/' imports point there.
    const script = join(dir, 'load.mts');
    writeFileSync(script, docExample('### Loading a version as a Table').replaceAll("from './src/", `from '${new URL('src/', ROOT).href}`));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { env, cwd: new URL('.', ROOT).pathname, timeout: 60_000 });
    expect(stdout).toBe("3 NaN\n[ 'pro', 'basic', null ]\n");
  }, 90_000);
});
