/**
 * The ONNX protobuf schema (onnx/onnx.proto, IR version 10) as a protobufjs JSON descriptor.
 *
 * Written from the ONNX IR specification: only field names and numbers matter on the wire, so
 * names are camelCase for JS. Fields are proto2-style (presence tracked), which lets a reader
 * tell an unset oneof member (dim_value vs dim_param) from a zero. Unknown fields written by
 * newer producers are skipped on decode, so reading stays forward compatible.
 */
import type * as protobuf from 'protobufjs';
import { requireLazily } from '../core/index.js';

type FieldDef = { type: string; id: number; rule?: 'repeated'; options?: { packed: boolean } };
type MessageDef = { fields: Record<string, FieldDef>; oneofs?: Record<string, { oneof: string[] }>; nested?: Record<string, MessageDef> };

const f = (type: string, id: number): FieldDef => ({ type, id });
const rep = (type: string, id: number): FieldDef => ({ type, id, rule: 'repeated' });
const packed = (type: string, id: number): FieldDef => ({ type, id, rule: 'repeated', options: { packed: true } });

const stringStringEntry: MessageDef = { fields: { key: f('string', 1), value: f('string', 2) } };

const attribute: MessageDef = {
  fields: {
    name: f('string', 1),
    refAttrName: f('string', 21),
    docString: f('string', 13),
    type: f('int32', 20),
    f: f('float', 2),
    i: f('int64', 3),
    s: f('bytes', 4),
    t: f('TensorProto', 5),
    g: f('GraphProto', 6),
    sparseTensor: f('SparseTensorProto', 22),
    tp: f('TypeProto', 14),
    floats: rep('float', 7),
    ints: rep('int64', 8),
    strings: rep('bytes', 9),
    tensors: rep('TensorProto', 10),
    graphs: rep('GraphProto', 11),
    sparseTensors: rep('SparseTensorProto', 23),
    typeProtos: rep('TypeProto', 15),
  },
};

const valueInfo: MessageDef = {
  fields: { name: f('string', 1), type: f('TypeProto', 2), docString: f('string', 3), metadataProps: rep('StringStringEntryProto', 4) },
};

const node: MessageDef = {
  fields: {
    input: rep('string', 1),
    output: rep('string', 2),
    name: f('string', 3),
    opType: f('string', 4),
    domain: f('string', 7),
    overload: f('string', 8),
    attribute: rep('AttributeProto', 5),
    docString: f('string', 6),
    metadataProps: rep('StringStringEntryProto', 9),
  },
};

const trainingInfo: MessageDef = {
  fields: {
    initialization: f('GraphProto', 1),
    algorithm: f('GraphProto', 2),
    initializationBinding: rep('StringStringEntryProto', 3),
    updateBinding: rep('StringStringEntryProto', 4),
  },
};

const model: MessageDef = {
  fields: {
    irVersion: f('int64', 1),
    opsetImport: rep('OperatorSetIdProto', 8),
    producerName: f('string', 2),
    producerVersion: f('string', 3),
    domain: f('string', 4),
    modelVersion: f('int64', 5),
    docString: f('string', 6),
    graph: f('GraphProto', 7),
    metadataProps: rep('StringStringEntryProto', 14),
    trainingInfo: rep('TrainingInfoProto', 20),
    functions: rep('FunctionProto', 25),
  },
};

const tensorAnnotation: MessageDef = {
  fields: { tensorName: f('string', 1), quantParameterTensorNames: rep('StringStringEntryProto', 2) },
};

const graph: MessageDef = {
  fields: {
    node: rep('NodeProto', 1),
    name: f('string', 2),
    initializer: rep('TensorProto', 5),
    sparseInitializer: rep('SparseTensorProto', 15),
    docString: f('string', 10),
    input: rep('ValueInfoProto', 11),
    output: rep('ValueInfoProto', 12),
    valueInfo: rep('ValueInfoProto', 13),
    quantizationAnnotation: rep('TensorAnnotation', 14),
    metadataProps: rep('StringStringEntryProto', 16),
  },
};

const tensor: MessageDef = {
  fields: {
    dims: rep('int64', 1),
    dataType: f('int32', 2),
    segment: f('Segment', 3),
    floatData: packed('float', 4),
    int32Data: packed('int32', 5),
    stringData: rep('bytes', 6),
    int64Data: packed('int64', 7),
    name: f('string', 8),
    docString: f('string', 12),
    rawData: f('bytes', 9),
    externalData: rep('StringStringEntryProto', 13),
    dataLocation: f('int32', 14),
    doubleData: packed('double', 10),
    uint64Data: packed('uint64', 11),
    metadataProps: rep('StringStringEntryProto', 16),
  },
  nested: { Segment: { fields: { begin: f('int64', 1), end: f('int64', 2) } } },
};

const sparseTensor: MessageDef = {
  fields: { values: f('TensorProto', 1), indices: f('TensorProto', 2), dims: rep('int64', 3) },
};

const tensorShape: MessageDef = {
  fields: { dim: rep('Dimension', 1) },
  nested: {
    Dimension: {
      fields: { dimValue: f('int64', 1), dimParam: f('string', 2), denotation: f('string', 3) },
      oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
    },
  },
};

const typeProto: MessageDef = {
  fields: {
    tensorType: f('Tensor', 1),
    sequenceType: f('Sequence', 4),
    mapType: f('Map', 5),
    optionalType: f('Optional', 9),
    sparseTensorType: f('SparseTensor', 8),
    denotation: f('string', 6),
  },
  oneofs: { value: { oneof: ['tensorType', 'sequenceType', 'mapType', 'optionalType', 'sparseTensorType'] } },
  nested: {
    Tensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } },
    Sequence: { fields: { elemType: f('TypeProto', 1) } },
    Map: { fields: { keyType: f('int32', 1), valueType: f('TypeProto', 2) } },
    Optional: { fields: { elemType: f('TypeProto', 1) } },
    SparseTensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } },
  },
};

const operatorSetId: MessageDef = { fields: { domain: f('string', 1), version: f('int64', 2) } };

const functionProto: MessageDef = {
  fields: {
    name: f('string', 1),
    input: rep('string', 4),
    output: rep('string', 5),
    attribute: rep('string', 6),
    attributeProto: rep('AttributeProto', 11),
    node: rep('NodeProto', 7),
    docString: f('string', 8),
    opsetImport: rep('OperatorSetIdProto', 9),
    domain: f('string', 10),
    overload: f('string', 13),
    valueInfo: rep('ValueInfoProto', 12),
    metadataProps: rep('StringStringEntryProto', 14),
  },
};

export const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: attribute,
        ValueInfoProto: valueInfo,
        NodeProto: node,
        TrainingInfoProto: trainingInfo,
        ModelProto: model,
        StringStringEntryProto: stringStringEntry,
        TensorAnnotation: tensorAnnotation,
        GraphProto: graph,
        TensorProto: tensor,
        SparseTensorProto: sparseTensor,
        TensorShapeProto: tensorShape,
        TypeProto: typeProto,
        OperatorSetIdProto: operatorSetId,
        FunctionProto: functionProto,
      },
    },
  },
};

let modelType: protobuf.Type | undefined;

/** The resolved ModelProto type, built once. */
export function modelProtoType(): protobuf.Type {
  if (!modelType) {
    const { Root } = requireLazily<typeof protobuf>('protobufjs');
    const root = Root.fromJSON(ONNX_DESCRIPTOR);
    root.resolveAll();
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}
