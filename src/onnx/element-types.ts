/** ONNX TensorProto.DataType numbers and the names Keel uses for them (numpy-like). */
import { invalidArgument } from '../core/index.js';

const NAMES: Readonly<Record<number, string>> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

const NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(NAMES).map(([n, name]) => [name, Number(n)]),
);
// Common aliases so callers may write ONNX or numpy spellings.
const ALIASES: Readonly<Record<string, string>> = { float: 'float32', double: 'float64', boolean: 'bool' };

export type ElementType = string | number;

export function elementTypeName(code: number): string {
  return NAMES[code] ?? `type${code}`;
}

export function elementTypeCode(type: ElementType): number {
  if (typeof type === 'number') {
    if (NAMES[type] === undefined || type === 0) throw invalidArgument('elemType', `unknown ONNX element type ${type}`);
    return type;
  }
  const code = NUMBERS[ALIASES[type] ?? type];
  if (code === undefined || code === 0) {
    throw invalidArgument('elemType', `unknown element type '${type}' (known: ${Object.values(NAMES).slice(1).join(', ')})`);
  }
  return code;
}
