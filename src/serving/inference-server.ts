import { randomBytes } from 'node:crypto';
import type * as FastifyModule from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidArgument, isValidName, KeelError, requireLazily, silentLogger, type Logger } from '../core/index.js';
import type { PredictionLogger } from '../monitoring/index.js';
import { DEFAULT_BATCHING, type BatchingOptions } from './batcher.js';
import type { CacheStore } from './cache/cache-store.js';
import { accessLog } from './access-log.js';
import { decodeBody } from './http-compression.js';
import { inferenceHandler, sendError } from './inference-handler.js';
import { ModelManager } from './model-manager.js';
import type { ModelSource } from './model-source.js';
import type { ModelServingOptions } from './served-model.js';
import { ServingMetrics } from './serving-metrics.js';
import { InferencePool } from './worker-pool.js';

export interface ServeModelSpec {
  /** `fraud@production`, `fraud/3`, `fraud`, or a path to an .onnx file (per the source). */
  readonly ref: string;
  /** The name the protocol serves it under (default: the model's own). */
  readonly name?: string;
  readonly batching?: Partial<BatchingOptions>;
  readonly cache?: boolean;
}

export interface InferenceServerOptions {
  readonly source: ModelSource;
  readonly models: readonly ServeModelSpec[];
  /** Inference worker threads (default 1). */
  readonly workers?: number;
  readonly intraOpThreads?: number;
  readonly interOpThreads?: number;
  /** Defaults for every model; a model's own settings win. */
  readonly batching?: Partial<BatchingOptions>;
  readonly cache?: boolean;
  /** Where cached predictions live; none means no cache. */
  readonly cacheStore?: CacheStore;
  readonly pollIntervalMs?: number;
  readonly logger?: Logger;
  readonly predictionLogger?: PredictionLogger;
  readonly predictionLogSampleRate?: number;
  /** The name of this serving deployment, written to the prediction log. */
  readonly deployment?: string;
  /** Largest request body; bigger ones get 413. Default 64 MiB. */
  readonly maxBodyBytes?: number;
}

type ModelParams = { name: string; version?: string };

const ID_PREFIX = randomBytes(6).toString('hex');
let requestCounter = 0;

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

declare module 'fastify' {
  interface FastifyRequest {
    traceId: string | null;
  }
}

/**
 * A deployment is named as datasets and monitors are (monitors and the prediction log find it by
 * that name); '' was once taken and meant "no name". `field`: how the caller names the option.
 */
export function checkDeploymentName(name: string, field = 'deployment'): void {
  if (!isValidName(name)) throw invalidArgument(field, `invalid deployment name '${name}': use letters, digits, '.', '_' and '-' (no path characters, at most 128)`);
}

/**
 * The model server: its own Fastify app speaking the Open Inference Protocol (KServe V2 REST, with
 * Triton's binary tensor extension), `/v1/models/{name}:predict`, and Prometheus `/metrics`.
 * Lifecycle: construction starts nothing (no thread, no socket: a server built and never started
 * lets the process exit); `start()` listens and loads every model, which starts the worker threads
 * (readiness waits on their warm-up runs); `close()` stops listening, drains the models and stops
 * the workers.
 */
export class InferenceServer {
  readonly app: FastifyInstance;
  readonly metrics = new ServingMetrics();
  readonly manager: ModelManager;
  private readonly pool: InferencePool;
  private readonly logger: Logger;

  constructor(private readonly o: InferenceServerOptions) {
    if (o.deployment !== undefined) checkDeploymentName(o.deployment);
    this.logger = o.logger ?? silentLogger;
    this.pool = new InferencePool(o.workers ?? 1, { intraOpThreads: o.intraOpThreads ?? 1, interOpThreads: o.interOpThreads ?? 1 });
    this.manager = new ModelManager({
      source: o.source, pool: this.pool, metrics: this.metrics, logger: this.logger,
      ...(o.cacheStore ? { cache: o.cacheStore } : {}),
      ...(o.pollIntervalMs !== undefined ? { pollIntervalMs: o.pollIntervalMs } : {}),
    });
    this.app = this.buildApp();
  }

  private buildApp(): FastifyInstance {
    const limit = this.o.maxBodyBytes ?? 64 * 1024 * 1024;
    const { default: Fastify, LogController } = requireLazily<typeof FastifyModule>('fastify');
    const app = Fastify({
      loggerInstance: this.logger as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: limit,
      requestIdHeader: 'x-request-id',
      // Unique across replicas: late labels join the prediction log by request id.
      genReqId: () => `${ID_PREFIX}-${(++requestCounter).toString(36)}`,
      // No child logger per request (a pino child, and garbage, for every request): the access
      // log and error lines carry reqId themselves.
      childLoggerFactory: (logger) => logger,
      routerOptions: { ignoreTrailingSlash: true },
    });
    app.decorateRequest('traceId', null);
    app.addHook('onRequest', (request, reply, done) => {
      // A binary-extension body is not JSON; route it to the raw parser whatever it claims to be.
      if (request.headers['inference-header-content-length'] !== undefined) request.headers['content-type'] = 'application/octet-stream';
      reply.header('x-request-id', request.id);
      const tp = request.headers.traceparent;
      if (typeof tp === 'string') {
        const m = TRACEPARENT.exec(tp);
        if (m) {
          request.traceId = m[1]!;
          reply.header('traceparent', tp);
        }
      }
      done();
    });
    const log = accessLog(this.logger);
    if (log) {
      app.addHook('onResponse', (request, reply, done) => {
        log(request, reply);
        done();
      });
    }
    app.addContentTypeParser(['application/octet-stream', '*'], { parseAs: 'buffer' }, (req, body, done) => decodeBody(req, body as Buffer, limit, done));
    // JSON as Fastify parses it (prototype-poisoning checks included), after any Content-Encoding.
    const json = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      decodeBody(req, body as Buffer, limit, (err, plain) => (err ? done(err) : json(req, plain!.toString('utf8'), done)));
    });
    app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
      const status = error.statusCode;
      if (status !== undefined && status >= 400 && status < 500) {
        // Fastify's own 413 names no limit; decodeBody's (a body too large once decompressed) does.
        const message = status === 413 && !(error instanceof KeelError) ? `the request body is larger than the ${limit}-byte limit` : error.message;
        return reply.code(status).type('application/json').send(`{"error":${JSON.stringify(message)}}`);
      }
      return sendError(reply, error, request.log);
    });
    app.setNotFoundHandler((request, reply) => reply.code(404).type('application/json').send(`{"error":${JSON.stringify(`no route ${request.method} ${request.url}`)}}`));

    const v2 = inferenceHandler(this.manager, this.predictionLog(), 'v2');
    const v1 = inferenceHandler(this.manager, this.predictionLog(), 'v1');
    app.get('/v2', async () => ({ name: 'keel', version: '0.1.0', extensions: ['binary_tensor_data'] }));
    app.get('/v2/health/live', async () => ({ live: true }));
    app.get('/v2/health/ready', async (_req, reply) => (this.manager.ready ? { ready: true } : reply.code(503).send({ ready: false })));
    const metadata = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
      const m = this.manager.get(request.params.name, request.params.version);
      if (!m) return sendError(reply, new KeelError('NOT_FOUND', `model '${request.params.name}'${request.params.version ? ` version ${request.params.version}` : ''} is not served here`), this.logger);
      return { name: m.name, versions: [m.version], platform: 'onnxruntime_onnx', inputs: m.signature.inputs, outputs: m.signature.outputs };
    };
    const ready = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
      const m = this.manager.get(request.params.name, request.params.version);
      if (!m) return sendError(reply, new KeelError('NOT_FOUND', `model '${request.params.name}' is not served here`), this.logger);
      return m.ready ? { name: m.name, ready: true } : reply.code(503).send({ name: m.name, ready: false });
    };
    app.get('/v2/models/:name', metadata);
    app.get('/v2/models/:name/versions/:version', metadata);
    app.get('/v2/models/:name/ready', ready);
    app.get('/v2/models/:name/versions/:version/ready', ready);
    app.post<{ Params: ModelParams }>('/v2/models/:name/infer', v2);
    app.post<{ Params: ModelParams }>('/v2/models/:name/versions/:version/infer', v2);
    // `/v1/models/{name}:predict`: the verb shares the path segment with the name.
    app.post<{ Params: { target: string; name: string } }>('/v1/models/:target', (request, reply) => {
      const target = request.params.target;
      if (!target.endsWith(':predict')) {
        reply.code(404).type('application/json').send(`{"error":"expected /v1/models/{name}:predict"}`);
        return;
      }
      request.params.name = target.slice(0, -':predict'.length);
      v1(request, reply);
    });
    app.get('/metrics', async (_req, reply) => {
      if (this.o.predictionLogger) this.metrics.predictionLogDropped.set(this.o.predictionLogger.dropped);
      return reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
    });
    return app;
  }

  private predictionLog() {
    if (!this.o.predictionLogger) return undefined;
    return { logger: this.o.predictionLogger, sampleRate: this.o.predictionLogSampleRate ?? 1, deployment: this.o.deployment ?? null };
  }

  private modelOptions(spec: ServeModelSpec): ModelServingOptions {
    return {
      batching: { ...DEFAULT_BATCHING, maxConcurrentRuns: this.pool.size, ...this.o.batching, ...spec.batching },
      cache: (spec.cache ?? this.o.cache ?? true) && this.o.cacheStore !== undefined,
    };
  }

  /** Whether the inference worker threads have been started (by loading a model): never when start() could not listen. */
  get workersStarted(): boolean {
    return this.pool.started;
  }

  /** Loads every model (warm-up included). Listening is separate so tests can use `app.inject`. */
  async loadModels(): Promise<void> {
    for (const spec of this.o.models) await this.manager.add(spec.ref, this.modelOptions(spec), spec.name);
  }

  /**
   * Listens, then loads the models; /v2/health/live answers during loading, /ready after it. A
   * failure of either closes the server (its worker threads would keep the process alive).
   */
  async start(listen: { host?: string; port?: number } = {}): Promise<string> {
    try {
      const address = await this.app.listen({ host: listen.host ?? '127.0.0.1', port: listen.port ?? 0 });
      await this.loadModels();
      return address;
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.manager.close();
    await this.pool.close();
    await this.o.cacheStore?.close();
  }
}
