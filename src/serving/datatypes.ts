/**
 * The Open Inference Protocol's tensor datatypes and how each one is held in memory. BOOL is one
 * byte per element (as onnxruntime and Triton's binary format hold it), INT64/UINT64 are bigint
 * arrays, FP16 is raw half-precision bits, BYTES is an array of strings.
 */
export const DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;
export type Datatype = (typeof DATATYPES)[number];

export type NumericArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;
export type TensorData = NumericArray | string[];

/** onnxruntime's name for each datatype. */
export const ORT_TYPE: Readonly<Record<Datatype, string>> = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64',
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64',
  FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};

const FROM_ORT: Readonly<Record<string, Datatype>> = Object.fromEntries(Object.entries(ORT_TYPE).map(([k, v]) => [v, k as Datatype]));

export function datatypeFromOrt(type: string): Datatype {
  const d = FROM_ORT[type];
  if (d === undefined) throw new Error(`onnxruntime type '${type}' has no Open Inference Protocol datatype`);
  return d;
}

export function isDatatype(v: unknown): v is Datatype {
  return typeof v === 'string' && (DATATYPES as readonly string[]).includes(v);
}

type NumericCtor = { new (n: number): NumericArray; new (b: ArrayBufferLike, off: number, len: number): NumericArray; BYTES_PER_ELEMENT: number };

const CTOR: Readonly<Record<Exclude<Datatype, 'BYTES'>, NumericCtor>> = {
  BOOL: Uint8Array, UINT8: Uint8Array, UINT16: Uint16Array, UINT32: Uint32Array, UINT64: BigUint64Array,
  INT8: Int8Array, INT16: Int16Array, INT32: Int32Array, INT64: BigInt64Array,
  FP16: Uint16Array, FP32: Float32Array, FP64: Float64Array,
};

/** A zeroed array of `n` elements of a datatype. */
export function allocate(datatype: Datatype, n: number): TensorData {
  if (datatype === 'BYTES') return new Array<string>(n).fill('');
  return new CTOR[datatype](n);
}

const SLAB_BYTES = 64 * 1024;
const SLAB_MAX = 2048;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * A zeroed array like `allocate`, but a small one is a view into a shared 64 KiB slab. Every
 * ArrayBuffer of its own costs an off-heap allocation and a finalizer that the garbage collector
 * sweeps; a request's input tensor is usually a few hundred bytes. Slab views are never handed out
 * twice; a slab is freed once no view of it is left. A view does not own its buffer, so it is
 * copied, not transferred, when it crosses to a worker (see InferencePool.run).
 */
export function allocateSmall(datatype: Datatype, n: number): TensorData {
  if (datatype === 'BYTES') return allocate(datatype, n);
  const C = CTOR[datatype];
  const bytes = n * C.BYTES_PER_ELEMENT;
  if (bytes > SLAB_MAX) return new C(n);
  let at = (slabUsed + 7) & ~7;
  if (at + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    at = 0;
  }
  slabUsed = at + bytes;
  return new C(slab, at, n);
}

/** Whether a typed array is the whole of a plain ArrayBuffer (so it can be transferred). */
export function ownsBuffer(d: NumericArray): boolean {
  return d.buffer instanceof ArrayBuffer && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !Buffer.isBuffer(d);
}

export function bytesPerElement(datatype: Exclude<Datatype, 'BYTES'>): number {
  return CTOR[datatype].BYTES_PER_ELEMENT;
}

/** A typed view of raw little-endian bytes (copied when unaligned, as a Buffer slice may be). */
export function viewBytes(datatype: Exclude<Datatype, 'BYTES'>, bytes: Uint8Array): NumericArray {
  const C = CTOR[datatype];
  const size = C.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) throw new Error(`${bytes.byteLength} bytes is not a whole number of ${datatype} elements`);
  if (bytes.byteOffset % size === 0) return new C(bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
  const copy = new Uint8Array(bytes);
  return new C(copy.buffer, 0, copy.byteLength / size);
}

/** Integer ranges, for checking JSON values before they wrap around in a typed array. */
export const INT_RANGE: Readonly<Partial<Record<Datatype, readonly [number, number]>>> = {
  UINT8: [0, 255], UINT16: [0, 65535], UINT32: [0, 4294967295],
  INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647],
};

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of a number (round to nearest even on the mantissa). */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant = (mant | 0x800000) >> (1 - e);
    return sign | ((mant + 0x1000) >> 13);
  }
  return (sign | (e << 10) | (mant >> 13)) + ((mant & 0x1fff) > 0x1000 || ((mant & 0x1fff) === 0x1000 && (mant >> 13) & 1) ? 1 : 0);
}

/** The number a half-precision bit pattern holds. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}
