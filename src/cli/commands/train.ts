import type { Command } from 'commander';
import { invalidArgument, renamingFields } from '../../core/index.js';
import { MODEL_KINDS, type Task } from '../../models/index.js';
import { DEFAULT_EXPERIMENT, gitCommit, resumeTraining, train, trainingDeps, type SplitKind, type TrainRequest, type TrainResult } from '../../training/index.js';
import type { CliContext, ContextFactory } from '../context.js';
import { printJson, printLine, printTable, progressBar } from '../output.js';
import { interruptible } from '../interrupt.js';
import { runCommand } from '../run-command.js';

interface TrainFlags {
  dataset?: string;
  target?: string;
  model: string;
  param: string[];
  experiment?: string;
  split?: string;
  timeColumn?: string;
  validFraction?: string;
  testFraction?: string;
  seed?: string;
  register?: string | boolean;
  task?: string;
  features?: string;
  runName?: string;
  resume?: string;
  checkpointEvery?: string;
  progress?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerTrainCommand(program: Command, context: ContextFactory): void {
  program
    .command('train')
    .description('train a model on a dataset version, track the run and register the model')
    .option('--dataset <ref>', 'dataset NAME@VERSION (or NAME for the latest)')
    .option('--target <column>', 'the column to predict')
    .option('--model <kind>', `model kind (${Object.keys(MODEL_KINDS).join(', ')})`, 'gbdt')
    .option('--param <key=value>', 'a model param, repeatable (e.g. --param max_depth=6)', collect, [])
    .option('--experiment <name>', 'experiment to log the run in (default: Default)')
    .option('--split <kind>', 'random | stratified | time (default random; time when --time-column is given)')
    .option('--time-column <column>', 'order rows by this column for a time split (the earliest rows train)')
    .option('--valid-fraction <f>', 'fraction of rows for validation and early stopping (default 0.2)')
    .option('--test-fraction <f>', 'fraction of rows held out for the final test metrics (default 0.1)')
    .option('--seed <n>', 'seed for the split and the model (default 42)')
    .option('--task <task>', 'regression | binary | multiclass (default: inferred from the target)')
    .option('--features <columns>', 'comma-separated feature columns (default: all but the target and time column)')
    .option('--register <name>', 'register the model under this name (default: the dataset name)')
    .option('--no-register', 'do not register the model (it is still logged with the run)')
    .option('--run-name <name>', 'name of the tracking run')
    .option('--resume <runId>', 'resume a killed or failed run from its last checkpoint')
    .option('--checkpoint-every <n>', 'iterations between checkpoints (default 10)')
    .option('--no-progress', 'no progress bar on stderr')
    .action(runCommand(context, (ctx, flags: TrainFlags) => renamingFields(TRAIN_FIELDS, async () => {
      const every = checkpointEvery(flags.checkpointEvery);
      if (ctx.isRemote) {
        // The server trains synchronously: no progress bar, one result when it is done. The code
        // version is this checkout's, as a local run records it, not the server's.
        const client = ctx.client().training;
        const options = every === undefined ? {} : { checkpointEvery: every };
        const codeVersion = await gitCommit(process.cwd());
        const remote = flags.resume ? await client.resume(flags.resume, options)
          : await client.train({ ...requestFromFlags(flags), ...(codeVersion ? { codeVersion } : {}), ...options });
        if (ctx.json) printJson(remote);
        else printResult(remote as unknown as TrainResult, experimentName(flags));
        return;
      }
      const platform = await ctx.platform();
      const deps = trainingDeps(platform, ctx.config.home);
      const result = await runWithProgress(ctx, flags, every, (options) =>
        flags.resume ? resumeTraining(flags.resume, deps, options) : train(requestFromFlags(flags), deps, options));
      if (ctx.json) printJson(result);
      else printResult(result, experimentName(flags));
    })));
}

/**
 * The train request's fields (and the server's) as the flags the user typed: `split.validFraction`
 * is `--valid-fraction`, a param `params.max_depth` is `--param max_depth`. A linear model's
 * `features.region` (a string column it cannot take) is `--features region`, the flag that leaves
 * it out.
 */
const TRAIN_FIELDS = {
  dataset: '--dataset', target: '--target', model: '--model', params: '--param', 'params.*': '--param *',
  experiment: '--experiment', split: '--split', 'split.kind': '--split', 'split.timeColumn': '--time-column',
  'split.validFraction': '--valid-fraction', 'split.testFraction': '--test-fraction', seed: '--seed', task: '--task',
  features: '--features', 'features.*': '--features *', register: '--register', 'register.name': '--register',
  runName: '--run-name', resume: '--resume', runId: '--resume', run_id: '--resume', checkpointEvery: '--checkpoint-every',
} as const;

function requestFromFlags(f: TrainFlags): TrainRequest {
  if (!f.dataset) throw invalidArgument('--dataset', 'is required (NAME@VERSION)');
  if (!f.target) throw invalidArgument('--target', 'is required');
  const params: Record<string, string> = {};
  for (const p of f.param) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw invalidArgument('--param', `expected key=value, got '${p}'`);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const num = (v: string | undefined, field: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw invalidArgument(field, `expected a number, got '${v}'`);
    return n;
  };
  const validFraction = num(f.validFraction, '--valid-fraction');
  const testFraction = num(f.testFraction, '--test-fraction');
  const seed = num(f.seed, '--seed');
  return {
    dataset: f.dataset,
    target: f.target,
    model: f.model,
    params,
    split: {
      kind: (f.split ?? (f.timeColumn ? 'time' : 'random')) as SplitKind,
      ...(f.timeColumn ? { timeColumn: f.timeColumn } : {}),
      ...(validFraction !== undefined ? { validFraction } : {}),
      ...(testFraction !== undefined ? { testFraction } : {}),
    },
    ...(f.experiment ? { experiment: f.experiment } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(f.task ? { task: f.task as Task } : {}),
    ...(f.features ? { features: f.features.split(',').map((s) => s.trim()).filter((s) => s.length > 0) } : {}),
    ...(f.runName ? { runName: f.runName } : {}),
    ...(f.register === false ? { register: false as const } : typeof f.register === 'string' ? { register: { name: f.register } } : {}),
  };
}

function checkpointEvery(flag: string | undefined): number | undefined {
  const every = flag === undefined ? undefined : Number(flag);
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) throw invalidArgument('--checkpoint-every', `expected a positive integer, got '${flag}'`);
  return every;
}

/** Draws the bar, and on Ctrl-C stops the fit cleanly (the run is marked KILLED, its checkpoint kept). */
async function runWithProgress(
  ctx: CliContext,
  flags: TrainFlags,
  every: number | undefined,
  run: (options: Parameters<typeof train>[2]) => Promise<TrainResult>,
): Promise<TrainResult> {
  const bar = progressBar({ force: false });
  let runId: string | undefined;
  let interrupted = false;
  try {
    return await interruptible((signal) => {
      signal.addEventListener('abort', () => (interrupted = true));
      return run({
        signal,
        ...(every ? { checkpointEvery: every } : {}),
        onRunStarted: (r) => { runId = r.runId; },
        ...(flags.progress === false ? {} : { onProgress: (e) => bar.update({ ...e, metrics: shortMetrics(e.metrics) }) }),
      });
    });
  } catch (e) {
    if (interrupted && runId) {
      bar.done();
      if (!ctx.json) process.stderr.write(`interrupted; resume with: keel train --resume ${runId}\n`);
    }
    throw e;
  } finally {
    bar.done();
  }
}

/** The valid-set metric if there is one, else the train metric: one number beside the bar. */
function shortMetrics(m: Readonly<Record<string, number>> | undefined): Record<string, number> | undefined {
  if (!m) return undefined;
  const valid = Object.entries(m).filter(([k]) => k.startsWith('valid.'));
  return Object.fromEntries(valid.length > 0 ? valid : Object.entries(m).slice(0, 1));
}

/** The experiment by the name `runs ls --experiment` takes; unknown for a resumed run (its own). */
function experimentName(f: TrainFlags): string | undefined {
  return f.resume ? undefined : f.experiment ?? DEFAULT_EXPERIMENT;
}

function printResult(r: TrainResult, experiment: string | undefined): void {
  printLine(`trained ${r.model} (${r.task}) on ${r.dataset}, target '${r.target}': ${r.numIterations} iterations${r.resumed ? ' (resumed)' : ''}`);
  const s = r.split;
  printLine(`split: ${s.kind}, train ${s.trainRows} / valid ${s.validRows} / test ${s.testRows} rows, seed ${s.seed}`);
  printLine();
  const names = [...new Set([...Object.keys(r.metrics.valid), ...Object.keys(r.metrics.test)])];
  printTable(names.map((metric) => ({ metric, valid: r.metrics.valid[metric], test: r.metrics.test[metric] })), ['metric', 'valid', 'test']);
  printLine();
  printLine(`run: ${r.runId} (experiment ${experiment === undefined ? r.experimentId : `${experiment}, id ${r.experimentId}`})`);
  if (r.modelVersion) printLine(`model version: ${r.modelVersion.name} version ${r.modelVersion.version}`);
  else printLine('model version: not registered (--no-register)');
  if (r.codeVersion) printLine(`code version: ${r.codeVersion}`);
}
