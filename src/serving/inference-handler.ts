import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '../core/index.js';
import type { PredictionLogger } from '../monitoring/index.js';
import { MIN_COMPRESSED_BYTES, responseEncoding, sendCompressed } from './http-compression.js';
import type { ModelManager } from './model-manager.js';
import { decodeInferRequest, type InferRequest } from './oip-request.js';
import { encodeInferResponse } from './oip-response.js';
import type { ServedModel } from './served-model.js';
import { rowValue, type Tensor } from './tensor.js';
import { instancesToInferBody, predictionsBody } from './v1-predict.js';

export interface PredictionLogOptions {
  readonly logger: PredictionLogger;
  /** Share of requests logged, 0..1. */
  readonly sampleRate: number;
  /** The name this server serves under (`keel serve --name`), written as the record's deployment; null: each record's model name. */
  readonly deployment: string | null;
}

/** Sends the protocol's `{"error": "..."}` body with KServe's status for a KeelError. */
export function sendError(reply: FastifyReply, e: unknown, log: { error(obj: object, msg: string): void }, model?: ServedModel): FastifyReply {
  const err = e instanceof KeelError ? e : undefined;
  const status = err ? (err.code === 'UNAVAILABLE' ? 503 : err.code === 'RESOURCE_EXHAUSTED' ? 503 : err.httpStatus) : 500;
  if (!err) log.error({ err: e, reqId: reply.request.id }, 'inference failed');
  if (model) {
    model.metrics.requests(status).inc();
    model.metrics.errors(err?.code ?? 'INTERNAL').inc();
  }
  if (status === 503) reply.header('retry-after', '1');
  return reply.code(status).type('application/json').send(`{"error":${JSON.stringify(err ? err.message : 'internal error')}}`);
}

const HEADER_LENGTH = 'inference-header-content-length';

/** Splits a body that uses Triton's binary extension into its JSON header and its binary part. */
function splitBody(request: FastifyRequest): { json: unknown; binary: Buffer | undefined } {
  const body = request.body;
  if (!Buffer.isBuffer(body)) return { json: body, binary: undefined };
  const headerText = request.headers[HEADER_LENGTH];
  let jsonLength = body.length;
  if (headerText !== undefined) {
    jsonLength = Number(headerText);
    if (!Number.isInteger(jsonLength) || jsonLength <= 0 || jsonLength > body.length) {
      throw new KeelError('INVALID_ARGUMENT', `Inference-Header-Content-Length ${String(headerText)} does not fit a ${body.length}-byte body`, { field: HEADER_LENGTH });
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8', 0, jsonLength));
  } catch {
    throw new KeelError('INVALID_ARGUMENT', 'the JSON part of the request is malformed', { field: 'body' });
  }
  return { json, binary: headerText === undefined ? undefined : body.subarray(jsonLength) };
}

/** Named inputs of one row, for the prediction log (read before the arrays go to a worker). */
function rowRecord(tensors: readonly Tensor[], model: ServedModel): Record<string, unknown> {
  const names = model.resolved.featureNames;
  const out: Record<string, unknown> = {};
  for (const t of tensors) {
    const v = rowValue(t, 0);
    if (names && tensors.length === 1 && Array.isArray(v) && v.length === names.length) names.forEach((n, i) => (out[n] = v[i]));
    else out[t.name] = v;
  }
  return out;
}

/**
 * The inference endpoints' work: find the model, decode and validate, infer (batched, cached),
 * encode, count, and hand a sampled record to the prediction log without waiting on it.
 * The handler is callback-style (Fastify waits for `reply.send`): no promise per request.
 */
export function inferenceHandler(manager: ModelManager, predictionLog: PredictionLogOptions | undefined, protocol: 'v2' | 'v1') {
  return (request: FastifyRequest<{ Params: { name: string; version?: string } }>, reply: FastifyReply): void => {
    const { name, version } = request.params;
    const model = manager.get(name, version);
    if (!model) {
      reply.code(404).type('application/json').send(`{"error":${JSON.stringify(`model '${name}'${version === undefined ? '' : ` version ${version}`} is not served here`)}}`);
      return;
    }
    let req: InferRequest;
    let loggedInputs: Record<string, unknown> | undefined;
    try {
      const { json, binary } = splitBody(request);
      const body = protocol === 'v1' ? instancesToInferBody(json, model) : json;
      req = decodeInferRequest(body, binary, model.signature, { allowNonFinite: model.allowNonFinite });
      const sampled = predictionLog !== undefined && predictionLog.sampleRate > 0 && Math.random() < predictionLog.sampleRate;
      loggedInputs = sampled && req.rows > 0 ? rowRecord(req.inputs, model) : undefined;
    } catch (e) {
      sendError(reply, e, request.log, model);
      return;
    }
    model.infer(req.inputs, req.rows, (error, result) => {
      try {
        if (result === undefined) throw error;
        model.metrics.requests(200).inc();
        model.metrics.requestSeconds.observe(reply.elapsedTime / 1000);
        if (loggedInputs) logPrediction(predictionLog!, request, reply, model, loggedInputs, result.outputs);
        sendResult(request, reply, model, protocol, req, result.outputs);
      } catch (e) {
        sendError(reply, e, request.log, model);
      }
    });
  };
}

function logPrediction(log: PredictionLogOptions, request: FastifyRequest, reply: FastifyReply, model: ServedModel, inputs: Record<string, unknown>, result: readonly Tensor[]): void {
  const outputs: Record<string, unknown> = {};
  for (const t of result) outputs[t.name] = rowValue(t, 0);
  log.logger.log({
    requestId: request.id, timestamp: Date.now(), modelName: model.name, modelVersion: Number(model.version) || 0,
    // A server started without --name logs each request under the model it served, as a monitor names it.
    deployment: log.deployment ?? model.name, variant: null, inputs, outputs, latencyMs: reply.elapsedTime,
  });
}

function sendResult(request: FastifyRequest, reply: FastifyReply, model: ServedModel, protocol: 'v2' | 'v1', req: InferRequest, outputs: readonly Tensor[]): void {
  const encoding = responseEncoding(request);
  let payload: string | Buffer;
  if (protocol === 'v1') {
    payload = JSON.stringify(predictionsBody(outputs, req.rows));
    reply.type('application/json');
  } else {
    const encoded = encodeInferResponse(model.name, model.version, req, outputs);
    if (encoded.binary.length === 0) {
      payload = encoded.json;
      reply.type('application/json');
    } else {
      const head = Buffer.from(encoded.json, 'utf8');
      payload = Buffer.concat([head, ...encoded.binary]);
      reply.header('inference-header-content-length', String(head.length)).type('application/octet-stream');
    }
  }
  if (encoding === undefined || payload.length < MIN_COMPRESSED_BYTES) reply.send(payload);
  else sendCompressed(reply, encoding, payload).catch((e: unknown) => sendError(reply, e, request.log, model));
}
