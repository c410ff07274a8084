/** Reading any ONNX file: its signature and a summary (`keel models inspect`). */
import { decodeModel } from './codec.js';
import { elementTypeName } from './element-types.js';
import type { ModelSignature, OnnxAttribute, OnnxGraph, OnnxModel, OnnxTensor, OnnxType, OnnxValueInfo, TensorSpec } from './types.js';

export interface OnnxSummary {
  readonly irVersion: number;
  readonly producer: string;
  readonly producerVersion: string;
  readonly graphName: string;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Nodes of the main graph and of every subgraph (If/Loop bodies) and local function. */
  readonly nodeCount: number;
  /**
   * Elements of initializers (dense and sparse), of tensor-valued attributes (Constant nodes), and
   * of float-list attributes, where ai.onnx.ml operators keep their weights and thresholds.
   */
  readonly parameterCount: number;
  readonly sizeBytes: number;
  readonly opTypes: Readonly<Record<string, number>>;
  readonly metadata: Readonly<Record<string, string>>;
}

export function inspectOnnx(bytes: Uint8Array): OnnxSummary {
  return summarizeModel(decodeModel(bytes), bytes.length);
}

export function readSignature(bytes: Uint8Array): ModelSignature {
  return modelSignature(decodeModel(bytes));
}

export function modelSignature(model: OnnxModel): ModelSignature {
  const graph = model.graph ?? {};
  // Before IR 4 initializers were also listed as inputs; they are not something a caller feeds.
  const initialized = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    inputs: (graph.input ?? []).filter((v) => !initialized.has(v.name)).map(tensorSpec),
    outputs: (graph.output ?? []).map(tensorSpec),
  };
}

export function summarizeModel(model: OnnxModel, sizeBytes: number): OnnxSummary {
  const counts = { nodes: 0, params: 0, opTypes: {} as Record<string, number> };
  if (model.graph) walkGraph(model.graph, counts);
  for (const fn of model.functions ?? []) walkNodes(fn.node ?? [], counts);
  const { inputs, outputs } = modelSignature(model);
  return {
    irVersion: model.irVersion ?? 0,
    producer: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    graphName: model.graph?.name ?? '',
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: o.version ?? 0 })),
    inputs,
    outputs,
    nodeCount: counts.nodes,
    parameterCount: counts.params,
    sizeBytes,
    opTypes: counts.opTypes,
    metadata: Object.fromEntries((model.metadataProps ?? []).map((e) => [e.key ?? '', e.value ?? ''])),
  };
}

interface Counts { nodes: number; params: number; opTypes: Record<string, number> }

function walkGraph(graph: OnnxGraph, counts: Counts): void {
  for (const t of graph.initializer ?? []) counts.params += tensorElements(t);
  for (const s of graph.sparseInitializer ?? []) counts.params += s.values ? tensorElements(s.values) : 0;
  walkNodes(graph.node ?? [], counts);
}

function walkNodes(nodes: NonNullable<OnnxGraph['node']>, counts: Counts): void {
  for (const node of nodes) {
    counts.nodes++;
    const key = node.domain ? `${node.domain}.${node.opType}` : node.opType;
    counts.opTypes[key] = (counts.opTypes[key] ?? 0) + 1;
    for (const a of node.attribute ?? []) walkAttribute(a, counts);
  }
}

function walkAttribute(a: OnnxAttribute, counts: Counts): void {
  if (a.t) counts.params += tensorElements(a.t);
  for (const t of a.tensors ?? []) counts.params += tensorElements(t);
  if (a.sparseTensor?.values) counts.params += tensorElements(a.sparseTensor.values);
  counts.params += a.floats?.length ?? 0;
  if (a.g) walkGraph(a.g, counts);
  for (const g of a.graphs ?? []) walkGraph(g, counts);
}

function tensorElements(t: OnnxTensor): number {
  return (t.dims ?? []).reduce((a, b) => a * b, 1);
}

export function tensorSpec(v: OnnxValueInfo): TensorSpec {
  return { name: v.name, ...describeType(v.type) };
}

function describeType(t: OnnxType | undefined): { type: string; shape: number[] } {
  if (!t) return { type: 'unknown', shape: [] };
  const tensor = t.tensorType ?? t.sparseTensorType;
  if (tensor) {
    const base = elementTypeName(tensor.elemType ?? 0);
    return {
      type: t.sparseTensorType ? `sparse(${base})` : base,
      shape: (tensor.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null ? d.dimValue : -1)),
    };
  }
  if (t.sequenceType) return { type: `seq(${describeType(t.sequenceType.elemType).type})`, shape: [] };
  if (t.mapType) return { type: `map(${elementTypeName(t.mapType.keyType ?? 0)},${describeType(t.mapType.valueType).type})`, shape: [] };
  if (t.optionalType) return { type: `optional(${describeType(t.optionalType.elemType).type})`, shape: [] };
  return { type: 'unknown', shape: [] };
}
