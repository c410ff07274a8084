import type { FastifyInstance } from 'fastify';
import { createApiServer, type Platform } from '../../api/index.js';
import type { Logger } from '../../core/index.js';
import { InferenceServer, RegistryModelSource } from '../../serving/index.js';
import { listenAddress, listenOn, type ListenAddress, type PortChoice } from '../server-ports.js';

/** The quickstart's two servers and the prediction logger between them, started and stopped together. */
export interface QuickstartServers {
  readonly api: ListenAddress;
  readonly serving: ListenAddress;
  flushPredictions(): Promise<void>;
  /** Stops the model server (its alias polling, workers and sessions), the logger and the API; again, it does nothing. */
  close(): Promise<void>;
}

/**
 * Starts the platform API and a model server for `model@production` that follows the alias; what
 * started before a failed start is stopped again, so a failure leaves nothing listening or polling.
 */
export async function startQuickstartServers(platform: Platform, model: string, api: PortChoice, serve: PortChoice): Promise<QuickstartServers> {
  const stops: (() => Promise<void>)[] = [];
  const close = once(() => stopAll(stops, platform.logger));
  try {
    const app: FastifyInstance = await createApiServer(platform, { accessLog: false });
    stops.unshift(() => app.close());
    const apiAddress = listenAddress(api.host, await listenOn(api, () => app.listen({ host: api.host, port: api.port })));
    const logger = platform.monitoring.createLogger({ flushIntervalMs: 100 });
    stops.unshift(() => logger.close());
    const serving = new InferenceServer({
      source: new RegistryModelSource(platform.registry),
      models: [{ ref: `${model}@production`, name: model }],
      deployment: model,
      pollIntervalMs: 500,
      predictionLogger: logger,
      logger: platform.logger,
    });
    // A failed start has closed the server already; a second close is harmless.
    stops.unshift(() => serving.close());
    const servingAddress = listenAddress(serve.host, await listenOn(serve, () => serving.start(serve)));
    return { api: apiAddress, serving: servingAddress, flushPredictions: () => logger.flush(), close };
  } catch (e) {
    // The start's own error is the one to tell; a failed stop was logged.
    await close().catch(() => undefined);
    throw e;
  }
}

/** Runs every stop, newest first, even after one fails; the first failure is thrown at the end. */
async function stopAll(stops: readonly (() => Promise<void>)[], logger: Logger): Promise<void> {
  let failure: unknown;
  for (const stop of stops) {
    try {
      await stop();
    } catch (e) {
      logger.warn({ err: e }, 'quickstart: stopping a server failed');
      failure ??= e;
    }
  }
  if (failure !== undefined) throw failure;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
