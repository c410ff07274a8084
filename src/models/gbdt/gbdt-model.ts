/**
 * A trained GBDT: bin edges, trees and base scores. predict() bins the rows with the training
 * edges and walks the trees on bins, which decides every row as the exported ONNX graph does on
 * float32 raw values. serialize() is JSON (numbers round-trip exactly), so the same fit gives the
 * same bytes.
 */
import { KeelError, type Table } from '../../core/index.js';
import type { ModelSignature, Task, TensorSpec, TrainedModel } from '../model-kind.js';
import { binTable } from './bin-mapper.js';
import { objectiveFor, type Objective } from './objectives.js';
import { CompiledTree } from './tree.js';
import { GBDT_FORMAT, type GbdtModelData } from './gbdt-model-data.js';
import { exportGbdtOnnx } from './gbdt-onnx.js';

export class GbdtModel implements TrainedModel {
  readonly kind = 'gbdt';
  readonly task: Task;
  readonly featureNames: readonly string[];
  readonly numIterations: number;
  readonly signature: ModelSignature;
  readonly objective: Objective;
  private compiled: CompiledTree[] | null = null;

  constructor(readonly data: GbdtModelData) {
    this.task = data.task;
    this.featureNames = data.features.map((f) => f.name);
    this.objective = objectiveFor(data.task, data.numClasses);
    this.numIterations = data.trees.length / this.objective.numOutputs;
    this.signature = gbdtSignature(data);
  }

  get numOutputs(): number {
    return this.objective.numOutputs;
  }

  /** Raw scores, class-major (raw[k * n + i]). */
  rawScores(table: Table): Float64Array {
    const bins = binTable(table, this.data.features);
    const n = table.numRows;
    const F = this.data.features.length;
    const K = this.numOutputs;
    const raw = new Float64Array(n * K);
    for (let k = 0; k < K; k++) raw.fill(this.data.baseScores[k]!, k * n, (k + 1) * n);
    this.compiled ??= this.data.trees.map((t) => new CompiledTree(t));
    this.compiled.forEach((t, i) => t.addPredictions(bins, F, n, raw, (i % K) * n));
    return raw;
  }

  predict(table: Table): Float64Array {
    return this.objective.transform(this.rawScores(table), table.numRows);
  }

  toOnnx(): Uint8Array {
    return exportGbdtOnnx(this.data);
  }

  featureImportance(): Record<string, { gain: number; split: number }> {
    const out: Record<string, { gain: number; split: number }> = {};
    for (const name of this.featureNames) out[name] = { gain: 0, split: 0 };
    for (const t of this.data.trees) {
      for (let i = 0; i < t.feature.length; i++) {
        const f = t.feature[i]!;
        if (f < 0) continue;
        const e = out[this.featureNames[f]!]!;
        e.gain += t.gain[i]!;
        e.split += 1;
      }
    }
    return out;
  }

  serialize(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.data));
  }

  static load(bytes: Uint8Array): GbdtModel {
    let data: GbdtModelData;
    try {
      data = JSON.parse(new TextDecoder().decode(bytes)) as GbdtModelData;
    } catch (e) {
      throw new KeelError('DATA_CORRUPTED', 'gbdt model bytes are not valid JSON', { cause: e });
    }
    if (data?.format !== GBDT_FORMAT || !Array.isArray(data.trees) || !Array.isArray(data.features)) {
      throw new KeelError('DATA_CORRUPTED', `not a ${GBDT_FORMAT} model`);
    }
    return new GbdtModel(data);
  }
}

export function gbdtSignature(data: Pick<GbdtModelData, 'features' | 'task' | 'numClasses'>): ModelSignature {
  const inputs: TensorSpec[] = data.features.map((f) => ({ name: f.name, type: f.kind === 'categorical' ? 'string' : 'float32', shape: [-1, 1] }));
  const outputs: TensorSpec[] =
    data.task === 'regression'
      ? [{ name: 'variable', type: 'float32', shape: [-1, 1] }]
      : [
          { name: 'label', type: 'int64', shape: [-1] },
          { name: 'probabilities', type: 'float32', shape: [-1, data.task === 'binary' ? 2 : data.numClasses] },
        ];
  return { inputs, outputs };
}
