import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { KeelClient } from '../../client/index.js';
import { invalidArgument, lookupFor, makeWorkDir, renamingFields } from '../../core/index.js';
import { batchPredict, DispatchingModelSource, FileModelSource, RegistryModelSource, type ModelRegistryReader } from '../../serving/index.js';
import type { CliContext, ContextFactory } from '../context.js';
import { counted, printJson, printLine, progressBar } from '../output.js';
import { runCommand } from '../run-command.js';

interface PredictOptions {
  model: string;
  input: string;
  output: string;
  key?: string;
  batchSize: string;
  workers: string;
}

export function registerPredictCommand(program: Command, context: ContextFactory): void {
  program
    .command('predict')
    .description('batch inference: stream a Parquet/CSV file or dataset version through a model into a Parquet file')
    .requiredOption('--model <ref>', 'NAME@ALIAS, NAME/VERSION, NAME or FILE.onnx')
    .requiredOption('--input <source>', 'FILE.parquet, FILE.csv or DATASET@VERSION')
    .requiredOption('--output <file>', 'Parquet file to write (key columns + predictions)')
    .option('--key <columns>', 'comma-separated input columns to copy to the output (default: every non-feature column)')
    .option('--batch-size <rows>', 'rows per onnxruntime run', '8192')
    .option('--workers <n>', 'inference worker threads', '2')
    .action(runCommand(context, async (ctx, opts: PredictOptions) => {
      checkOutputName(opts.output);
      const work = ctx.isRemote ? await makeWorkDir(tmpdir(), 'keel-predict') : undefined;
      try {
        await predict(ctx, opts, work);
      } finally {
        if (work) await rm(work, { recursive: true, force: true });
      }
    }));
}

/**
 * The output is always Parquet: a name that says another format (`scored.csv`) would leave
 * Parquet bytes under a CSV name, which a spreadsheet or `pandas.read_csv` then fails on.
 */
function checkOutputName(output: string): void {
  const other = /\.(csv|tsv|txt|json|ndjson|jsonl)(\.(gz|zst))?$/i.exec(output);
  if (other) {
    throw invalidArgument('--output', `keel predict writes Parquet only; name the file .parquet, not .${other[1]!.toLowerCase()} (got '${output}')`);
  }
}

/** The fields the dataset lookup names, as the flag the user typed. */
const INPUT_FIELDS = { ref: '--input', name: '--input' } as const;

/**
 * batchPredict's fields, and those of the model's lookup (the registry's or the server's `ref`,
 * a file's `model`), as the flags the user typed: `key: no column 'x'` was read as no flag of
 * keel predict. The input is a file there, so a `ref` or `name` can only be the model's.
 */
const PREDICT_FIELDS = {
  key: '--key', input: '--input', model: '--model', ref: '--model', name: '--model', alias: '--model', version: '--model', batchSize: '--batch-size', workers: '--workers', output: '--output',
} as const;

/**
 * Runs the model here, in worker threads. With --server, a registered model and a dataset input
 * come from the server, downloaded into `work`; files are read from this machine either way.
 */
async function predict(ctx: CliContext, opts: PredictOptions, work: string | undefined): Promise<void> {
  const isFile = existsSync(opts.input);
  const fromStore = !isFile || !/\.onnx$/i.test(opts.model);
  const platform = fromStore && !work ? await ctx.platform() : undefined;
  const remote = fromStore && work ? ctx.client() : undefined;
  let input = resolve(opts.input);
  if (!isFile) {
    if (!opts.input.includes('@') && /\.(parquet|csv)$/i.test(opts.input)) throw invalidArgument('--input', `file '${opts.input}' not found`);
    // A dataset (version) that does not exist, or a malformed ref: the server's download and the store name it `ref`.
    input = await renamingFields(INPUT_FIELDS, () => lookupFor('--input', async () => {
      if (!remote) return platform!.datasets.parquetPath(opts.input);
      const download = join(work!, 'input.parquet');
      await remote.datasets.download(opts.input, download);
      return download;
    }));
  }
  const registry = remote ? downloadingRegistry(remote, work!) : platform?.registry;
  const source = new DispatchingModelSource(new FileModelSource(), registry ? new RegistryModelSource(registry) : undefined);
  const bar = progressBar();
  const workers = Number(opts.workers);
  const batchSize = Number(opts.batchSize);
  if (!Number.isInteger(workers) || workers < 1) throw invalidArgument('--workers', `expected a positive integer, got '${opts.workers}'`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw invalidArgument('--batch-size', `expected a positive integer, got '${opts.batchSize}'`);
  const result = await renamingFields(PREDICT_FIELDS, () => batchPredict({
    source, ref: opts.model, input, output: resolve(opts.output), workers, batchSize,
    // A dataset's stored Parquet is named by the ref given, not by its path in the artifact store.
    ...(isFile ? {} : { inputName: opts.input }),
    ...(opts.key ? { keyColumns: opts.key.split(',').map((k) => k.trim()) } : {}),
    tmpDir: work ?? join(ctx.config.home, 'tmp'),
    onProgress: (e) => bar.update(e),
  }));
  bar.done();
  if (ctx.json) printJson(result);
  else printLine(`${counted(result.rows, 'row')} predicted by ${result.model.name}/${result.model.version} -> ${result.output} (${result.outputColumns.join(', ')})`);
}

/** The server's registry as serving reads one: a version's ONNX is downloaded into `work`. */
function downloadingRegistry(client: KeelClient, work: string): ModelRegistryReader {
  return {
    resolve: (ref) => client.registry.resolve(ref),
    onnxPath: async (mv) => {
      const path = join(work, `model-${mv.version}.onnx`);
      await writeFile(path, await client.registry.downloadOnnx(mv.name, mv.version));
      return path;
    },
  };
}
