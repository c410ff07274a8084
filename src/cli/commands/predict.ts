import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { invalidArgument } from '../../core/index.js';
import { batchPredict, DispatchingModelSource, FileModelSource, RegistryModelSource } from '../../serving/index.js';
import type { ContextFactory } from '../context.js';
import { printJson, printLine, progressBar } from '../output.js';
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
      const isFile = existsSync(opts.input);
      const platform = !isFile || !/\.onnx$/i.test(opts.model) ? await ctx.platform() : undefined;
      let input = resolve(opts.input);
      if (!isFile) {
        if (!opts.input.includes('@') && /\.(parquet|csv)$/i.test(opts.input)) throw invalidArgument('--input', `file '${opts.input}' not found`);
        input = await platform!.datasets.parquetPath(opts.input);
      }
      const source = new DispatchingModelSource(new FileModelSource(), platform ? new RegistryModelSource(platform.registry) : undefined);
      const bar = progressBar();
      const workers = Number(opts.workers);
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(workers) || workers < 1) throw invalidArgument('--workers', `expected a positive integer, got '${opts.workers}'`);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw invalidArgument('--batch-size', `expected a positive integer, got '${opts.batchSize}'`);
      const result = await batchPredict({
        source, ref: opts.model, input, output: resolve(opts.output), workers, batchSize,
        ...(opts.key ? { keyColumns: opts.key.split(',').map((k) => k.trim()) } : {}),
        tmpDir: join(ctx.config.home, 'tmp'),
        onProgress: (e) => bar.update(e),
      });
      bar.done();
      if (ctx.json) printJson(result);
      else printLine(`${result.rows} rows predicted by ${result.model.name}/${result.model.version} -> ${result.output} (${result.outputColumns.join(', ')})`);
    }));
}
