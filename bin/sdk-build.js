// Builds Keel's package entry points (`keel`, `keel/<subsystem>`) into dist/ as plain ES modules,
// so that plain `node app.mjs` can import them: Node 20 refuses `.ts` files in node_modules.
//
// Run by `npm install` / `npm ci` (the `prepare` script; a git dependency runs it too, and
// `npm pack` / `npm publish` before packing). Each source file becomes one `.js` file at the
// same path under dist/ (no bundling: `keel` and `keel/core` share one KeelError class, and every
// dependency stays an import of the installed package).
//
// Types: package.json's exports name dist/<x>/index.d.ts. At install that is one line,
// `export * from '../../src/<x>/index.js'`: TypeScript reads the sources, so an edit is seen at
// once, and the install spends no time on types (tsc emitting declarations takes 15 s). `npm pack`
// and `npm publish` emit real declarations with tsc (tsconfig.build.json) instead, so that a
// project installing the tarball type-checks Keel as a library (.d.ts files, which its
// skipLibCheck covers), whatever its own compiler options; postpack puts the one-liners back.
//
// A source edited after the build is never run stale: every entry point imports dist/fresh.js
// first, which compares the sources' mtimes with the build's start (as bin/cli-bundle.js does for
// the CLI), rebuilds dist/ when one is newer (0.6 to 2 s) and then throws, since this process has
// already loaded the old modules. A copy under node_modules (a tarball, registry or git install)
// is not checked: it was built when packed or installed, and nobody edits it.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { changedInput } from './cli-bundle.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'build.json');
/** Changes whenever the build below does, so that older builds are rebuilt. */
const BUILD = 1;
/** The CLI runs from its own bundle (cli-bundle.js) and is no entry point. */
const SKIPPED_DIRS = new Set(['cli', 'testdata']);
/** Each package entry point imports this first (it is written beside the modules). */
const FRESH_MODULE = 'fresh.js';

/** The non-test TypeScript sources, relative to the root, in a stable order. */
function sources(dir = SRC) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!(dir === SRC && SKIPPED_DIRS.has(entry.name)) && entry.name !== 'testdata') found.push(...sources(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
      found.push(relative(ROOT, path).split(sep).join('/'));
    }
  }
  return found.sort();
}

/** The `src/<x>/index.ts` whose builds package.json's exports name (`./dist/<x>/index.js`). */
function entryPoints() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const entries = new Set();
  for (const target of Object.values(pkg.exports)) {
    const built = typeof target === 'object' ? /^\.\/dist\/(.+)\.js$/.exec(target.default) : null;
    if (built) entries.add(`src/${built[1]}.ts`);
  }
  return entries;
}

/**
 * Compiles every source to dist/ and writes dist/build.json last. Returns the number of modules.
 * Writes each file through a rename, so a concurrent reader sees one whole version of it.
 * `declarations`: emit real .d.ts files rather than one-liners that point at the sources.
 */
export async function buildSdk({ declarations = false } = {}) {
  const esbuild = await import('esbuild');
  // Before any file is read: a file saved during the build counts as newer than the build.
  const startedAt = Date.now() - 1;
  const files = sources();
  const entries = entryPoints();
  const written = new Set();
  await Promise.all(files.map(async (file) => {
    const out = `${file.slice('src/'.length, -'.ts'.length)}.js`;
    const result = await esbuild.transform(readFileSync(join(ROOT, file), 'utf8'), {
      loader: 'ts', format: 'esm', target: 'node20', platform: 'node', sourcefile: file,
      sourcemap: 'external', sourcesContent: false, legalComments: 'inline',
    });
    const depth = out.split('/').length;
    let code = sourceRelativeUrls(result.code, '../'.repeat(depth) + file);
    // Prepended on the first line, so that the source map's lines still match.
    if (entries.has(file)) code = `import '${'../'.repeat(depth - 1) || './'}${FRESH_MODULE}';${code}`;
    const map = JSON.parse(result.map);
    map.sources = ['../'.repeat(depth) + file];
    map.file = out.split('/').pop();
    writeAtomically(join(DIST, out), `${code}//# sourceMappingURL=${map.file}.map\n`);
    writeAtomically(join(DIST, `${out}.map`), JSON.stringify(map));
    written.add(out).add(`${out}.map`);
    if (entries.has(file)) {
      writeAtomically(join(DIST, `${out.slice(0, -'.js'.length)}.d.ts`), `export * from '${'../'.repeat(depth)}${file.slice(0, -'.ts'.length)}.js';\n`);
      written.add(`${out.slice(0, -'.js'.length)}.d.ts`);
    }
  }));
  writeAtomically(join(DIST, FRESH_MODULE), FRESH_SOURCE);
  written.add(FRESH_MODULE).add('build.json');
  removeOthers(DIST, written);
  // Over the one-liners, beside the modules.
  if (declarations) createRequire(import.meta.url)('node:child_process').execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  writeAtomically(STAMP, `${JSON.stringify({ build: BUILD, startedAt, inputs: [...files, 'bin/sdk-build.js', 'package.json'] })}\n`);
  return files.length;
}

/**
 * A module finds files beside it through import.meta.url. A worker entry (`new URL('./x.ts',
 * import.meta.url)`) is compiled beside its caller, so it becomes `./x.js` and runs as plain
 * JavaScript; any other file (test data, worker-boot.mjs) stays beside the source, so there the
 * module's URL is its source file's, found relative to the dist file wherever the package lies.
 */
export function sourceRelativeUrls(code, sourceFromDist) {
  return code.replace(/new URL\((["'])(\.\.?\/[\w./-]+)\.ts\1, import\.meta\.url\)|import\.meta\.url/g, (_, quote, worker) =>
    worker !== undefined ? `new URL(${quote}${worker}.js${quote}, import.meta.url)` : `new URL(${JSON.stringify(sourceFromDist)}, import.meta.url).href`);
}

function writeAtomically(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Deletes what an earlier build wrote for sources since removed. */
function removeOthers(dir, keep, prefix = '') {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) {
      removeOthers(join(dir, entry.name), keep, `${rel}/`);
      if (readdirSync(join(dir, entry.name)).length === 0) rmSync(join(dir, entry.name), { recursive: true });
    } else if (!keep.has(rel) && !entry.name.endsWith('.tmp')) {
      rmSync(join(dir, entry.name), { force: true });
    }
  }
}

/**
 * The first input changed (or gone) since dist/ was built, relative to the root; undefined when
 * dist/ is fresh. A missing or unreadable build.json counts as a change of bin/sdk-build.js.
 */
export function staleInput(root = ROOT) {
  let meta;
  try {
    meta = JSON.parse(readFileSync(join(root, 'dist', 'build.json'), 'utf8'));
  } catch {
    return 'bin/sdk-build.js';
  }
  if (meta.build !== BUILD || !Array.isArray(meta.inputs)) return 'bin/sdk-build.js';
  return changedInput(root, meta);
}

/**
 * Why the dist/ under `root` must not run, having rebuilt it: undefined when it is fresh, or when
 * it is an installed copy (under node_modules: built by `npm pack` or at install, and never
 * rebuilt; skipping the check spares every start of an installed Keel ~300 stat calls).
 */
export function staleBuildMessage(root = ROOT) {
  if (root.split(sep).includes('node_modules')) return undefined;
  const changed = staleInput(root);
  if (changed === undefined) return undefined;
  let outcome = 'rebuilt it now: run again';
  try {
    // In another process: this one has to stay synchronous (an entry point imports it).
    createRequire(import.meta.url)('node:child_process').execFileSync(process.execPath, [join(root, 'bin', 'sdk-build.js'), '--stubs'], { stdio: 'pipe' });
  } catch (e) {
    outcome = `could not rebuild it (${String(e.stderr || e.message).trim().split('\n')[0]}): run \`npm run build\` in ${root}`;
  }
  return `keel: ${changed} changed after dist/ was built, so this process loaded a stale build; ${outcome}`;
}

// dist/fresh.js, which each entry point imports first: ES modules run their imports in order, so
// it throws before any module of the stale build runs.
const FRESH_SOURCE = `// Written by bin/sdk-build.js: refuses to run a dist/ older than the sources it was built from.
import { fileURLToPath } from 'node:url';
import { staleBuildMessage } from '../bin/sdk-build.js';
import { KeelError } from './core/errors.js';

const stale = staleBuildMessage(fileURLToPath(new URL('..', import.meta.url)));
if (stale !== undefined) throw new KeelError('FAILED_PRECONDITION', stale);
`;

// Run as a script (npm's prepare). Without a top-level await: an entry point imports this module
// (through fresh.js), and Node's require() of an ES module refuses a graph that has one.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const started = performance.now();
  // npm pack and npm publish run prepare too (npm_command says which); postpack passes --stubs.
  const declarations = ['pack', 'publish'].includes(process.env.npm_command ?? '') && !process.argv.includes('--stubs');
  buildSdk({ declarations }).then((count) => {
    if (process.env.KEEL_DEBUG_BUNDLE) process.stderr.write(`keel: built dist/ (${count} modules) in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
  }, (e) => {
    process.stderr.write(`keel: could not build dist/: ${e.stack ?? e}\n`);
    process.exitCode = 1;
  });
}
