/** The shapes of the buffers the histogram threads share: the histogram stride and the control, split and leaf records. */
/** Doubles per feature: 256 bins × (g, h). The hot loop writes it as `f << 9`. */
export const HIST_STRIDE = 512;

/** Control words per worker in the shared Int32Array. */
export const CTRL = { SEQ: 0, DONE: 1, OP: 2, JOBS: 3, G_OFFSET: 4, FEATURES: 5, ROWS: 6, EXIT: 7, ERROR: 8, TID: 9, SIZE: 16 } as const;
/** What a hand-off asks of the threads: start a tree, partition a level and build its histograms, add a tree's leaf values to the scores, or compute gradients. */
export const OP = { BEGIN: 1, LEVEL: 2, UPDATE: 3, GRADIENTS: 4 } as const;
/** Int32s per split in the shared split list: start, end (positions), feature, depth of the parent. */
export const SPLIT_I32 = 4;
/** Float64s per split: the hessian sums of the left and the right child. */
export const SPLIT_F64 = 2;
/** Bytes per split in the shared side table: 1 where a bin goes left (bin 255 = missing). */
export const SPLIT_TABLE = 256;
/** Int32s per leaf in the shared leaf list: start, end (positions), depth. */
export const LEAF_I32 = 3;
