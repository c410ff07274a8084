// Starts, as the CLI process starts and before it loads, the worker threads its command is about
// to need, where that can be told from the command line alone: `keel data add NAME FILE.csv` of a
// file that the JS read path takes (src/data/plain-csv-read.ts: a CSV of 1 MiB or more, read with
// its default options, in this process). Their start (30-40 ms of CPU each, Node's own modules
// compiled in each new thread) then runs beside the CLI's load and its store's opening, on the
// other core, not after them (docs/datasets.md, "Plain CSV files"). A guess only: a command that
// does not use them leaves them idle, and one that uses them works the same with or without them.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { prestartWorkers } from './cli-bundle.js';

const PLAIN_CSV_WORKER = fileURLToPath(new URL('../src/data/plain-csv-worker.ts', import.meta.url));
/** src/data/plain-csv-read.ts's PLAIN_MIN_BYTES: a smaller file is read by DuckDB. */
const PLAIN_MIN_BYTES = 1 << 20;
/** Flags of `data add` after which its read is still the JS path's; each other one changes how the file is read, or where. */
const KEPT_FLAGS = new Set(['--json', '--home', '--description', '--log-level']);
/** Of those, the ones followed by a value (unless written --flag=value). */
const VALUED_FLAGS = new Set(['--home', '--description', '--log-level']);

/**
 * The workers to start for this command line (process.argv), as { entry, count, file }, or undefined.
 * `sizeOf` gives a file's size (undefined when there is none).
 */
export function prestartPlan(argv, env = process.env, sizeOf = (f) => statSync(f, { throwIfNoEntry: false })?.size) {
  const args = argv.slice(2);
  if (args[0] !== 'data' || args[1] !== 'add' || env.KEEL_SERVER) return undefined;
  const positional = [];
  for (let k = 2; k < args.length; k++) {
    const [flag, value] = args[k].split(/=(.*)/s);
    if (!flag.startsWith('-')) positional.push(args[k]);
    else if (!KEPT_FLAGS.has(flag)) return undefined;
    else if (VALUED_FLAGS.has(flag) && value === undefined) k++;
  }
  const file = positional[1];
  if (positional.length !== 2 || !file.toLowerCase().endsWith('.csv') || !((sizeOf(file) ?? 0) >= PLAIN_MIN_BYTES)) return undefined;
  return { entry: PLAIN_CSV_WORKER, count: Math.max(1, Math.min(4, availableParallelism())), file };
}

export function prestart(argv) {
  try {
    const plan = prestartPlan(argv);
    if (!plan) return;
    prestartWorkers(plan.entry, plan.count);
    prestartHash(plan.file);
  } catch {
    // Only a head start: the command starts its workers and its hash itself.
  }
}

/** src/core/file-stamps.ts's map of these hashes, which it takes them from (prestartedHash). */
const PRESTARTED_HASHES = Symbol.for('keel.prestartedHashes');

/**
 * The file's sha256 (the add's content hash, src/data/source-files.ts's) in a thread of its own,
 * started now, at the lowest priority (nice 19, a Linux thread's own): it runs on the core the
 * CLI's load leaves idle, and yields to the parse after. With the file's stamps before and after
 * (src/core/file-stamps.ts's stampKey), which the add's own must equal for the hash to be taken.
 */
function prestartHash(file) {
  const path = resolve(file);
  const worker = new Worker(HASH_SOURCE, { eval: true, workerData: path });
  worker.unref();
  const result = new Promise((done) => {
    worker.once('message', done);
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
  (globalThis[PRESTARTED_HASHES] ??= new Map()).set(path, { worker, result });
}

const HASH_SOURCE = `
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync, readlinkSync, statSync } = require('node:fs');
const { setPriority } = require('node:os');
const { parentPort, workerData: path } = require('node:worker_threads');
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // Not Linux, or no /proc: the hash runs at the priority it has.
}
const stamp = () => { const s = statSync(path, { bigint: true }); return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(' '); };
const before = stamp();
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(1 << 20);
const fd = openSync(path, 'r');
try {
  for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
} finally {
  closeSync(fd);
}
parentPort.postMessage(stamp() === before ? { sha: hash.digest('hex'), stamp: before } : undefined);
`;
