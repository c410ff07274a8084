import { createHash } from 'node:crypto';
import { isDatatype, viewBytes, type NumericArray } from '../datatypes.js';
import type { Tensor } from '../tensor.js';

/** The cache key of a request: model version plus every input's name, type, shape and bytes. */
export function cacheKey(modelKey: string, inputs: readonly Tensor[]): string {
  const h = createHash('sha1');
  for (const t of inputs) {
    h.update(`${t.name}|${t.datatype}|${t.shape.join(',')}|`);
    if (Array.isArray(t.data)) h.update(JSON.stringify(t.data));
    else {
      const d = t.data as NumericArray;
      h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
  }
  return `${modelKey}:${h.digest('base64url')}`;
}

/** Outputs as bytes: a 4-byte JSON header length, the header, then each tensor's raw bytes. */
export function encodeTensors(tensors: readonly Tensor[]): Buffer {
  const chunks: Buffer[] = [];
  const header = tensors.map((t) => {
    const bytes = Array.isArray(t.data)
      ? Buffer.from(JSON.stringify(t.data), 'utf8')
      : Buffer.from((t.data as NumericArray).buffer, (t.data as NumericArray).byteOffset, (t.data as NumericArray).byteLength);
    chunks.push(bytes);
    return { name: t.name, datatype: t.datatype, shape: t.shape, bytes: bytes.length };
  });
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([len, head, ...chunks]);
}

export function decodeTensors(buf: Buffer): Tensor[] {
  const headLen = buf.readUInt32LE(0);
  const header = JSON.parse(buf.toString('utf8', 4, 4 + headLen)) as { name: string; datatype: string; shape: number[]; bytes: number }[];
  let off = 4 + headLen;
  return header.map((h) => {
    if (!isDatatype(h.datatype)) throw new Error(`cached tensor has unknown datatype ${h.datatype}`);
    const bytes = buf.subarray(off, off + h.bytes);
    off += h.bytes;
    const data = h.datatype === 'BYTES' ? (JSON.parse(bytes.toString('utf8')) as string[]) : viewBytes(h.datatype, new Uint8Array(bytes));
    return { name: h.name, datatype: h.datatype, shape: h.shape, data };
  });
}
