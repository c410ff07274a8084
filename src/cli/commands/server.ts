import type { Command } from 'commander';
import { createApiServer } from '../../api/index.js';
import { printJson, printLine } from '../output.js';
import { runCommand } from '../run-command.js';
import type { ContextFactory } from '../context.js';

export function registerServerCommand(program: Command, context: ContextFactory): void {
  program
    .command('server')
    .description('run the Keel platform API server (REST, OpenAPI at /docs)')
    .option('--host <host>', 'address to bind')
    .option('--port <port>', 'port to listen on')
    .action(runCommand(context, async (ctx, opts: { host?: string; port?: string }) => {
      const platform = await ctx.platform();
      const app = await createApiServer(platform);
      const host = opts.host ?? ctx.config.server.host;
      const port = opts.port !== undefined ? Number(opts.port) : ctx.config.server.port;
      const address = await app.listen({ host, port });
      if (ctx.json) printJson({ url: address });
      else printLine(`Keel server listening on ${address} (API docs at ${address}/docs)`);
      await waitForSignal();
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
