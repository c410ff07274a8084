/**
 * The boosting loop: gradients, one tree per output per round, score updates, metrics, early
 * stopping and checkpoints. Every random draw comes from one seeded PRNG whose state is
 * checkpointed, and training scores are recomputed from the trees on resume in the order they
 * were accumulated, so a resumed fit ends with the same bytes as an uninterrupted one.
 */
import { availableParallelism } from 'node:os';
import { KeelError, invalidArgument } from '../../core/index.js';
import type { FitInput, FitOptions, Task } from '../model-kind.js';
import { binColumns, binTable, fitBins, numBins, transposeBins, type FeatureBins } from './bin-mapper.js';
import { GbdtModel } from './gbdt-model.js';
import { GBDT_FORMAT, type GbdtModelData } from './gbdt-model-data.js';
import type { GbdtParams } from './gbdt-params.js';
import { HistogramBuilder } from './histogram-builder.js';
import { objectiveFor } from './objectives.js';
import { Prng } from './prng.js';
import { CompiledTree, type TreeData } from './tree.js';
import { TreeGrower } from './tree-grower.js';

const CHECKPOINT_FORMAT = 'keel-gbdt-checkpoint/1';
/** With nthread=0 (auto), data smaller than this trains on one thread: starting workers costs more. */
const AUTO_PARALLEL_MIN_CELLS = 2_000_000;

interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly model: GbdtModelData;
  readonly rounds: number;
  readonly prng: number[];
  readonly bestRound: number;
  readonly bestScore: number;
}

function validateTarget(input: FitInput, numClasses: number): void {
  const t = input.trainTarget;
  if (t.length !== input.train.numRows) throw invalidArgument('target', `has ${t.length} values for ${input.train.numRows} rows`);
  if (input.train.numRows === 0) throw invalidArgument('train', 'has no rows');
  const check = (arr: Float64Array, field: string): void => {
    for (let i = 0; i < arr.length; i++) {
      const y = arr[i]!;
      if (!Number.isFinite(y)) throw invalidArgument(field, `row ${i} is missing or not finite`);
      if (input.task === 'binary' && y !== 0 && y !== 1) throw invalidArgument(field, `binary targets must be 0 or 1, row ${i} is ${y}`);
      if (input.task === 'multiclass' && (!Number.isInteger(y) || y < 0 || y >= numClasses)) {
        throw invalidArgument(field, `multiclass targets must be integers in [0, ${numClasses}), row ${i} is ${y}`);
      }
    }
  };
  check(t, 'target');
  if (input.valid) {
    if (input.valid.target.length !== input.valid.table.numRows) throw invalidArgument('valid.target', 'length differs from the validation rows');
    check(input.valid.target, 'valid.target');
  }
}

/** `field` names the param as the caller gave it: `objective` to `fit`, `params.objective` in a train request. */
export function checkObjective(params: GbdtParams, task: Task, field: string): void {
  const fitting = objectiveFor(task, 2).name;
  if (params.objective !== 'auto' && params.objective !== fitting) {
    throw invalidArgument(field, `'${params.objective}' does not fit task '${task}' (use ${fitting})`);
  }
}

export async function fitGbdt(input: FitInput, params: GbdtParams, options: FitOptions): Promise<GbdtModel> {
  const task = input.task;
  const numClasses = task === 'multiclass' ? (input.numClasses ?? 0) : task === 'binary' ? 2 : 1;
  if (task === 'multiclass' && numClasses < 2) throw invalidArgument('numClasses', 'multiclass needs numClasses >= 2');
  const objective = objectiveFor(task, numClasses);
  checkObjective(params, task, 'objective');
  validateTarget(input, numClasses);

  const resume = options.checkpoint?.resumeFrom ? parseCheckpoint(options.checkpoint.resumeFrom) : null;
  // Every column is a feature. The worker threads boot while the data is binned.
  const threads = params.nthread > 0 ? params.nthread : input.train.numRows * input.train.columns.length >= AUTO_PARALLEL_MIN_CELLS ? availableParallelism() : 1;
  const spawned = HistogramBuilder.spawn(threads, input.train.columns.length);
  const started: { builder: HistogramBuilder | null } = { builder: null };
  try {
    return await boost();
  } finally {
    if (started.builder) await started.builder.close();
    else await Promise.all(spawned.map((w) => w.terminate()));
  }

  async function boost(): Promise<GbdtModel> {
    const features: readonly FeatureBins[] = resume?.model.features ?? fitBins(input.train, params.max_bin);
    if (resume && resume.model.task !== task) throw invalidArgument('resumeFrom', `checkpoint is for task '${resume.model.task}'`);
    const n = input.train.numRows;
    const F = features.length;
    const K = objective.numOutputs;
    const target = input.trainTarget;
    const baseScores = resume?.model.baseScores ?? objective.baseScores(target);
    const trees: TreeData[] = resume ? [...resume.model.trees] : [];
    const prng = resume ? Prng.fromState(resume.prng) : new Prng(options.seed);

    const cols = binColumns(input.train, features, true);
    const bins = transposeBins(cols, F, n, true);
    // Shared: the worker threads add leaf values to the scores and compute gradients from them.
    const raw = new Float64Array(new SharedArrayBuffer(n * K * 8));
    const buf = {
      bins,
      cols,
      F,
      g: new Float32Array(new SharedArrayBuffer(n * K * 4)),
      h: new Float32Array(new SharedArrayBuffer(n * K * 4)),
      rows: new Uint32Array(new SharedArrayBuffer(n * 4)),
      features: new Int32Array(new SharedArrayBuffer(Math.max(1, F) * 4)),
      raw,
      target: new Float64Array(new SharedArrayBuffer(n * 8)),
    };
    buf.target.set(target);
    const valid = input.valid ? { bins: binTable(input.valid.table, features), n: input.valid.table.numRows, target: input.valid.target } : null;

    // Scores: base, then every tree in the order it was added (also when resuming).
    const rawValid = new Float64Array((valid?.n ?? 0) * K);
    for (let k = 0; k < K; k++) {
      raw.fill(baseScores[k]!, k * n, (k + 1) * n);
      if (valid) rawValid.fill(baseScores[k]!, k * valid.n, (k + 1) * valid.n);
    }
    trees.forEach((t, i) => {
      const c = new CompiledTree(t);
      const k = i % K;
      c.addPredictions(buf.bins, F, n, raw, k * n);
      if (valid) c.addPredictions(valid.bins, F, valid.n, rawValid, k * valid.n);
    });

    const builder = await HistogramBuilder.create(buf, threads, { maxDepth: params.max_depth, maxLeaves: params.max_leaves, minChildWeight: params.min_child_weight, task, numClasses }, spawned);
    started.builder = builder;
    const grower = new TreeGrower(buf, builder, {
      lambda: params.reg_lambda,
      gamma: params.gamma,
      minChildWeight: params.min_child_weight,
      maxDepth: params.max_depth,
      maxLeaves: params.max_leaves,
      growPolicy: params.grow_policy,
      learningRate: params.learning_rate,
      numBins: Int32Array.from(features, numBins),
      isCategorical: Uint8Array.from(features, (f) => (f.kind === 'categorical' ? 1 : 0)),
      edges: features.map((f) => (f.kind === 'numeric' ? f.edges : [])),
    });
    const esRounds = valid ? params.early_stopping_rounds : 0;
    let bestRound = resume?.bestRound ?? -1;
    let bestScore = resume?.bestScore ?? Infinity;
    const startRound = resume?.rounds ?? 0;
    const snapshot = (rounds: number): GbdtModelData => ({ format: GBDT_FORMAT, task, numClasses, objective: objective.name, features, baseScores, trees: trees.slice(0, rounds * K), params });

    for (let round = startRound; round < params.n_estimators; round++) {
      // Histogram builds block on Atomics.wait; yielding once a round keeps a server responsive
      // and lets an abort signal arrive.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) throw new KeelError('CANCELLED', 'training was aborted', { cause: options.signal.reason });
      builder.gradients();
      for (let k = 0; k < K; k++) {
        const rowCount = sampleRows(buf.rows, n, params.subsample, prng);
        const featureCount = sampleFeatures(buf.features, F, params.colsample_bytree, prng);
        const { tree, leaves } = grower.grow(k * n, rowCount, featureCount);
        trees.push(tree);
        const compiled = new CompiledTree(tree);
        if (rowCount === n) {
          // Every row is in exactly one leaf's range: no need to walk the tree (the threads
          // add the leaf values, each for a share of the positions).
          builder.updateScores(leaves, k, rowCount);
        } else compiled.addPredictions(buf.bins, F, n, raw, k * n);
        if (valid) compiled.addPredictions(valid.bins, F, valid.n, rawValid, k * valid.n);
      }

      const metrics: Record<string, number> = {};
      if (options.onIteration) metrics[`train.${objective.metric}`] = objective.evaluate(raw, target);
      if (valid && (options.onIteration || esRounds > 0)) {
        const score = objective.evaluate(rawValid, valid.target);
        metrics[`valid.${objective.metric}`] = score;
        if (score < bestScore) {
          bestScore = score;
          bestRound = round;
        }
      }
      options.onIteration?.({ iteration: round + 1, totalIterations: params.n_estimators, metrics });
      const stop = esRounds > 0 && round - bestRound >= esRounds;
      const cp = options.checkpoint;
      if (cp && cp.everyIterations > 0 && (round + 1) % cp.everyIterations === 0 && !stop) {
        const state: Checkpoint = { format: CHECKPOINT_FORMAT, model: snapshot(round + 1), rounds: round + 1, prng: prng.state(), bestRound, bestScore };
        await cp.save(new TextEncoder().encode(JSON.stringify(state)));
      }
      if (stop) break;
    }
    const kept = esRounds > 0 && bestRound >= 0 ? bestRound + 1 : trees.length / K;
    return new GbdtModel(snapshot(kept));
  }
}

function parseCheckpoint(bytes: Uint8Array): Checkpoint {
  try {
    const cp = JSON.parse(new TextDecoder().decode(bytes)) as Checkpoint;
    if (cp.format === CHECKPOINT_FORMAT) {
      // JSON has no Infinity: a checkpoint before any validation score stores null.
      return { ...cp, bestScore: cp.bestScore ?? Infinity };
    }
  } catch {
    // fall through to the error below
  }
  throw new KeelError('INVALID_ARGUMENT', 'resumeFrom: not a gbdt checkpoint', { field: 'resumeFrom' });
}

/** Bernoulli row sampling into rows[0, m), ascending; all rows when rate is 1. */
function sampleRows(rows: Uint32Array, n: number, rate: number, prng: Prng): number {
  if (rate >= 1) {
    for (let i = 0; i < n; i++) rows[i] = i;
    return n;
  }
  let m = 0;
  for (let i = 0; i < n; i++) if (prng.next() < rate) rows[m++] = i;
  if (m === 0) rows[m++] = Math.floor(prng.next() * n);
  return m;
}

/** A random subset of round(F · rate) features (at least one) into features[0, m), ascending. */
function sampleFeatures(features: Int32Array, F: number, rate: number, prng: Prng): number {
  for (let i = 0; i < F; i++) features[i] = i;
  if (rate >= 1) return F;
  const m = Math.max(1, Math.round(F * rate));
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(prng.next() * (F - i));
    const t = features[i]!;
    features[i] = features[j]!;
    features[j] = t;
  }
  features.subarray(0, m).sort();
  return m;
}
