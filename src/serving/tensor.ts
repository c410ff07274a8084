import { allocate, type Datatype, type NumericArray, type TensorData } from './datatypes.js';

/** A tensor as serving holds it: a flat row-major array and its shape. */
export interface Tensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** An input or output of a model's signature; -1 marks a dynamic dimension. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
}

export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Bytes a tensor occupies (BYTES counts its UTF-16 length, which is close enough for bounds). */
export function tensorBytes(t: Tensor): number {
  if (Array.isArray(t.data)) return t.data.reduce((s, v) => s + v.length + 4, 0);
  return (t.data as NumericArray).byteLength;
}

/** Whether dimension 0 of every input is dynamic, so requests can be stacked along it. */
export function isBatchable(signature: ModelSignature): boolean {
  return signature.inputs.length > 0 && signature.inputs.every((s) => s.shape.length > 0 && s.shape[0] === -1);
}

/** Concatenates same-named tensors along dimension 0. */
export function concatRows(parts: readonly Tensor[]): Tensor {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  let rows = 0;
  let total = 0;
  for (const p of parts) {
    rows += p.shape[0]!;
    total += p.data.length;
  }
  const out = allocate(first.datatype, total);
  let off = 0;
  if (Array.isArray(out)) {
    for (const p of parts) for (const v of p.data as string[]) out[off++] = v;
  } else {
    const typed = out as { set(a: ArrayLike<number | bigint>, o: number): void };
    for (const p of parts) {
      typed.set(p.data as ArrayLike<number>, off);
      off += p.data.length;
    }
  }
  return { name: first.name, datatype: first.datatype, shape: [rows, ...first.shape.slice(1)], data: out };
}

/** Rows [start, start + count) of a tensor, as a view where the data allows one. */
export function sliceRows(t: Tensor, start: number, count: number): Tensor {
  const rows = t.shape[0]!;
  if (start === 0 && count === rows) return t;
  const per = rows === 0 ? 0 : t.data.length / rows;
  const data = Array.isArray(t.data)
    ? t.data.slice(start * per, (start + count) * per)
    : (t.data as NumericArray).subarray(start * per, (start + count) * per);
  const shape = t.shape.slice();
  shape[0] = count;
  return { name: t.name, datatype: t.datatype, shape, data };
}

/** One row of a tensor as plain JSON values: a scalar when the row holds one element. */
export function rowValue(t: Tensor, row: number): unknown {
  const rows = t.shape.length === 0 ? 1 : t.shape[0]!;
  const per = rows === 0 ? 0 : t.data.length / rows;
  const values: unknown[] = [];
  for (let i = row * per; i < (row + 1) * per; i++) values.push(jsonScalar(t.datatype, t.data[i]!));
  return values.length === 1 ? values[0] : values;
}

export function jsonScalar(datatype: Datatype, v: number | bigint | string): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (datatype === 'BOOL') return v !== 0;
  return v;
}
