import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidArgument, type ErrorCode } from '../../../core/index.js';
import { keelErrorOf, sendError } from '../../errors.js';

/**
 * MLflow's error body `{"error_code": "...", "message": "...", "field"?: "..."}` and statuses, for every route under
 * /api/2.0/mlflow and /api/2.0/mlflow-artifacts. A KeelError may name the exact MLflow code in
 * `details.mlflowCode` (e.g. MALFORMED_REQUEST); otherwise its code maps as below.
 */
const MLFLOW_CODES: Record<ErrorCode, { code: string; status: number }> = {
  INVALID_ARGUMENT: { code: 'INVALID_PARAMETER_VALUE', status: 400 },
  NOT_FOUND: { code: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  ALREADY_EXISTS: { code: 'RESOURCE_ALREADY_EXISTS', status: 400 },
  CONFLICT: { code: 'INVALID_PARAMETER_VALUE', status: 400 },
  FAILED_PRECONDITION: { code: 'INVALID_STATE', status: 400 },
  PERMISSION_DENIED: { code: 'PERMISSION_DENIED', status: 403 },
  UNAUTHENTICATED: { code: 'UNAUTHENTICATED', status: 401 },
  RESOURCE_EXHAUSTED: { code: 'REQUEST_LIMIT_EXCEEDED', status: 429 },
  PAYLOAD_TOO_LARGE: { code: 'INVALID_PARAMETER_VALUE', status: 413 },
  // MLflow's server answers a body that is not JSON so ("Bad Request. Content-Type must be ..."), and its clients expect it.
  UNSUPPORTED_MEDIA_TYPE: { code: 'INVALID_PARAMETER_VALUE', status: 400 },
  UNAVAILABLE: { code: 'TEMPORARILY_UNAVAILABLE', status: 503 },
  DATA_CORRUPTED: { code: 'INTERNAL_ERROR', status: 500 },
  CANCELLED: { code: 'ABORTED', status: 409 },
  INTERNAL: { code: 'INTERNAL_ERROR', status: 500 },
};

/** MLflow answers these codes with 400 whatever KeelError code carried them. */
const STATUS_OVERRIDES: Record<string, number> = { MALFORMED_REQUEST: 400, BAD_REQUEST: 400, INVALID_STATE: 400 };

export function mlflowErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = keelErrorOf(error, request);
  const mapped = MLFLOW_CODES[e.code];
  const override = typeof e.details?.mlflowCode === 'string' ? e.details.mlflowCode : undefined;
  if (e.code === 'INTERNAL') {
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, { error_code: 'INTERNAL_ERROR', message: 'internal error' });
  }
  const code = override ?? mapped.code;
  // `field` beside MLflow's two keys (its clients ignore the rest): the Keel CLI and SDK give it
  // back as the KeelError's field, as a local call names it.
  return sendError(reply, override ? (STATUS_OVERRIDES[override] ?? mapped.status) : mapped.status, { error_code: code, message: e.message, ...(e.field === undefined ? {} : { field: e.field }) });
}

/**
 * What every MLflow route plugin shares: MLflow's error bodies, and a JSON parser that takes the
 * empty bodies MLflow clients send with a JSON content type (DELETEs, some GETs).
 */
export function applyMlflowConventions(app: FastifyInstance): void {
  app.setErrorHandler(mlflowErrorHandler);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(Object.assign(invalidArgument('body', `malformed JSON: ${(e as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
}
