import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeelError, toKeelError } from '../core/index.js';

/** One failed check of Ajv, as Fastify passes it on. */
interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: { readonly missingProperty?: string; readonly additionalProperty?: string; readonly allowedValue?: unknown; readonly allowedValues?: readonly unknown[] };
}

interface FastifyErrorLike {
  readonly validation?: readonly AjvError[];
  readonly validationContext?: string;
  readonly statusCode?: number;
  readonly message?: string;
  readonly code?: string;
}

/** What the client calls each part of a request that Fastify validates. */
const PART: Readonly<Record<string, string>> = { querystring: 'query parameter', params: 'path parameter', body: 'body field', headers: 'header' };

/**
 * Fastify's own errors (validation, body too large, bad JSON, an unknown content type) become
 * KeelErrors too, naming the field where there is one. `request` lets a validation error quote the
 * value it refused.
 */
export function keelErrorOf(error: unknown, request?: FastifyRequest): KeelError {
  if (error instanceof KeelError) return error;
  const fe = error as FastifyErrorLike;
  if (fe.validation && fe.validation.length > 0) return validationError(fe.validation, fe.validationContext ?? 'body', request);
  if (fe.validation) return new KeelError('INVALID_ARGUMENT', fe.message ?? 'invalid request');
  if (fe.statusCode === 413) return new KeelError('PAYLOAD_TOO_LARGE', fe.message ?? 'request body too large');
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    // Every route that takes another kind of body (a dataset upload, an MLflow artifact) accepts any content type.
    const type = request?.headers['content-type'];
    return new KeelError('UNSUPPORTED_MEDIA_TYPE', `content-type: '${type ?? ''}' is not accepted here; send a JSON body (content-type application/json)`, { field: 'content-type' });
  }
  // Fastify's words named no field; its parser keeps the JSON error's position to itself.
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new KeelError('INVALID_ARGUMENT', 'body: not valid JSON (the content-type is application/json)', { field: 'body' });
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new KeelError('INVALID_ARGUMENT', 'body: empty, where the content-type application/json promises a JSON value', { field: 'body' });
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new KeelError(fe.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT', fe.message ?? 'bad request');
  }
  return toKeelError(error);
}

/**
 * The first failed check as an INVALID_ARGUMENT naming its field: the parameter (`limit`), or the
 * body field's path as Keel names fields (`split.kind`, `columns[3].type`).
 */
function validationError(errors: readonly AjvError[], context: string, request: FastifyRequest | undefined): KeelError {
  const first = errors[0]!;
  const segments = first.instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const leaf = first.params.missingProperty ?? first.params.additionalProperty;
  if (leaf !== undefined) segments.push(leaf);
  const field = fieldName(segments) || (context === 'body' ? 'body' : context);
  const part = PART[context] ?? context;
  let message: string;
  if (first.keyword === 'required') message = `the ${part} is required`;
  else if (first.keyword === 'additionalProperties') message = `no such ${part}`;
  else message = `the ${part} ${allowed(errors, first) ?? first.message ?? 'is invalid'}${given(request, context, segments)}`;
  return new KeelError('INVALID_ARGUMENT', `${field}: ${message}`, { field });
}

/** `["split", "kind"]` as `split.kind`, `["columns", "3", "type"]` as `columns[3].type`. */
const fieldName = (segments: readonly string[]): string => segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

/** A union of literals fails once per literal: the values it takes, listed together. */
function allowed(errors: readonly AjvError[], first: AjvError): string | undefined {
  if (first.keyword === 'enum') return `must be one of ${(first.params.allowedValues ?? []).map(String).join(', ')}`;
  if (first.keyword !== 'const') return undefined;
  const values = errors.filter((e) => e.keyword === 'const' && e.instancePath === first.instancePath).map((e) => String(e.params.allowedValue));
  return values.length > 1 ? `must be one of ${values.join(', ')}` : `must be ${values[0]}`;
}

/** `, got 'abc'`: the refused value where it is a short scalar. */
function given(request: FastifyRequest | undefined, context: string, segments: readonly string[]): string {
  const source: unknown = context === 'querystring' ? request?.query : context === 'params' ? request?.params : context === 'body' ? request?.body : undefined;
  let value = source;
  for (const s of segments) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[s] : undefined;
  if (typeof value === 'string') return value.length <= 60 ? `, got '${value}'` : '';
  return typeof value === 'number' || typeof value === 'boolean' ? `, got ${value}` : '';
}

/**
 * Sends `body` as the error's JSON answer. A route may have set a file's content type (a Parquet
 * download) before it failed: that would make Fastify refuse to send the JSON body at all.
 */
export function sendError(reply: FastifyReply, status: number, body: object): FastifyReply {
  reply.removeHeader('content-disposition');
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** The API's one error handler: `{"error": {"code", "message", "field"?}}` with the status of the code (docs/errors.md). */
export function keelErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = keelErrorOf(error, request);
  if (e.code === 'INTERNAL') {
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
  }
  return sendError(reply, e.httpStatus, { error: e.toJSON() });
}

/** Unknown routes answer NOT_FOUND in the same shape, through the error handler. */
export async function notFoundHandler(request: FastifyRequest): Promise<never> {
  throw new KeelError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]} (the API's routes are listed at /docs)`);
}
