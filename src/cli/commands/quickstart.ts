import type { Command } from 'commander';
import { Monitor } from '../../monitoring/index.js';
import type { ContextFactory } from '../context.js';
import { positiveInt } from '../option-values.js';
import { printJson, printLine, printWarning, progressBar } from '../output.js';
import { runQuickstart, type QuickstartResult } from '../quickstart/run-quickstart.js';
import { runCommand } from '../run-command.js';
import { exposedApiWarning } from '../server-ports.js';

interface QuickstartFlags {
  port?: string;
  servePort?: string;
  host?: string;
  rows: string;
  window: string;
  exit?: boolean;
}

const DEFAULT_API_PORT = '7070';
const DEFAULT_SERVE_PORT = '8080';

export function registerQuickstartCommand(program: Command, context: ContextFactory): void {
  program
    .command('quickstart')
    .description('the main job end to end: data, validation, training, registry, serving, drift, alert, retraining')
    .option('--port <port>', `platform API port (default: ${DEFAULT_API_PORT}, or a free one when another process holds it)`)
    .option('--serve-port <port>', `model server port (default: ${DEFAULT_SERVE_PORT}, or a free one when another process holds it)`)
    .option('--host <host>', 'address both servers bind (default KEEL_HOST or 127.0.0.1)')
    .option('--rows <n>', 'rows in the generated month of data', '20000')
    .option('--window <seconds>', 'monitor window; each traffic phase fills one (longer where 500 predictions take longer)', '5')
    .option('--exit', 'exit when done instead of leaving the servers running')
    .action(runCommand(context, async (ctx, flags: QuickstartFlags) => {
      ctx.requireLocal('the quickstart runs on the local store');
      const platform = await ctx.platform();
      const started = Date.now();
      const bar = progressBar();
      const result = await runQuickstart(platform, {
        apiPort: positiveInt('--port', flags.port ?? DEFAULT_API_PORT, 0),
        servePort: positiveInt('--serve-port', flags.servePort ?? DEFAULT_SERVE_PORT, 0),
        // A newcomer's machine often has something on 8080: the quickstart should run anyway.
        defaultPorts: { api: flags.port === undefined, serve: flags.servePort === undefined },
        onPortTaken: (w) => printWarning(`port ${w.port} on ${w.host} is in use by another process; the ${w.flag === '--port' ? 'platform API' : 'model server'} takes a free port instead (${w.flag} chooses one)`),
        host: flags.host ?? ctx.config.server.host,
        rows: positiveInt('--rows', flags.rows, 100),
        windowMs: positiveInt('--window', flags.window) * 1000,
        onProgress: (e) => bar.update(e),
        onListening: (api) => {
          if (api.exposed) printWarning(exposedApiWarning(api));
        },
        step: (title, detail) => {
          bar.done();
          if (!ctx.json) printLine(`✓ ${title}${detail ? `: ${detail}` : ''}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        },
      });
      const { close, ...summary } = result;
      try {
        if (flags.exit) {
          // Stopped before anything is said about them: with --exit the servers are gone.
          await close();
          if (ctx.json) printJson({ ...summary, serversRunning: false });
          else printDone(summary, (Date.now() - started) / 1000, ctx.options.home);
          return;
        }
        if (ctx.json) printJson({ ...summary, serversRunning: true });
        else {
          printLine();
          printLine(`Platform API: ${result.apiUrl}  (OpenAPI: ${result.apiUrl}/docs)`);
          printLine(`Model server: ${result.servingUrl}  (POST /v1/models/fraud:predict, /v2/models/fraud/infer, /metrics)`);
          printLine(`Try${withHome(ctx.options.home)}: ${TRY}`);
        }
        // Staying up: keep evaluating the monitor as new traffic arrives.
        const monitor = new Monitor(platform.monitoring, { intervalMs: 10_000 }).start();
        try {
          if (!ctx.json) printLine('Servers and the monitor are running; Ctrl-C to stop.');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          });
        } finally {
          await monitor.close();
        }
      } finally {
        await close();
      }
    }));
}

/** How the user ran keel: `npx keel` (the README's way, keel not on PATH) or `keel`. */
const KEEL = process.env.npm_command === 'exec' ? 'npx keel' : 'keel';

/** The commands that look at what the quickstart made; they read the store, so they work after it exits. */
const TRY = ['data ls', 'runs ls', 'models history fraud', 'monitor status fraud', 'alerts ls'].map((c) => `${KEEL} ${c}`).join(' | ');

/** The --home a user gave, to repeat with the commands above. */
function withHome(home: string | undefined): string {
  return home === undefined ? '' : ` (each with --home ${/^[\w@%+=:,./-]+$/.test(home) ? home : `'${home.replaceAll("'", "'\\''")}'`})`;
}

/** With --exit: what the run did, since its servers are gone. */
function printDone(r: Omit<QuickstartResult, 'close'>, seconds: number, home: string | undefined): void {
  const model = r.firstModel.name;
  const production = r.retrained?.version ?? r.firstModel.version;
  const retrained = r.retrained
    ? `, retrained version ${r.retrained.version} after ${r.alerts.length} drift alert(s)`
    : `, ${r.alerts.length} drift alert(s) and no new version`;
  printLine();
  printLine(`Done in ${seconds.toFixed(1)} s; the API and model servers have stopped.`);
  printLine(`Made: datasets ${r.datasets.join(', ')}; ${model} version ${r.firstModel.version} trained${retrained}; ${model}@production is version ${production}; ${r.traffic.sent} predictions logged and monitored.`);
  printLine(`Look at it${withHome(home)}: ${TRY}`);
  printLine(`Serve it again: ${KEEL} server and ${KEEL} serve ${model}@production, or ${KEEL} quickstart without --exit.`);
}
