import type { Command } from 'commander';
import { createApiServer } from '../../api/index.js';
import { Monitor } from '../../monitoring/index.js';
import { positiveInt, positiveSeconds } from '../option-values.js';
import { printJson, printLine, printWarning } from '../output.js';
import { runCommand } from '../run-command.js';
import { exposedApiWarning, listenAddress, listenOn } from '../server-ports.js';
import type { ContextFactory } from '../context.js';

export function registerServerCommand(program: Command, context: ContextFactory): void {
  program
    .command('server')
    .description('run the Keel platform API server (REST, OpenAPI at /docs)')
    .option('--host <host>', 'address to bind (default KEEL_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default KEEL_PORT or 7070)')
    .option('--no-monitors', 'do not evaluate the stored monitors in this process')
    .option('--monitor-interval <seconds>', 'how often monitors are evaluated', '60')
    .option('--max-body-mb <mb>', 'largest request body, a dataset upload included, in MiB (bigger: 413)', '1024')
    .action(runCommand(context, async (ctx, opts: { host?: string; port?: string; monitors: boolean; monitorInterval: string; maxBodyMb: string }) => {
      // A server serves its own store; `--server` (or a KEEL_SERVER left in the shell) was
      // ignored here, so `keel --server URL server` started a second server on ./.keel unseen.
      ctx.requireLocal('keel server serves its own store (--home, KEEL_HOME or KEEL_DATABASE_URL), not another Keel server');
      const bodyLimit = positiveInt('--max-body-mb', opts.maxBodyMb) * 1024 * 1024;
      const port = opts.port !== undefined ? positiveInt('--port', opts.port, 0) : ctx.config.server.port;
      // setInterval takes NaN or 0 as 1 ms: monitors would be evaluated without a pause.
      const monitorIntervalMs = positiveSeconds('--monitor-interval', opts.monitorInterval) * 1000;
      const platform = await ctx.platform();
      const app = await createApiServer(platform, { bodyLimit });
      const host = opts.host ?? ctx.config.server.host;
      const address = listenAddress(host, await listenOn({ host, port, flag: '--port' }, () => app.listen({ host, port })));
      // The server also evaluates monitors (windows, alerts, retraining); run it with
      // --no-monitors on all but one replica, or run `keel monitor run --watch` on its own.
      const monitor = opts.monitors ? new Monitor(platform.monitoring, { intervalMs: monitorIntervalMs }).start() : undefined;
      if (ctx.json) printJson({ url: address.shown });
      else printLine(`Keel server listening on ${address.where} (API docs at ${address.shown}/docs)`);
      if (address.exposed) printWarning(exposedApiWarning(address));
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
