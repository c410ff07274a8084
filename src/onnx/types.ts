/**
 * Plain-object shapes of the ONNX messages Keel builds and reads (field names as in
 * onnx-schema.ts). The tensor signature every model kind and the registry share is core's
 * (core/contracts/registry.ts), re-exported here.
 */
export type { ModelSignature, TensorSpec } from '../core/index.js';

export interface OnnxOpset {
  readonly domain: string;
  readonly version: number;
}

export interface OnnxStringEntry {
  readonly key: string;
  readonly value: string;
}

export interface OnnxTensor {
  readonly name?: string;
  readonly dims?: readonly number[];
  readonly dataType?: number;
  readonly floatData?: readonly number[];
  readonly int32Data?: readonly number[];
  readonly int64Data?: readonly number[];
  readonly doubleData?: readonly number[];
  readonly uint64Data?: readonly number[];
  readonly stringData?: readonly Uint8Array[];
  readonly rawData?: Uint8Array;
  readonly dataLocation?: number;
  readonly externalData?: readonly OnnxStringEntry[];
  readonly docString?: string;
}

export interface OnnxSparseTensor {
  readonly values?: OnnxTensor;
  readonly indices?: OnnxTensor;
  readonly dims?: readonly number[];
}

export interface OnnxDimension {
  readonly dimValue?: number;
  readonly dimParam?: string;
  readonly denotation?: string;
}

export interface OnnxType {
  readonly tensorType?: { readonly elemType?: number; readonly shape?: { readonly dim?: readonly OnnxDimension[] } };
  readonly sparseTensorType?: { readonly elemType?: number; readonly shape?: { readonly dim?: readonly OnnxDimension[] } };
  readonly sequenceType?: { readonly elemType?: OnnxType };
  readonly mapType?: { readonly keyType?: number; readonly valueType?: OnnxType };
  readonly optionalType?: { readonly elemType?: OnnxType };
  readonly denotation?: string;
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly type?: OnnxType;
  readonly docString?: string;
}

export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly t?: OnnxTensor;
  readonly g?: OnnxGraph;
  readonly sparseTensor?: OnnxSparseTensor;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
  readonly strings?: readonly Uint8Array[];
  readonly tensors?: readonly OnnxTensor[];
  readonly graphs?: readonly OnnxGraph[];
  readonly sparseTensors?: readonly OnnxSparseTensor[];
  readonly refAttrName?: string;
  readonly docString?: string;
}

export interface OnnxNode {
  readonly opType: string;
  readonly input?: readonly string[];
  readonly output?: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attribute?: readonly OnnxAttribute[];
  readonly docString?: string;
}

export interface OnnxGraph {
  readonly name?: string;
  readonly node?: readonly OnnxNode[];
  readonly initializer?: readonly OnnxTensor[];
  readonly sparseInitializer?: readonly OnnxSparseTensor[];
  readonly input?: readonly OnnxValueInfo[];
  readonly output?: readonly OnnxValueInfo[];
  readonly valueInfo?: readonly OnnxValueInfo[];
  readonly docString?: string;
}

export interface OnnxFunction {
  readonly name?: string;
  readonly domain?: string;
  readonly node?: readonly OnnxNode[];
}

export interface OnnxModel {
  readonly irVersion?: number;
  readonly opsetImport?: readonly OnnxOpset[];
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly domain?: string;
  readonly modelVersion?: number;
  readonly docString?: string;
  readonly graph?: OnnxGraph;
  readonly metadataProps?: readonly OnnxStringEntry[];
  readonly functions?: readonly OnnxFunction[];
}
