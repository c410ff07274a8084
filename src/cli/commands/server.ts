import type { Command } from 'commander';
import { createApiServer } from '../../api/index.js';
import { Monitor } from '../../monitoring/index.js';
import { printJson, printLine } from '../output.js';
import { runCommand } from '../run-command.js';
import type { ContextFactory } from '../context.js';

export function registerServerCommand(program: Command, context: ContextFactory): void {
  program
    .command('server')
    .description('run the Keel platform API server (REST, OpenAPI at /docs)')
    .option('--host <host>', 'address to bind')
    .option('--port <port>', 'port to listen on')
    .option('--no-monitors', 'do not evaluate the stored monitors in this process')
    .option('--monitor-interval <seconds>', 'how often monitors are evaluated', '60')
    .action(runCommand(context, async (ctx, opts: { host?: string; port?: string; monitors: boolean; monitorInterval: string }) => {
      const platform = await ctx.platform();
      const app = await createApiServer(platform);
      const host = opts.host ?? ctx.config.server.host;
      const port = opts.port !== undefined ? Number(opts.port) : ctx.config.server.port;
      const address = await app.listen({ host, port });
      // The server also evaluates monitors (windows, alerts, retraining); run it with
      // --no-monitors on all but one replica, or run `keel monitor run --watch` on its own.
      const monitor = opts.monitors ? new Monitor(platform.monitoring, { intervalMs: Number(opts.monitorInterval) * 1000 }).start() : undefined;
      if (ctx.json) printJson({ url: address });
      else printLine(`Keel server listening on ${address} (API docs at ${address}/docs)`);
      await waitForSignal();
      await monitor?.close();
      await app.close();
    }));
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
