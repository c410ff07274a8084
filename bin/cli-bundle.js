// Loads Keel's CLI from its TypeScript sources as fast as possible.
//
// Through tsx every start resolves and compiles ~200 source modules and ~460 ESM files of kysely
// and typebox in tsx's loader thread: about a second before a command runs. So the first run
// bundles the CLI into one file with esbuild (about 0.2 s) under node_modules/.cache/keel/, and
// later runs import that file directly. The bundle's first line lists the files it was built
// from; any of them changed (or gone) since the build started, and the next run rebuilds. Where
// the bundle cannot be built or written (esbuild missing, read-only install) or KEEL_NO_BUNDLE
// is set, tsx runs the sources as before.
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'src', 'cli', 'main.ts');
const SRC = join(ROOT, 'src');
const BUNDLE = join(ROOT, 'node_modules', '.cache', 'keel', 'cli.mjs');
/** Changes whenever the build below does, so that older bundles are rebuilt. */
const BUILD = 2;
const HEADER = '// keel-cli-bundle ';
/**
 * Pure-JS packages of many small files, bundled in: kysely and typebox (~460 ESM files), and
 * DuckDB's JS layer (124 CommonJS files, 0.11-0.15 s to load one by one, 0.04 s bundled; its
 * native part, @duckdb/node-bindings, stays outside). Every other dependency stays an import
 * (native addons, and packages that find their own files at run time, such as pino's transports).
 */
const INLINE = new Set(['kysely', '@sinclair/typebox', '@duckdb/node-api']);
/** Loaded by an inlined package, not by Keel: outside the bundle too. */
const INLINED_PACKAGES_DEPENDENCIES = ['@duckdb/node-bindings'];

/** The CLI module: `{ main(argv) }`. */
export async function loadCli() {
  if (!process.env.KEEL_NO_BUNDLE) {
    try {
      if (!isFresh()) await build();
      return await import(pathToFileURL(BUNDLE).href);
    } catch (e) {
      if (process.env.KEEL_DEBUG_BUNDLE) process.stderr.write(`keel: running from sources (${e.message})\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(ENTRY).href);
}

function isFresh() {
  let first;
  try {
    first = firstLine(BUNDLE);
  } catch {
    return false;
  }
  let meta;
  try {
    meta = JSON.parse(first.slice(HEADER.length));
  } catch {
    return false;
  }
  if (!first.startsWith(HEADER) || meta.build !== BUILD || !Array.isArray(meta.inputs)) return false;
  for (const f of meta.inputs) {
    try {
      if (statSync(join(ROOT, f)).mtimeMs >= meta.startedAt) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The file's first line, read alone: the bundle is 2 MB, its header line a few KB. */
function firstLine(path) {
  const fd = openSync(path, 'r');
  try {
    for (let size = 64 << 10; ; size *= 4) {
      const buffer = Buffer.allocUnsafe(size);
      const read = readSync(fd, buffer, 0, size, 0);
      const end = buffer.subarray(0, read).indexOf(10);
      if (end >= 0) return buffer.toString('utf8', 0, end);
      if (read < size) return buffer.toString('utf8', 0, read);
    }
  } finally {
    closeSync(fd);
  }
}

async function build() {
  const esbuild = await import('esbuild');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies).filter((d) => !INLINE.has(d));
  // Before any file is read: a file saved during the build counts as newer than the bundle.
  const startedAt = Date.now() - 1;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...external, ...external.map((d) => `${d}/*`), ...INLINED_PACKAGES_DEPENDENCIES],
    // Inlined CommonJS code calls require() for what stays outside; an ES module has none.
    banner: { js: "import { createRequire as __keelCreateRequire } from 'node:module'; const require = __keelCreateRequire(import.meta.url);" },
    plugins: [sourceUrls],
    metafile: true,
    write: false,
    outfile: BUNDLE,
    logLevel: 'silent',
    legalComments: 'none',
  });
  // An inlined package stands for all its files by its package.json (its files change only with
  // a reinstall); Keel's package.json decides what is inlined.
  const inputs = new Set(['package.json']);
  for (const f of Object.keys(result.metafile.inputs)) {
    const pkgDir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(f);
    inputs.add(pkgDir ? `${pkgDir[1]}/package.json` : f);
  }
  const header = `${HEADER}${JSON.stringify({ build: BUILD, startedAt, inputs: [...inputs] })}\n`;
  mkdirSync(join(BUNDLE, '..'), { recursive: true });
  // Written whole, then renamed over the old one: a concurrent run sees one bundle or the other.
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  writeFileSync(tmp, header + result.outputFiles[0].text);
  renameSync(tmp, BUNDLE);
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
