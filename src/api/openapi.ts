import type { FastifyDynamicSwaggerOptions, SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import { ERROR_CODES } from '../core/index.js';
import { bodyMayBeLeftOut } from './routes/strict-object.js';

/**
 * What /docs says of each operation. A route declares its success answer with one of the helpers
 * below, as a Fastify response schema; the errors (one component each) and the request bodies
 * Fastify must not validate are added to the document only, here.
 *
 * The answers say their type (`additionalProperties: true`), not their fields: a schema that
 * listed fields would be wrong the day a field is added. (The server writes answers with
 * JSON.stringify, server.ts, so a schema cannot drop one either.)
 */

/** Keel's error body, docs/errors.md. */
export const KEEL_ERROR_SCHEMA = {
  $id: 'KeelError',
  description: "An error (docs/errors.md), answered with its code's HTTP status",
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        field: { type: 'string', description: 'the parameter or body field the error is about: limit, split.validFraction, content-type' },
      },
    },
  },
} as const;

/** The MLflow-compatible routes answer MLflow's error body instead. */
export const MLFLOW_ERROR_SCHEMA = {
  $id: 'MlflowError',
  description: "An MLflow error: MLflow's error_code names and statuses (docs/errors.md)",
  type: 'object',
  required: ['error_code', 'message'],
  properties: { error_code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string', description: "Keel's addition: the parameter the error is about (run_id, filter)" } },
} as const;

const object = (description: string) => ({ description, type: 'object', additionalProperties: true }) as const;

/** 200 with a JSON object. */
export const ok = (description: string) => ({ 200: object(description) });
/** 200 with a JSON array of objects. */
export const okList = (description: string) => ({ 200: { description, type: 'array', items: { type: 'object', additionalProperties: true } } }) as const;
/** 201 with the JSON object created. */
export const created = (description: string) => ({ 201: object(description) });
/** 204 without a body. */
export const noContent = (description: string) => ({ 204: { description, type: 'null' } }) as const;
/** 200 with a file's bytes of `contentType`. */
export const fileDownload = (contentType: string, description: string) => ({ 200: { description, content: { [contentType]: { schema: { type: 'string', format: 'binary' } } } } }) as const;

const isMlflow = (url: string) => url.startsWith('/api/2.0/mlflow') || url.startsWith('/ajax-api/2.0/mlflow');

/**
 * An operation's mark, for optionalBodies: @fastify/swagger says every body schema is required
 * (Fastify refuses a missing body), and a route's transform cannot change that.
 */
const OPTIONAL_BODY = 'x-keel-optional-body';

/** Every operation's error answer, a reference to its component; a body that may be left out marked so. */
export const documentRoute: SwaggerTransform = ({ schema, url, route }) => {
  // The MLflow UI's /ajax-api copies of the /api/2.0 routes are the same operations: listed once.
  if (url.startsWith('/ajax-api/')) return { schema: { ...schema, hide: true }, url };
  const error = { $ref: `${isMlflow(url) ? MLFLOW_ERROR_SCHEMA.$id : KEEL_ERROR_SCHEMA.$id}#` };
  const declared = (schema?.response ?? {}) as Record<string, unknown>;
  const response = { ...declared, '4XX': declared['4XX'] ?? error, '5XX': declared['5XX'] ?? error };
  return { schema: { ...schema, response, ...(schema?.body !== undefined && route !== undefined && bodyMayBeLeftOut(route) ? { [OPTIONAL_BODY]: true } : {}) }, url };
};

type Operation = { [OPTIONAL_BODY]?: boolean; requestBody?: { required?: boolean } } | null;

/** The document's transform: an operation marked by documentRoute says its body is optional (`requestBody.required: false`). */
const optionalBodies: SwaggerTransformObject = (document) => {
  const doc = 'openapiObject' in document ? document.openapiObject : document.swaggerObject;
  for (const methods of Object.values(doc.paths ?? {}) as Record<string, Operation>[]) {
    for (const op of Object.values(methods ?? {})) {
      if (typeof op !== 'object' || op?.[OPTIONAL_BODY] !== true) continue;
      delete op[OPTIONAL_BODY];
      if (op.requestBody) op.requestBody.required = false;
    }
  }
  return doc;
};

/**
 * A route's transform that also documents its request body: one Fastify must not validate (a
 * streamed upload is no JSON value), so it is not in the route's schema.
 */
export const withRequestBody = (content: Readonly<Record<string, { schema: object; description?: string }>>): SwaggerTransform =>
  (args) => documentRoute({ ...args, schema: { ...args.schema, body: { content } } as FastifySchema });

/** The options of @fastify/swagger: components named by their $id (KeelError), and documentRoute. */
export function swaggerOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: { info: { title: 'Keel API', version: '0.1.0', description: 'The Keel ML platform API.' } },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: documentRoute,
    transformObject: optionalBodies,
  };
}
