import { promisify } from 'node:util';
import { createGunzip, createInflate, deflate, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify';
import { KeelError } from '../core/index.js';

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);

/**
 * Request bodies compressed with `Content-Encoding: gzip` or `deflate`, as Triton accepts them and
 * its clients send them (`request_compression_algorithm`). The body limit applies to the
 * decompressed bytes, so a small compressed body cannot expand past it.
 */
export const decompressBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity') return done(null, payload);
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    const e = new KeelError('INVALID_ARGUMENT', `unsupported Content-Encoding '${encoding}'; gzip, deflate and identity are accepted`, { field: 'content-encoding' });
    return done(Object.assign(e, { statusCode: 415 }));
  }
  const inflate = encoding === 'gzip' ? createGunzip() : createInflate();
  // Fastify compares the bytes received on the wire, not the decompressed ones, with Content-Length.
  const counted = inflate as typeof inflate & { receivedEncodedLength: number };
  counted.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (counted.receivedEncodedLength += chunk.length));
  payload.on('error', (e) => inflate.destroy(e));
  payload.pipe(inflate);
  done(null, inflate);
};

/** The encoding to answer with when the client asks for one (Triton's `response_compression_algorithm`). */
export function responseEncoding(request: FastifyRequest): 'gzip' | 'deflate' | undefined {
  const accept = request.headers['accept-encoding'];
  if (accept === undefined) return undefined;
  if (/\bgzip\b/.test(accept)) return 'gzip';
  if (/\bdeflate\b/.test(accept)) return 'deflate';
  return undefined;
}

/** Sends `body` compressed; Inference-Header-Content-Length (if any) counts the uncompressed JSON, as in Triton. */
export async function sendCompressed(reply: FastifyReply, encoding: 'gzip' | 'deflate', body: string | Buffer): Promise<FastifyReply> {
  const bytes = encoding === 'gzip' ? await gzipAsync(body) : await deflateAsync(body);
  return reply.header('content-encoding', encoding).header('vary', 'accept-encoding').send(bytes);
}
