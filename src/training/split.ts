/**
 * Train / valid / test splits. Each is a pure function of the rows and the seed, so a resumed
 * run rebuilds exactly the split it started with. Index sets come back in row order.
 */
import { mulberry32 } from '../core/index.js';
import type { SplitKind, SplitSummary } from './types.js';

export interface SplitIndices {
  readonly train: Uint32Array;
  readonly valid: Uint32Array;
  readonly test: Uint32Array;
  readonly summary: SplitSummary;
}

export interface SplitInput {
  readonly kind: SplitKind;
  readonly numRows: number;
  readonly seed: number;
  readonly validFraction: number;
  readonly testFraction: number;
  /** Stratified: class index per row. */
  readonly classes?: Float64Array;
  /** Time: one time value per row (no NaN). */
  readonly time?: Float64Array;
  readonly timeColumn?: string;
}

export function splitRows(input: SplitInput): SplitIndices {
  const { numRows: n, validFraction, testFraction } = input;
  let train: number[], valid: number[], test: number[];
  const extra: Partial<SplitSummary> = {};
  if (input.kind === 'time') {
    const time = input.time!;
    // Stable: rows with equal times keep their order; the latest rows are the test set.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a]! - time[b]! || a - b);
    const nTest = Math.round(n * testFraction);
    const nValid = Math.round(n * validFraction);
    const nTrain = n - nValid - nTest;
    train = order.slice(0, nTrain);
    valid = order.slice(nTrain, nTrain + nValid);
    test = order.slice(nTrain + nValid);
    Object.assign(extra, {
      timeColumn: input.timeColumn,
      ...(nTrain > 0 ? { trainEnd: time[order[nTrain - 1]!]! } : {}),
      ...(nValid > 0 ? { validEnd: time[order[nTrain + nValid - 1]!]! } : {}),
    });
  } else if (input.kind === 'stratified') {
    const classes = input.classes!;
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = classes[i]!;
      const list = byClass.get(c);
      if (list) list.push(i);
      else byClass.set(c, [i]);
    }
    const random = mulberry32(input.seed);
    train = []; valid = []; test = [];
    for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
      const rows = shuffle(byClass.get(c)!, random);
      const nTest = Math.round(rows.length * testFraction);
      const nValid = Math.round(rows.length * validFraction);
      test.push(...rows.slice(0, nTest));
      valid.push(...rows.slice(nTest, nTest + nValid));
      train.push(...rows.slice(nTest + nValid));
    }
  } else {
    const rows = shuffle(Array.from({ length: n }, (_, i) => i), mulberry32(input.seed));
    const nTest = Math.round(n * testFraction);
    const nValid = Math.round(n * validFraction);
    test = rows.slice(0, nTest);
    valid = rows.slice(nTest, nTest + nValid);
    train = rows.slice(nTest + nValid);
  }
  const sorted = (a: number[]) => Uint32Array.from(a).sort();
  return {
    train: sorted(train), valid: sorted(valid), test: sorted(test),
    summary: {
      kind: input.kind, seed: input.seed, validFraction, testFraction,
      trainRows: train.length, validRows: valid.length, testRows: test.length, ...extra,
    },
  };
}

/** Fisher–Yates in place. */
function shuffle(a: number[], random: () => number): number[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i]!; a[i] = a[j]!; a[j] = t;
  }
  return a;
}
