import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertQuery, DatasetAddOptions, DatasetRowsOptions, ErrorCode } from './index.js';
import { KeelClient, KeelError } from './index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
type Target = string | { types: string; default: string };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, Target> };

/** The package's entry points: `import { KeelClient } from 'keel'`, and a subsystem's face as `keel/<folder>`. */
describe('package.json exports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-exports-'));
  // dist/ as the sources are now (npm install built it; a merge or pull since would make the
  // first import refuse it, once, by design; a checkout whose install skipped scripts has none).
  beforeAll(() => promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'sdk-build.js'), '--stubs'], { cwd: ROOT, timeout: 60_000 }), 90_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps keel to the SDK and keel/<folder> to a subsystem\'s build in dist/ (its .d.ts for TypeScript, .js for Node), each a file that exists', () => {
    expect(pkg.exports['.']).toEqual({ types: './dist/client/index.d.ts', default: './dist/client/index.js' });
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (key === '.' || key === './package.json') continue;
      expect(target).toEqual({ types: `./dist/${key.slice(2)}/index.d.ts`, default: `./dist/${key.slice(2)}/index.js` });
      if (typeof target === 'string') continue;
      expect(existsSync(join(ROOT, target.types)), target.types).toBe(true);
      expect(existsSync(join(ROOT, target.default)), target.default).toBe(true);
    }
  });

  it('has an entry for every package specifier the README and docs import from', () => {
    const docs = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))];
    const specifiers = docs.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/from '(keel(?:\/[^']*)?)'/g)].map((m) => m[1]!));
    expect(specifiers).toContain('keel');
    for (const s of specifiers) expect(Object.keys(pkg.exports), s).toContain(s === 'keel' ? '.' : `./${s.slice('keel/'.length)}`);
  });

  it('a script in a project that depends on keel imports it by name, runs under tsx and exits', async () => {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', pkg.name), 'dir');
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'use.ts'), [
      "import { KeelClient, KeelError as SdkError, type ModelVersionInfo } from 'keel';",
      "import { BufferedPredictionLogger } from 'keel/monitoring';",
      "import { KeelError } from 'keel/core';",
      "const versions: ModelVersionInfo[] = [];",
      "const client = new KeelClient({ baseUrl: 'http://127.0.0.1:7070' });",
      "try { new BufferedPredictionLogger({}); } catch (e) { console.log((e as KeelError).code, (e as KeelError).field); }",
      'console.log(typeof client.registry.resolve, versions.length);',
      // The SDK's errors are KeelErrors, importable from 'keel' itself.
      "try { new KeelClient({ baseUrl: 'localhost:7070' }); } catch (e) { console.log(e instanceof SdkError && e.field); }",
    ].join('\n'));
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), ['use.ts'], { cwd: dir, timeout: 60_000 });
    expect(stdout).toBe('INVALID_ARGUMENT db\nfunction 0\nbaseUrl\n');
  }, 90_000);

  it('names the options of its calls as types (npm run typecheck checks them), so SDK code can type its own', async () => {
    const add: DatasetAddOptions = { na: ['?'], types: { zip: 'string' }, skip: 1 };
    const rows: DatasetRowsOptions = { limit: 5, columns: ['age'] };
    const alerts: AlertQuery = { state: 'firing', limit: 10 };
    const code: ErrorCode = 'INVALID_ARGUMENT';
    // Refused before anything is sent: the options reach the call as typed.
    const client = new KeelClient({ baseUrl: 'http://127.0.0.1:9' });
    const err = await client.datasets.add('a b', 'x.csv', add).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeelError);
    expect((err as KeelError).code).toBe(code);
    expect([rows.limit, alerts.state]).toEqual([5, 'firing']);
  });
});
