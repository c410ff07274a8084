// Starts, as the CLI process starts and before it loads, the worker threads its command is about
// to need, where that can be told from the command line alone: `keel data add NAME FILE.csv` of a
// file that the JS read path takes (src/data/plain-csv-read.ts: a CSV of 1 MiB or more, read with
// its default options, in this process). Their start (30-40 ms of CPU each, Node's own modules
// compiled in each new thread) then runs beside the CLI's load and its store's opening, on the
// other core, not after them (docs/datasets.md, "Plain CSV files"). A guess only: a command that
// does not use them leaves them idle, and one that uses them works the same with or without them.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { prestartWorkers } from './cli-bundle.js';

const PLAIN_CSV_WORKER = fileURLToPath(new URL('../src/data/plain-csv-worker.ts', import.meta.url));
/** src/data/plain-csv-read.ts's PLAIN_MIN_BYTES: a smaller file is read by DuckDB. */
const PLAIN_MIN_BYTES = 1 << 20;
/** Flags of `data add` after which its read is still the JS path's; each other one changes how the file is read, or where. */
const KEPT_FLAGS = new Set(['--json', '--home', '--description', '--log-level']);
/** Of those, the ones followed by a value (unless written --flag=value). */
const VALUED_FLAGS = new Set(['--home', '--description', '--log-level']);

/**
 * The workers to start for this command line (process.argv), as { entry, count }, or undefined.
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
  return { entry: PLAIN_CSV_WORKER, count: Math.max(1, Math.min(4, availableParallelism())) };
}

export function prestart(argv) {
  try {
    const plan = prestartPlan(argv);
    if (plan) prestartWorkers(plan.entry, plan.count);
  } catch {
    // Only a head start: the command starts its workers itself.
  }
}
