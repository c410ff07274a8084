import { describe, expect, it } from 'vitest';
import { KeelError, makeTable, type Table } from '../../core/index.js';
import { gbdtKind } from './gbdt-kind.js';
import { type GbdtModel } from './gbdt-model.js';
import { loadTestSplit } from './gbdt-test-data.js';

const train = loadTestSplit('train');
const test = loadTestSplit('test');
const bytesOf = (m: { serialize(): Uint8Array }): string => Buffer.from(m.serialize()).toString('base64');

function thrown(f: () => unknown): KeelError {
  try {
    f();
  } catch (e) {
    if (e instanceof KeelError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('gbdt params', () => {
  it('rejects a wrong type naming the param', () => {
    const e = thrown(() => gbdtKind.parseParams({ max_depth: 'abc' }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.field).toBe('max_depth');
    expect(e.message).toMatch(/^max_depth: expected an integer/);
    expect(thrown(() => gbdtKind.parseParams({ learning_rate: 'fast' })).message).toMatch(/^learning_rate: expected a number/);
    expect(thrown(() => gbdtKind.parseParams({ grow_policy: 'wide' })).message).toMatch(/depthwise, lossguide/);
    expect(thrown(() => gbdtKind.parseParams({ subsample: '1.5' })).message).toMatch(/subsample: must be <= 1/);
  });

  it('rejects an unknown param and lists the known ones', () => {
    const e = thrown(() => gbdtKind.parseParams({ max_dept: 3 }));
    expect(e.field).toBe('max_dept');
    expect(e.message).toMatch(/unknown gbdt param.*max_depth/);
  });

  it('parses strings, aliases and defaults', () => {
    const p = gbdtKind.parseParams({ num_rounds: '50', eta: '0.05', min_split_gain: 0.1, grow_policy: 'lossguide', max_leaves: '8' });
    expect(p).toMatchObject({ n_estimators: 50, learning_rate: 0.05, gamma: 0.1, grow_policy: 'lossguide', max_leaves: 8, max_depth: 6, max_bin: 255 });
    expect(thrown(() => gbdtKind.parseParams({ n_estimators: 5, num_rounds: 6 })).message).toMatch(/given twice/);
  });

  it('rejects an objective that does not fit the task and bad targets, before training', async () => {
    const params = gbdtKind.parseParams({ objective: 'binary:logistic' });
    await expect(gbdtKind.fit({ train: train.table, trainTarget: train.yReg, task: 'regression' }, params, { seed: 0 })).rejects.toMatchObject({ field: 'objective' });
    const p2 = gbdtKind.parseParams({});
    await expect(gbdtKind.fit({ train: train.table, trainTarget: train.yReg, task: 'binary' }, p2, { seed: 0 })).rejects.toMatchObject({ field: 'target', code: 'INVALID_ARGUMENT' });
  });
});

describe('gbdt learner', () => {
  const sampled = gbdtKind.parseParams({ n_estimators: 15, subsample: 0.7, colsample_bytree: 0.6, max_depth: 4, nthread: 1 });

  it('is deterministic: the same seed gives the same bytes, another seed other bytes', async () => {
    const input = { train: train.table, trainTarget: train.yBin, task: 'binary' as const };
    const a = await gbdtKind.fit(input, sampled, { seed: 42 });
    const b = await gbdtKind.fit(input, sampled, { seed: 42 });
    const c = await gbdtKind.fit(input, sampled, { seed: 43 });
    expect(bytesOf(a)).toBe(bytesOf(b));
    expect(bytesOf(a)).not.toBe(bytesOf(c));
  });

  it('round-trips through serialize/load', async () => {
    const m = await gbdtKind.fit({ train: train.table, trainTarget: train.yMulti, task: 'multiclass', numClasses: 3 }, sampled, { seed: 1 });
    const back = gbdtKind.load(m.serialize());
    expect(bytesOf(back)).toBe(bytesOf(m));
    expect(Array.from(back.predict(test.table))).toEqual(Array.from(m.predict(test.table)));
    expect(back.numIterations).toBe(15);
    expect(() => gbdtKind.load(new TextEncoder().encode('{"format":"x"}'))).toThrow(/not a keel-gbdt/);
  });

  it('stops early on the validation metric and keeps the best round', async () => {
    const params = gbdtKind.parseParams({ n_estimators: 300, learning_rate: 0.5, max_depth: 6, early_stopping_rounds: 5, nthread: 1 });
    const scores: number[] = [];
    const m = await gbdtKind.fit({ train: train.table, trainTarget: train.yReg, task: 'regression', valid: { table: test.table, target: test.yReg } }, params, {
      seed: 0,
      onIteration: (r) => scores.push(r.metrics['valid.rmse']!),
    });
    expect(scores.length).toBeLessThan(300);
    const best = scores.indexOf(Math.min(...scores));
    expect(scores.length).toBe(best + 1 + 5);
    expect(m.numIterations).toBe(best + 1);
    // The kept model scores the best validation RMSE.
    const p = m.predict(test.table);
    let se = 0;
    for (let i = 0; i < p.length; i++) se += (p[i]! - test.yReg[i]!) ** 2;
    expect(Math.sqrt(se / p.length)).toBeCloseTo(scores[best]!, 9);
  });

  it('resumes from a checkpoint to the same bytes as an uninterrupted fit', async () => {
    const params = gbdtKind.parseParams({ n_estimators: 20, subsample: 0.8, colsample_bytree: 0.8, max_depth: 3, early_stopping_rounds: 50, nthread: 1 });
    const input = { train: train.table, trainTarget: train.yMulti, task: 'multiclass' as const, numClasses: 3, valid: { table: test.table, target: test.yMulti } };
    const states: Uint8Array[] = [];
    const full = await gbdtKind.fit(input, params, { seed: 5, checkpoint: { everyIterations: 6, save: (s) => void states.push(s) } });
    expect(states).toHaveLength(3);
    const resumed = await gbdtKind.fit(input, params, { seed: 5, checkpoint: { everyIterations: 6, save: () => undefined, resumeFrom: states[1]! } });
    expect(bytesOf(resumed)).toBe(bytesOf(full));
    await expect(gbdtKind.fit(input, params, { seed: 5, checkpoint: { everyIterations: 6, save: () => undefined, resumeFrom: new Uint8Array([1, 2]) } })).rejects.toMatchObject({ field: 'resumeFrom' });
  });

  it('stops when the abort signal fires, and closes its threads', async () => {
    const ac = new AbortController();
    const params = gbdtKind.parseParams({ n_estimators: 50, nthread: 2 });
    const run = gbdtKind.fit({ train: train.table, trainTarget: train.yReg, task: 'regression' }, params, {
      seed: 0,
      signal: ac.signal,
      onIteration: (r) => {
        if (r.iteration === 3) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ message: 'training was aborted' });
  });

  it('learns the direction of missing values', async () => {
    // x missing -> y = 10; x present -> y = x in [0, 1]: missing must go with nothing like it.
    const n = 400;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? NaN : (i % 100) / 100));
    const y = Float64Array.from(x, (v) => (Number.isNaN(v) ? 10 : v));
    const table = makeTable([{ name: 'x', type: 'float', values: x }]);
    const m = await gbdtKind.fit({ train: table, trainTarget: y, task: 'regression' }, gbdtKind.parseParams({ n_estimators: 30, nthread: 1 }), { seed: 0 });
    const q = m.predict(makeTable([{ name: 'x', type: 'float', values: Float64Array.of(NaN, 0.05, 0.95) }]));
    expect(q[0]).toBeGreaterThan(9);
    expect(q[1]).toBeLessThan(1);
    expect(q[2]).toBeLessThan(1.5);
  });

  it('splits a categorical column on a set of categories, not one-hot', async () => {
    // b and d are high, the others low; in dictionary order the high ones are not adjacent.
    const dictionary = ['a', 'b', 'c', 'd', 'e'];
    const n = 500;
    const codes = Int32Array.from({ length: n }, (_, i) => i % 5);
    const y = Float64Array.from(codes, (c) => (c === 1 || c === 3 ? 1 : 0));
    const table = makeTable([{ name: 'c', type: 'string', codes, dictionary }]);
    const m = (await gbdtKind.fit({ train: table, trainTarget: y, task: 'regression' }, gbdtKind.parseParams({ n_estimators: 1, max_depth: 1, learning_rate: 1, reg_lambda: 0 }), { seed: 0 })) as GbdtModel;
    expect(m.data.trees[0]!.catLeft[0]!.length).toBeGreaterThan(0);
    // One split separates {b, d} from the rest; an unseen category goes the missing way.
    const probe: Table = makeTable([{ name: 'c', type: 'string', codes: Int32Array.of(0, 1, 2, 3, 4), dictionary: ['d', 'a', 'b', 'e', 'c'] }]);
    expect(Array.from(m.predict(probe)).map((v) => Math.round(v * 1000) / 1000 + 0)).toEqual([1, 0, 1, 0, 0]);
  });

  it('grows leaf-wise within max_leaves', async () => {
    const params = gbdtKind.parseParams({ n_estimators: 5, grow_policy: 'lossguide', max_leaves: 5, max_depth: 0, nthread: 1 });
    const m = (await gbdtKind.fit({ train: train.table, trainTarget: train.yReg, task: 'regression' }, params, { seed: 0 })) as GbdtModel;
    for (const t of m.data.trees) expect(t.feature.filter((f) => f < 0)).toHaveLength(5);
    const imp = m.featureImportance();
    const byGain = Object.entries(imp).sort((a, b) => b[1].gain - a[1].gain);
    expect(byGain[0]![0]).toBe('x0');
    expect(Object.values(imp).reduce((s, v) => s + v.split, 0)).toBe(5 * 4);
  });
});

