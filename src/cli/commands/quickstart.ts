import type { Command } from 'commander';
import { invalidArgument } from '../../core/index.js';
import { Monitor } from '../../monitoring/index.js';
import type { ContextFactory } from '../context.js';
import { printJson, printLine, progressBar } from '../output.js';
import { runQuickstart } from '../quickstart/run-quickstart.js';
import { runCommand } from '../run-command.js';

interface QuickstartFlags {
  port?: string;
  servePort?: string;
  host?: string;
  rows?: string;
  window?: string;
  exit?: boolean;
}

export function registerQuickstartCommand(program: Command, context: ContextFactory): void {
  program
    .command('quickstart')
    .description('the main job end to end: data, validation, training, registry, serving, drift, alert, retraining')
    .option('--port <port>', 'platform API port', '7070')
    .option('--serve-port <port>', 'model server port', '8080')
    .option('--host <host>', 'address to bind')
    .option('--rows <n>', 'rows in the generated month of data', '20000')
    .option('--window <seconds>', 'monitor window; each traffic phase fills one', '5')
    .option('--exit', 'exit when done instead of leaving the servers running')
    .action(runCommand(context, async (ctx, flags: QuickstartFlags) => {
      if (ctx.isRemote) throw invalidArgument('--server', 'the quickstart runs on the local store; drop --server');
      const platform = await ctx.platform();
      const started = Date.now();
      const bar = progressBar();
      const result = await runQuickstart(platform, {
        apiPort: int('--port', flags.port),
        servePort: int('--serve-port', flags.servePort),
        host: flags.host ?? ctx.config.server.host,
        rows: int('--rows', flags.rows, 100),
        windowMs: int('--window', flags.window, 1) * 1000,
        onProgress: (e) => bar.update(e),
        step: (title, detail) => {
          bar.done();
          if (!ctx.json) printLine(`✓ ${title}${detail ? `: ${detail}` : ''}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        },
      });
      const { close, ...summary } = result;
      if (ctx.json) printJson(summary);
      else {
        printLine();
        printLine(`Platform API: ${result.apiUrl}  (OpenAPI: ${result.apiUrl}/docs)`);
        printLine(`Model server: ${result.servingUrl}  (POST /v1/models/fraud:predict, /v2/models/fraud/infer, /metrics)`);
        printLine('Try: keel data ls | keel runs ls | keel models history fraud | keel monitor status fraud | keel alerts ls');
      }
      if (flags.exit) {
        await close();
        return;
      }
      // Staying up: keep evaluating the monitor as new traffic arrives.
      const monitor = new Monitor(platform.monitoring, { intervalMs: 10_000 }).start();
      if (!ctx.json) printLine('Servers and the monitor are running; Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await monitor.close();
      await close();
    }));
}

function int(flag: string, value: string | undefined, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw invalidArgument(flag, `expected an integer >= ${min}, got '${value}'`);
  return n;
}
