import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { jsonReplacer, newRequestId } from '../core/index.js';
import { keelErrorHandler, notFoundHandler } from './errors.js';
import { KEEL_ERROR_SCHEMA, MLFLOW_ERROR_SCHEMA, ok, swaggerOptions } from './openapi.js';
import type { Permission, Principal } from '../auth/index.js';
import type { Platform } from './platform.js';
import { ROUTE_PLUGINS } from './routes/index.js';
import { strictQuery } from './routes/strict-object.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; the auth hook checks it. */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface ApiServerOptions {
  /** Log each request (default true). */
  readonly accessLog?: boolean;
  /** Maximum request body in bytes (default 1 GiB: dataset uploads). */
  readonly bodyLimit?: number;
}

/** Builds the platform HTTP server. Every route passes the one auth hook registered here. */
export async function createApiServer(platform: Platform, options: ApiServerOptions = {}): Promise<FastifyInstance> {
  // Loaded here rather than at the top so that CLI commands that never serve start without them.
  const [{ default: Fastify, LogController }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const app = Fastify({
    loggerInstance: platform.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: options.accessLog === false }),
    bodyLimit: options.bodyLimit ?? 1024 ** 3,
    // Names are valid up to 128 characters (a ref, name@version, 141): the router's default of
    // 100 answered a longer one with a bare 414; past it, the name's own check names the field.
    routerOptions: { maxParamLength: 1000 },
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : newRequestId()),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
  });

  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config?.permission;
    request.principal = await platform.authorizer.authorize({
      method: request.method,
      url: request.url,
      headers: request.headers,
      permission,
    });
  });

  // Response schemas document the answers (/docs); JSON.stringify writes them, so that a schema
  // never drops a field it does not list (fast-json-stringify would), nor costs a compile at start;
  // with the CLI's replacer, so a NaN metric comes as "NaN", as `--json` prints it locally, not null.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data, jsonReplacer));
  app.setErrorHandler(keelErrorHandler);
  app.setNotFoundHandler(notFoundHandler);

  // Before any route is added: a Keel route refuses a query parameter it does not declare.
  app.addHook('onRoute', strictQuery);

  // After the hook and the error handler, so that the docs routes get both too.
  await app.register(swagger, swaggerOptions());
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addSchema(KEEL_ERROR_SCHEMA);
  app.addSchema(MLFLOW_ERROR_SCHEMA);

  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness: the process answers', response: ok('{status: "ok"}') } }, async () => ({ status: 'ok' }));
  const readyzResponse = { ...ok('{status: "ready"}'), 503: { description: '{status: "unavailable", reason}: the metadata store does not answer', type: 'object', additionalProperties: true } };
  app.get('/readyz', { schema: { tags: ['health'], summary: 'Readiness: the metadata store answers', response: readyzResponse } }, async (_req, reply) => {
    try {
      await platform.store.db.selectFrom('datasets').select('name').limit(1).execute();
      return { status: 'ready' };
    } catch (e) {
      // The database's own words stay in the server's log: they can name its host, user or files,
      // and /readyz answers anyone.
      app.log.warn({ err: e }, 'readiness: the metadata store does not answer');
      return reply.status(503).send({ status: 'unavailable', reason: 'the metadata store does not answer (the server log says why)' });
    }
  });

  // Fastify parses text/plain as a string by default, which a JSON route's schema then refused as
  // a 400 about the body: without it every content type but JSON is a 415 (UNSUPPORTED_MEDIA_TYPE).
  // The upload routes (datasets, MLflow artifacts) set their own parsers and still take any type.
  app.removeContentTypeParser('text/plain');
  for (const plugin of ROUTE_PLUGINS) await app.register(plugin, { platform });
  return app;
}
