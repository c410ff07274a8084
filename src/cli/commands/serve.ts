import cluster, { type Worker } from 'node:cluster';
import type { Command } from 'commander';
import { KeelError, createLogger, invalidArgument, isKeelError, toKeelError, type ErrorCode } from '../../core/index.js';
import {
  checkDeploymentName, DispatchingModelSource, FileModelSource, InferenceServer, LruCacheStore, RedisCacheStore, RegistryModelSource,
  type BatchingOptions, type CacheStore, type ServeModelSpec,
} from '../../serving/index.js';
import type { PredictionLogger } from '../../monitoring/index.js';
import type { CliContext, ContextFactory } from '../context.js';
import { printJson, printLine, printTable, printWarning } from '../output.js';
import { runCommand } from '../run-command.js';
import { registerPredictCommand } from './predict.js';
import { positiveInt } from '../option-values.js';
import { assertPortFree, exposedServingWarning, listenAddress, listenOn, type ListenAddress, type PortChoice } from '../server-ports.js';

interface ServeOptions {
  host?: string;
  port: string;
  batching: string;
  maxBatchSize: string;
  maxQueueDelayUs: string;
  preferredBatchSizes?: string;
  maxQueueSize: string;
  cache: string;
  cacheMaxMb: string;
  workers: string;
  intraOpThreads: string;
  interOpThreads: string;
  pollMs: string;
  name?: string;
  logSampleRate: string;
  allowMissing?: boolean;
  maxBodyMb: string;
  httpProcesses: string;
}

function onOff(flag: string, text: string): boolean {
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw invalidArgument(flag, `expected on or off, got '${text}'`);
}

/** `NAME=REF` serves REF under another name; REF alone serves under the model's own name. */
function parseRef(text: string): ServeModelSpec {
  const eq = text.indexOf('=');
  return eq > 0 ? { ref: text.slice(eq + 1), name: text.slice(0, eq) } : { ref: text };
}

export function registerServeCommand(program: Command, context: ContextFactory): void {
  program
    .command('serve')
    .description('serve models over the Open Inference Protocol (KServe V2 REST), /v1 :predict and /metrics')
    .argument('<models...>', "model refs: NAME@ALIAS, NAME/VERSION, NAME/STAGE, NAME (newest), or FILE.onnx; SERVED=REF renames")
    .option('--host <host>', 'address to bind (default KEEL_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--batching <on|off>', 'dynamic batching of concurrent requests', 'on')
    .option('--max-batch-size <n>', 'rows per onnxruntime run at most', '64')
    .option('--max-queue-delay-us <us>', 'how long a request may wait for others to batch with (0: only those already waiting)', '0')
    .option('--preferred-batch-sizes <list>', 'comma-separated batch sizes to form when possible')
    .option('--max-queue-size <n>', 'waiting requests per model before 503 + Retry-After', '4096')
    .option('--cache <on|off>', 'prediction cache (in-process LRU, or Redis when KEEL_REDIS_URL is set)', 'on')
    .option('--cache-max-mb <mb>', 'in-process cache bound in MiB', '64')
    .option('--workers <n>', 'inference worker threads', '1')
    .option('--intra-op-threads <n>', 'onnxruntime intra-op threads per session', '1')
    .option('--inter-op-threads <n>', 'onnxruntime inter-op threads per session', '1')
    .option('--poll-ms <ms>', 'how often aliases are re-resolved to follow moves (0: never)', '5000')
    .option('--name <deployment>', 'deployment name written to the prediction log (default: the model name of each request)')
    .option('--log-sample-rate <rate>', 'share of requests written to the prediction log (0..1)', '1')
    .option('--allow-missing', 'FILE.onnx models: accept NaN (null in JSON) in float inputs')
    .option('--max-body-mb <mb>', 'largest request body in MiB (bigger: 413)', '64')
    .option('--http-processes <n>', 'HTTP processes sharing the port (node:cluster), each with its own workers and models', '1')
    .action(runCommand(context, async (ctx, opts: ServeOptions, refs: string[]) => {
      // Checked before any serving process, worker thread or log writer exists: they would keep the process alive after the error.
      if (opts.name !== undefined) checkDeploymentName(opts.name, '--name');
      const procs = positiveInt('--http-processes', opts.httpProcesses);
      if (procs > 1 && cluster.isPrimary) {
        // A port another process holds fails here, before any serving process is forked.
        await assertPortFree(servePort(ctx, opts));
        await runCluster(ctx.json, procs);
        return;
      }
      let started: Awaited<ReturnType<typeof startServer>>;
      try {
        started = await startServer(ctx, opts, refs);
      } catch (e) {
        if (!cluster.isWorker) throw e;
        await reportToPrimary(e);
        return;
      }
      const { server, predictionLogger, address } = started;
      const models = server.manager.list().map((m) => ({ name: m.name, version: m.version, ref: refs.find((r) => r.includes(m.name)) ?? '', inputs: m.signature.inputs.map((s) => `${s.name}:${s.datatype}[${s.shape.join(',')}]`).join(' ') }));
      if (cluster.isWorker) process.send?.({ listening: address } satisfies Listening);
      else {
        if (ctx.json) printJson({ url: address.shown, models });
        else {
          printLine(`Keel serving on ${address.where} (OIP: ${address.shown}/v2/models/<name>/infer, metrics: ${address.shown}/metrics)`);
          printTable(models);
        }
        if (address.exposed) printWarning(exposedServingWarning(address));
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await server.close();
      await predictionLogger?.close();
      // A cluster worker's IPC channel would keep it alive after the server is closed.
      cluster.worker?.disconnect();
    }));
  registerPredictCommand(program, context);
}


async function startServer(ctx: CliContext, opts: ServeOptions, refs: string[]): Promise<{ server: InferenceServer; predictionLogger: PredictionLogger | undefined; address: ListenAddress }> {
  // Checked before the server exists: its worker threads and log writer would keep the process alive after the error.
  const where = servePort(ctx, opts);
  // A port another process holds fails at once, before the metadata store, the server and its
  // workers are opened and closed again (a cluster's primary checked it before forking).
  const { server, predictionLogger } = await buildServer(ctx, opts, refs, () => (cluster.isWorker ? Promise.resolve() : assertPortFree(where)));
  return { server, predictionLogger, address: listenAddress(where.host, await listenOn(where, () => server.start(where))) };
}

/** What a serving process that started tells the primary: where it listens (all of them listen there). */
interface Listening {
  readonly listening: ListenAddress;
}

/** What a serving process that failed to start tells the primary, which prints it once for all of them. */
interface StartFailure {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly field?: string };
}

/** A serving process's failed start, sent to the primary; the process then lets go of it and ends. */
async function reportToPrimary(e: unknown): Promise<void> {
  const err = toKeelError(e);
  // An unexpected error keeps its stack, as the CLI prints it for one process.
  const failure: StartFailure = { error: { ...err.toJSON(), ...(isKeelError(e) ? {} : { message: (e as Error)?.stack ?? err.message }) } };
  await new Promise<void>((resolve) => process.send?.(failure, undefined, undefined, () => resolve()) ?? resolve());
  process.exitCode = err.exitCode;
  cluster.worker?.disconnect();
}

/** The primary of `--http-processes N`: forks N serving processes and stops them on a signal. */
async function runCluster(json: boolean, procs: number): Promise<void> {
  const workers = Array.from({ length: procs }, () => cluster.fork());
  // A process that failed to start has let go of its IPC channel: a message to it then fails
  // (EPIPE), which, unheard, would end the primary before it says why.
  for (const w of workers) w.on('error', () => undefined);
  const stopAll = () => Promise.all(workers.filter((w) => !w.isDead()).map((w) => new Promise<void>((resolve) => {
    w.once('exit', () => resolve());
    if (w.isConnected()) w.kill('SIGTERM');
    else w.process.kill('SIGTERM');
  })));
  let address: ListenAddress;
  try {
    address = await allStarted(workers);
  } catch (e) {
    await stopAll();
    throw e;
  }
  if (json) printJson({ url: address.shown, processes: procs });
  else printLine(`Keel serving on ${address.where} in ${procs} processes sharing the port`);
  if (address.exposed) printWarning(exposedServingWarning(address));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await stopAll();
}

/** Resolves, with where they listen, when every process is serving; rejects with the first one's error (a port in use) otherwise. */
function allStarted(workers: readonly Worker[]): Promise<ListenAddress> {
  let ready = 0;
  return new Promise<ListenAddress>((resolve, reject) => {
    for (const w of workers) {
      w.on('message', (m: Listening | StartFailure) => {
        if (typeof m !== 'object' || m === null) return;
        if ('listening' in m) {
          if (++ready === workers.length) resolve(m.listening);
        } else reject(new KeelError(m.error.code, m.error.message, { field: m.error.field }));
      });
      // 'close' comes after the process's IPC channel closed, so after any StartFailure it sent.
      w.process.once('close', (code) => reject(new KeelError('UNAVAILABLE', `a serving process exited with code ${code} while starting`)));
    }
  });
}

/** Where `keel serve` listens: --host (or the configured host) and --port. */
function servePort(ctx: CliContext, opts: ServeOptions): PortChoice {
  return { host: opts.host ?? ctx.config.server.host, port: positiveInt('--port', opts.port, 0), flag: '--port' };
}

/** The server on the flags, checked first; `portFree` runs once they are, before anything is opened. */
async function buildServer(ctx: CliContext, opts: ServeOptions, refs: string[], portFree: () => Promise<void>): Promise<{ server: InferenceServer; predictionLogger: PredictionLogger | undefined }> {
  ctx.requireLocal('keel serve reads the registry from the metadata database (KEEL_DATABASE_URL, shared by replicas), not from a Keel server');
  const rate = Number(opts.logSampleRate);
  if (!(rate >= 0 && rate <= 1)) throw invalidArgument('--log-sample-rate', `expected a number in [0, 1], got '${opts.logSampleRate}'`);
  const batching: Partial<BatchingOptions> = {
    enabled: onOff('--batching', opts.batching),
    maxBatchSize: positiveInt('--max-batch-size', opts.maxBatchSize),
    maxQueueDelayMicros: positiveInt('--max-queue-delay-us', opts.maxQueueDelayUs, 0),
    maxQueueSize: positiveInt('--max-queue-size', opts.maxQueueSize),
    preferredBatchSizes: opts.preferredBatchSizes ? opts.preferredBatchSizes.split(',').map((s) => positiveInt('--preferred-batch-sizes', s.trim())) : [],
  };
  const sizes = {
    workers: positiveInt('--workers', opts.workers),
    intraOpThreads: positiveInt('--intra-op-threads', opts.intraOpThreads),
    interOpThreads: positiveInt('--inter-op-threads', opts.interOpThreads),
    pollIntervalMs: positiveInt('--poll-ms', opts.pollMs, 0),
    maxBodyBytes: positiveInt('--max-body-mb', opts.maxBodyMb) * 1024 * 1024,
  };
  const cache = onOff('--cache', opts.cache);
  const cacheBytes = cache && !ctx.config.redisUrl ? positiveInt('--cache-max-mb', opts.cacheMaxMb) * 1024 * 1024 : 0;
  const models = refs.map(parseRef);
  await portFree();
  const needsRegistry = models.some((m) => !/\.onnx$/i.test(m.ref));
  const platform = needsRegistry || rate > 0 ? await ctx.platform() : undefined;
  const files = new FileModelSource({ allowNonFinite: opts.allowMissing === true });
  const source = new DispatchingModelSource(files, platform ? new RegistryModelSource(platform.registry) : undefined);
  let cacheStore: CacheStore | undefined;
  if (cache) cacheStore = ctx.config.redisUrl ? new RedisCacheStore(ctx.config.redisUrl) : new LruCacheStore(cacheBytes);
  const predictionLogger = platform && rate > 0 ? platform.monitoring.createLogger() : undefined;
  const server = new InferenceServer({
    source,
    models,
    ...sizes,
    batching,
    cache,
    ...(cacheStore ? { cacheStore } : {}),
    logger: platform?.logger ?? createLogger({ level: ctx.config.logLevel }),
    ...(predictionLogger ? { predictionLogger, predictionLogSampleRate: rate } : {}),
    ...(opts.name !== undefined ? { deployment: opts.name } : {}),
  });
  return { server, predictionLogger };
}
