import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a user of the published package runs: `npm install keel`, then plain `node app.mjs` (no
// tsx, no loader flags) or `tsc` with moduleResolution NodeNext. The package is the tarball that
// `npm pack` makes (its prepare script builds dist/), unpacked into a consumer's node_modules.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
/** The environment of a user's shell: no loader inherited from the test runner. */
const plainEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
};
const node = (args: string[], cwd: string) => run(process.execPath, args, { cwd, env: plainEnv(), timeout: 120_000 });

/**
 * A folder whose node_modules holds Keel as unpacked from `tarball`, with Keel's own dependencies
 * linked from this checkout but tsx's: anything that still needed tsx would fail to load.
 */
async function consumerOf(tarball: string, dir: string): Promise<string> {
  const modules = join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  await run('tar', ['xzf', tarball, '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'keel'));
  const deps = join(modules, 'keel', 'node_modules');
  mkdirSync(deps);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    // @types too stays out: it is Keel's dev dependency; the consumer brings its own below.
    if (!['tsx', '.bin', '.cache', '@types'].includes(name)) symlinkSync(join(ROOT, 'node_modules', name), join(deps, name));
  }
  mkdirSync(join(modules, '@types'));
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(modules, '@types', 'node'));
  return dir;
}

describe('the packed package under plain Node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-plain-node-'));
  let consumer = '';
  beforeAll(async () => {
    // Packed from a copy of the checkout: npm pack rebuilds dist/ (prepare, then real declarations
    // and postpack's one-liners), which would change the checkout's dist/ under other tests' feet.
    const checkout = join(dir, 'keel');
    mkdirSync(checkout);
    for (const f of ['package.json', '.npmrc', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'src', 'docs']) cpSync(join(ROOT, f), join(checkout, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: checkout, env: plainEnv(), timeout: 120_000 });
    const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string }];
    consumer = await consumerOf(join(dir, filename), join(dir, 'consumer'));
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports keel, keel/core, keel/api and keel/data: the SDK talks to a Keel server started from keel/api, which trains with worker threads', async () => {
    writeFileSync(join(consumer, 'app.mjs'), `
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeelClient, KeelError } from 'keel';
import { KeelError as CoreError, loadConfig, silentLogger } from 'keel/core';
import { createApiServer, openPlatform } from 'keel/api';
import { parseDatasetRef } from 'keel/data';

const home = mkdtempSync(join(tmpdir(), 'keel-plain-home-'));
const platform = await openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);
const app = await createApiServer(platform, { accessLog: false });
const keel = new KeelClient({ baseUrl: await app.listen({ host: '127.0.0.1', port: 0 }) });
const rows = ['x,z,y'];
for (let i = 0; i < 300; i++) rows.push(i + ',' + (i % 7) + ',' + (i % 10 < 3 ? 1 : 0));
writeFileSync(join(home, 'd.csv'), rows.join('\\n'));
const added = await keel.datasets.add('d', join(home, 'd.csv'));
const got = await keel.datasets.get('d@' + added.version);
// nthread 2: the histogram workers start from dist/ too.
const trained = await keel.training.train({ dataset: 'd', target: 'y', model: 'gbdt', params: { nthread: 2, n_estimators: 3 }, register: false });
const missing = await keel.datasets.get('nope').catch((e) => e);
console.log(JSON.stringify({
  rows: got.rows, iterations: trained.numIterations, features: trained.features,
  missing: [missing instanceof KeelError, missing instanceof CoreError, missing.code],
  ref: parseDatasetRef('d@' + added.version).version === added.version,
  loaders: process.execArgv,
}));
await app.close();
await platform.close();
`);
    const { stdout } = await node(['app.mjs'], consumer);
    expect(JSON.parse(stdout)).toEqual({ rows: 300, iterations: 3, features: ['x', 'z'], missing: [true, true, 'NOT_FOUND'], ref: true, loaders: [] });
  }, 120_000);

  it('the tarball holds dist/ (with its freshness check and declarations) and no tests', () => {
    const keel = join(consumer, 'node_modules', 'keel');
    const pkg = JSON.parse(readFileSync(join(keel, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string } | string> };
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect(statSync(join(keel, target.default)).isFile(), key).toBe(true);
      expect(statSync(join(keel, target.types)).isFile(), key).toBe(true);
    }
    expect(statSync(join(keel, 'dist', 'fresh.js')).isFile()).toBe(true);
    // Declarations made by tsc at npm pack, not the checkout's one-liners pointing at src/.
    expect(readFileSync(join(keel, 'dist', 'client', 'index.d.ts'), 'utf8')).toContain("export { KeelClient } from './keel-client.js';");
    expect(statSync(join(keel, 'dist', 'client', 'keel-client.d.ts')).isFile()).toBe(true);
    expect(readdirSync(join(keel, 'src', 'client')).filter((f) => f.endsWith('.test.ts'))).toEqual([]);
  });

  it('from CommonJS: require() on Node 20.19+ (no top-level await anywhere in dist/), import() on any', async () => {
    writeFileSync(join(consumer, 'app.cjs'), [
      "try { console.log('require', typeof require('keel').KeelClient, typeof require('keel/api').openPlatform); } catch (e) { console.log('require', e.code); }",
      "import('keel').then((m) => console.log('import', typeof m.KeelClient));",
    ].join('\n'));
    const { stdout } = await node(['app.cjs'], consumer);
    // Node 20.10-20.18 has no require() of ES modules.
    const required = (process.features as { require_module?: boolean }).require_module ? 'function function' : 'ERR_REQUIRE_ESM';
    expect(stdout).toBe(`require ${required}\nimport function\n`);
  }, 60_000);

  it('gives a TypeScript consumer (moduleResolution NodeNext) the real types, as declarations its own options do not re-check', async () => {
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true,
        // Stricter than Keel's own: Keel's sources, type-checked as the consumer's, fail both.
        exactOptionalPropertyTypes: true, noPropertyAccessFromIndexSignature: true,
      },
      include: ['use.ts'],
    }));
    writeFileSync(join(consumer, 'use.ts'), [
      "import { KeelClient, type ModelVersionInfo } from 'keel';",
      "import { KeelError } from 'keel/core';",
      "const keel = new KeelClient({ baseUrl: 'http://127.0.0.1:7070' });",
      'const versions: ModelVersionInfo[] = [];',
      "const error: KeelError = new KeelError('NOT_FOUND', 'gone');",
      'const wrong: number = keel.datasets;',
      'console.log(versions, error, wrong);',
    ].join('\n'));
    const tsc = await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: consumer, env: plainEnv(), timeout: 120_000 }).catch((e: { stdout: string }) => e);
    // The one error is the deliberate one: every other line type-checked against Keel's types.
    expect(tsc.stdout.trim()).toBe("use.ts(6,7): error TS2322: Type 'DatasetsClient' is not assignable to type 'number'.");
  }, 120_000);
});

describe('a checkout whose sources changed after the build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-stale-'));
  const checkout = join(dir, 'keel');
  const consumer = join(dir, 'app');
  beforeAll(async () => {
    mkdirSync(checkout);
    for (const f of ['package.json', 'bin', 'src']) cpSync(join(ROOT, f), join(checkout, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    await node(['bin/sdk-build.js'], checkout);
    // A project that depends on the checkout as a folder (npm install ../keel links it).
    mkdirSync(join(consumer, 'node_modules'), { recursive: true });
    symlinkSync(checkout, join(consumer, 'node_modules', 'keel'));
    writeFileSync(join(consumer, 'app.mjs'), [
      "import { KeelClient } from 'keel';",
      "try { new KeelClient({ baseUrl: 'localhost:7070' }); } catch (e) { console.log(e.message); }",
    ].join('\n'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to run the stale build, rebuilds it, and the next run has the edit', async () => {
    const before = (await node(['app.mjs'], consumer)).stdout;
    expect(before).toMatch(/^baseUrl: /);
    const http = join(checkout, 'src', 'client', 'http.ts');
    const text = readFileSync(http, 'utf8');
    const edited = text.replace("invalidArgument('baseUrl', problem)", "invalidArgument('baseUrl', `EDITED ${problem}`)");
    expect(edited).not.toBe(text);
    writeFileSync(http, edited);

    const refused = await node(['app.mjs'], consumer).then(() => undefined, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(refused?.code).toBe(1);
    expect(refused?.stdout).toBe('');
    expect(refused?.stderr).toContain("KeelError: keel: src/client/http.ts changed after dist/ was built, so this process loaded a stale build; rebuilt it now: run again");
    expect(refused?.stderr).toContain("code: 'FAILED_PRECONDITION'");

    expect((await node(['app.mjs'], consumer)).stdout).toBe(before.replace('baseUrl: ', 'baseUrl: EDITED '));
  }, 120_000);

  it('types come from the sources as they are: an export added to src/client/index.ts type-checks with no build', async () => {
    const index = join(checkout, 'src', 'client', 'index.ts');
    writeFileSync(index, `${readFileSync(index, 'utf8')}export const ADDED_SINCE_BUILD = 'added';\n`);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true },
      include: ['use.ts'],
    }));
    writeFileSync(join(consumer, 'use.ts'), "import { ADDED_SINCE_BUILD } from 'keel';\nconst wrong: number = ADDED_SINCE_BUILD;\nconsole.log(wrong);\n");
    const tsc = await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: consumer, env: plainEnv(), timeout: 120_000 }).catch((e: { stdout: string }) => e);
    expect(tsc.stdout.trim()).toBe("use.ts(2,7): error TS2322: Type 'string' is not assignable to type 'number'.");
  }, 120_000);
});
