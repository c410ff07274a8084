import { KeelError, toKeelError } from '../core/index.js';

/** Fastify's own errors (validation, body too large, bad JSON) become KeelErrors too. */
export function keelErrorOf(error: unknown): KeelError {
  if (error instanceof KeelError) return error;
  const fe = error as { validation?: unknown; statusCode?: number; message?: string; code?: string };
  if (fe.validation) return new KeelError('INVALID_ARGUMENT', fe.message ?? 'invalid request');
  if (fe.statusCode === 413) return new KeelError('PAYLOAD_TOO_LARGE', fe.message ?? 'request body too large');
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new KeelError(fe.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT', fe.message ?? 'bad request');
  }
  return toKeelError(error);
}
