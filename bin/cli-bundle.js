// Loads Keel's CLI from its TypeScript sources as fast as possible.
//
// Through tsx every start resolves and compiles ~200 source modules and ~460 ESM files of kysely
// and typebox in tsx's loader thread: about a second before a command runs. So the first run
// bundles the CLI into one file with esbuild (about 0.2 s) under node_modules/.cache/keel/, and
// later runs load that file directly. The bundle's first line lists the files it was built
// from; any of them changed (or gone) since the build started, and the next run rebuilds. Where
// the bundle cannot be built or written (esbuild missing, read-only install) or KEEL_NO_BUNDLE
// is set, tsx runs the sources as before.
//
// The bundle is CommonJS, compiled through vm.Script with V8's code cache (cli.cjs.v8, written
// by the first run of each build): V8 then skips parsing and compiling the 2 MB bundle, ~50 ms of
// each start. Node 20 has no code cache for ES modules (module.enableCompileCache is Node 22).
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { Worker } from 'node:worker_threads';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'src', 'cli', 'main.ts');
const SRC = join(ROOT, 'src');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'keel');
const BUNDLE = join(CACHE_DIR, 'cli.cjs');
/** Changes whenever the build below does, so that older bundles are rebuilt. */
const BUILD = 3;
const HEADER = '// keel-cli-bundle ';
/**
 * Pure-JS packages of many small files, bundled in: kysely and typebox (~460 ESM files), and
 * DuckDB's JS layer (124 CommonJS files, 0.11-0.15 s to load one by one, 0.04 s bundled; its
 * native part, @duckdb/node-bindings, stays outside). Every other dependency stays a require()
 * (native addons, and packages that find their own files at run time, such as pino's transports):
 * all of them are CommonJS, as a CommonJS bundle needs.
 */
const INLINE = new Set(['kysely', '@sinclair/typebox', '@duckdb/node-api']);
/** Loaded by an inlined package, not by Keel: outside the bundle too. */
const INLINED_PACKAGES_DEPENDENCIES = ['@duckdb/node-bindings'];

/** The CLI module: `{ main(argv) }`. */
export async function loadCli() {
  if (!process.env.KEEL_NO_BUNDLE) {
    try {
      const bundle = freshBundle() ?? (await build());
      return runCached(bundle.text, { filename: BUNDLE, cachePath: `${BUNDLE}.v8`, id: bundle.id });
    } catch (e) {
      if (process.env.KEEL_DEBUG_BUNDLE) process.stderr.write(`keel: running from sources (${e.message})\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(ENTRY).href);
}

/** The bundle's text and build id, if it was built by this BUILD from the files as they are now. */
function freshBundle(path = BUNDLE) {
  let text;
  try {
    text = readAscii(path);
  } catch {
    return undefined;
  }
  let meta;
  try {
    if (!text.startsWith(HEADER)) return undefined;
    meta = JSON.parse(text.slice(HEADER.length, text.indexOf('\n')));
  } catch {
    return undefined;
  }
  if (meta.build !== BUILD || typeof meta.id !== 'string' || !Array.isArray(meta.inputs)) return undefined;
  return changedInput(ROOT, meta) === undefined ? { text, id: meta.id } : undefined;
}

/**
 * The first of a build's `inputs` (paths relative to `root`) changed or gone since the build
 * started (`startedAt`, ms): the CLI bundle's check, and dist/'s (bin/sdk-build.js).
 */
export function changedInput(root, { inputs, startedAt }) {
  for (const f of inputs) {
    const stat = statSync(join(root, f), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs >= startedAt) return f;
  }
  return undefined;
}

/**
 * A file's text, read as latin1: a string of one byte a character, made without the UTF-8
 * decoding that cost ~20 ms of a start for 2 MB. The bundle is ASCII (build() makes it so).
 */
function readAscii(path) {
  return readFileSync(path, 'latin1');
}

/**
 * Runs CommonJS `text` as the module `filename`, with V8's code cache at `cachePath`: used when it
 * was made for the build `id`, and (re)written at exit when missing, made for another build or
 * rejected by V8 (another Node version or V8 flags). V8 checks only the source's length, so the
 * id, not V8, ties a cache to its bundle. Returns the module's exports.
 */
export function runCached(text, { filename, cachePath, id }) {
  const tag = Buffer.from(`keel-v8 ${id}\n`);
  let cachedData;
  try {
    const file = readFileSync(cachePath);
    if (file.subarray(0, tag.length).equals(tag)) cachedData = file.subarray(tag.length);
  } catch {
    // None yet: made below.
  }
  // On the first line, as Node wraps a CommonJS module, so that line numbers stay the bundle's.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const script = new Script(wrapped, { filename, ...(cachedData ? { cachedData } : {}) });
  if (!cachedData || script.cachedDataRejected) {
    // At exit the cache holds the functions this run compiled too, not only the top level.
    process.once('exit', () => {
      try {
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([tag, script.createCachedData()]));
        // Renamed over the old one: a concurrent run reads one whole cache or the other.
        renameSync(tmp, cachePath);
      } catch {
        // A read-only install runs without the cache.
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
  return module.exports;
}

async function build() {
  const esbuild = await import('esbuild');
  // Before any file is read: a file saved during the build counts as newer than the bundle.
  const startedAt = Date.now() - 1;
  const text = bundleText(await esbuild.build(bundleOptions(ENTRY, BUNDLE)), startedAt);
  writeWhole(BUNDLE, text);
  // The ES module bundle of earlier builds.
  rmSync(join(CACHE_DIR, 'cli.mjs'), { force: true });
  return { text, id: JSON.parse(text.slice(HEADER.length, text.indexOf('\n'))).id };
}

/**
 * A bundle of the worker entry point `entry` (a .ts file under src/), built when missing or stale
 * as the CLI's is, under node_modules/.cache/keel/workers/; its path, or undefined where it cannot
 * be built (the caller then starts the worker through tsx). A worker started through tsx
 * compiles its module graph in its own loader thread: 1 to 1.5 s on a 2-core machine, where the
 * bundle starts in tens of ms (docs/datasets.md, "Plain CSV files").
 */
export async function workerBundle(entry) {
  const out = workerBundlePath(entry);
  if (out === undefined) return undefined;
  if (freshBundle(out)) return out;
  try {
    const esbuild = await import('esbuild');
    const startedAt = Date.now() - 1;
    writeWhole(out, bundleText(await esbuild.build(bundleOptions(entry, out)), startedAt));
    return out;
  } catch {
    return undefined;
  }
}

/** Where workerBundle keeps the bundle of `entry`; undefined where it makes none. */
function workerBundlePath(entry) {
  if (process.env.KEEL_NO_BUNDLE) return undefined;
  const name = relative(SRC, entry);
  if (name.startsWith('..') || !name.endsWith('.ts')) return undefined;
  return join(CACHE_DIR, 'workers', `${name.replaceAll(sep, '__').slice(0, -3)}.cjs`);
}

/** Workers started ahead of their use (prestartWorkers), by bundle path: process-wide, as the CLI bundle is another module instance. */
const PRESTARTED = Symbol.for('keel.prestartedWorkers');

/**
 * Starts `count` workers of `entry`'s bundle now, where it is built and fresh, for a command about
 * to need them (bin/prestart.js): a worker's start (Node's own modules compiled in the new thread,
 * then the bundle) takes 30-40 ms of CPU, about 0.1 s of the clock when two start beside a busy
 * main thread, and that way it happens while the CLI loads instead. They do not keep the process
 * alive (unref) until startBundledWorker takes one (takePrestartedWorker); a command that needs
 * none leaves them idle until it exits.
 */
export function prestartWorkers(entry, count) {
  const out = workerBundlePath(entry);
  if (out === undefined || !freshBundle(out)) return;
  const started = (globalThis[PRESTARTED] ??= new Map());
  const workers = started.get(out) ?? [];
  for (let k = 0; k < count; k++) {
    const worker = new Worker(out);
    worker.unref();
    // One that failed or stopped before it was taken is not taken (the caller starts another).
    const drop = () => workers.splice(workers.indexOf(worker) >>> 0, 1);
    worker.once('error', drop).once('exit', drop);
    workers.push(worker);
  }
  started.set(out, workers);
}

/** A worker prestartWorkers started from the bundle at `path`, kept alive again; undefined when there is none left. */
export function takePrestartedWorker(path) {
  const worker = globalThis[PRESTARTED]?.get(path)?.shift();
  if (worker === undefined) return undefined;
  worker.removeAllListeners('error').removeAllListeners('exit');
  worker.ref();
  return worker;
}

/** esbuild's options for a CommonJS bundle of `entry` (Keel's sources, pure-JS packages inlined). */
function bundleOptions(entry, outfile) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies).filter((d) => !INLINE.has(d));
  return {
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() of a package becomes require(): vm.Script has no ESM loader of its own (Node 20's
    // is experimental and warns), and every package left outside is CommonJS.
    supported: { 'dynamic-import': false },
    external: [...external, ...external.map((d) => `${d}/*`), ...INLINED_PACKAGES_DEPENDENCIES],
    plugins: [sourceUrls],
    metafile: true,
    write: false,
    outfile,
    logLevel: 'silent',
    legalComments: 'none',
  };
}

/** The bundle's text: a header line (build, id, start, inputs; read by freshBundle), then the code. */
function bundleText(result, startedAt) {
  // An inlined package stands for all its files by its package.json (its files change only with
  // a reinstall); Keel's package.json decides what is inlined.
  const inputs = new Set(['package.json']);
  for (const f of Object.keys(result.metafile.inputs)) {
    const pkgDir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(f);
    inputs.add(pkgDir ? `${pkgDir[1]}/package.json` : f);
  }
  const id = randomBytes(8).toString('hex');
  const header = `${HEADER}${JSON.stringify({ build: BUILD, id, startedAt, inputs: [...inputs] })}\n`;
  // esbuild escapes every non-ASCII character of the code; what is left is in comments, where
  // an escape reads as well, and the file can be read as latin1 (readAscii).
  return header + result.outputFiles[0].text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
}

/** Written whole, then renamed over the old one: a concurrent run sees one bundle or the other. */
function writeWhole(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, 'latin1');
  renameSync(tmp, path);
}

/**
 * In a bundle every module's `import.meta.url` would be the bundle's own. Keel's modules use it
 * to find files beside them (worker entry points, test data), so each keeps its source file's URL.
 */
const sourceUrls = {
  name: 'keel-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (relative(SRC, args.path).startsWith('..')) return undefined;
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};
