/**
 * What HistogramBuilder is given: the buffers the threads share, the limits of a tree, and the
 * splits and leaves of a level that it hands to the threads.
 */
import type { Task } from '../model-kind.js';

export interface SharedTrainingBuffers {
  /** n × F row-major bins. */
  readonly bins: Uint8Array;
  /** F × n feature-major bins. */
  readonly cols: Uint8Array;
  readonly F: number;
  readonly g: Float32Array;
  readonly h: Float32Array;
  /** The sampled row ids of the next tree (n long). */
  readonly rows: Uint32Array;
  /** The sampled features of the next tree (F long). */
  readonly features: Int32Array;
  /** Raw scores (n · K, class-major) and targets. */
  readonly raw: Float64Array;
  readonly target: Float64Array;
}

export interface TreeLimits {
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly minChildWeight: number;
  readonly task: Task;
  readonly numClasses: number;
}

/** A leaf of the tree just grown: its positions at its depth, and its value. */
export interface LeafUpdate {
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly value: number;
}

/** One split of a level: the parent's positions, and what the children need. */
export interface LevelSplit {
  readonly start: number;
  readonly end: number;
  readonly feature: number;
  /** Depth of the node being split. */
  readonly depth: number;
  readonly leftH: number;
  readonly rightH: number;
  /** Bins that go left (numeric: bins <= bin; categorical: the set) and the missing side. */
  readonly bin: number;
  readonly catLeft: readonly number[] | null;
  readonly defaultLeft: boolean;
}
