import { promisify } from 'node:util';
import { deflate, gunzip, gzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '../core/index.js';

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);
const gunzipAsync = promisify<InputType, ZlibOptions, Buffer>(gunzip);
const inflateAsync = promisify<InputType, ZlibOptions, Buffer>(inflate);

/**
 * A request body sent with `Content-Encoding: gzip` or `deflate`, as Triton accepts it and its
 * clients send it (`request_compression_algorithm`), decompressed off the event loop; the body
 * limit applies to the decompressed bytes too, so a small body cannot expand past it. Bodies
 * without an encoding pass through untouched: this runs inside the content-type parsers rather
 * than as a preParsing hook, which cost every request a hook run (and GC work) for a rare case.
 */
export function decodeBody(request: FastifyRequest, body: Buffer, limit: number, done: (err: Error | null, body?: Buffer) => void): void {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity') return done(null, body);
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    const e = new KeelError('INVALID_ARGUMENT', `unsupported Content-Encoding '${encoding}'; gzip, deflate and identity are accepted`, { field: 'content-encoding' });
    return done(Object.assign(e, { statusCode: 415 }));
  }
  (encoding === 'gzip' ? gunzipAsync : inflateAsync)(body, { maxOutputLength: limit }).then(
    (plain) => done(null, plain),
    (e: Error & { code?: string }) => {
      const tooLarge = e.code === 'ERR_BUFFER_TOO_LARGE';
      const err = new KeelError('INVALID_ARGUMENT', tooLarge ? `the decompressed request body is larger than the ${limit}-byte limit` : `the ${encoding} request body is corrupt: ${e.message}`, { field: 'body', cause: e });
      done(Object.assign(err, { statusCode: tooLarge ? 413 : 400 }));
    },
  );
}

/** Bodies smaller than this go out uncompressed: gzip's header and the CPU would cost more than they save. */
export const MIN_COMPRESSED_BYTES = 1024;

/**
 * The encoding to answer with when the client accepts one (Triton's `response_compression_algorithm`
 * sends `Accept-Encoding: gzip` or `deflate`): the accepted one with the highest q-value, gzip on a
 * tie; `q=0` refuses an encoding, and `*` stands for any encoding not named.
 */
export function responseEncoding(request: FastifyRequest): 'gzip' | 'deflate' | undefined {
  const accept = request.headers['accept-encoding'];
  if (accept === undefined) return undefined;
  const q = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (coding) q.set(coding, Number.isFinite(value) ? value : 0);
  }
  const of = (coding: string): number => q.get(coding) ?? q.get('*') ?? 0;
  const gz = of('gzip'), df = of('deflate');
  if (gz > 0 && gz >= df) return 'gzip';
  return df > 0 ? 'deflate' : undefined;
}

/** Sends `body` compressed; Inference-Header-Content-Length (if any) counts the uncompressed JSON, as in Triton. */
export async function sendCompressed(reply: FastifyReply, encoding: 'gzip' | 'deflate', body: string | Buffer): Promise<FastifyReply> {
  const bytes = encoding === 'gzip' ? await gzipAsync(body) : await deflateAsync(body);
  return reply.header('content-encoding', encoding).header('vary', 'accept-encoding').send(bytes);
}
