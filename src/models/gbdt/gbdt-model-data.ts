/** The stored form of a trained GBDT (serialize() writes it as JSON). */
import type { Task } from '../model-kind.js';
import type { FeatureBins } from './bin-mapper.js';
import type { GbdtParams } from './gbdt-params.js';
import type { Objective } from './objectives.js';
import type { TreeData } from './tree.js';

export const GBDT_FORMAT = 'keel-gbdt/1';

export interface GbdtModelData {
  readonly format: typeof GBDT_FORMAT;
  readonly task: Task;
  readonly numClasses: number;
  readonly objective: Objective['name'];
  readonly features: readonly FeatureBins[];
  /** Raw score each output starts from (one per class for multiclass). */
  readonly baseScores: readonly number[];
  /** Round-major: trees[round * numOutputs + class]. */
  readonly trees: readonly TreeData[];
  readonly params: GbdtParams;
}
