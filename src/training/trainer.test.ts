import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeelError } from '../core/index.js';
import { inspectOnnx } from '../onnx/index.js';
import { MODEL_ARTIFACT, MODEL_CARD_ARTIFACT, SERIALIZED_ARTIFACT, resumeTraining, train, type TrainRequest } from './index.js';
import { syntheticTable } from './testing/synthetic.js';
import { openTestPlatform, type TestPlatform } from './testing/test-platform.js';

let p: TestPlatform;
let ref: string;

beforeAll(async () => {
  p = await openTestPlatform();
  ref = p.datasets.add('loans', syntheticTable(400));
});
afterAll(async () => p.close());

const base: TrainRequest = {
  dataset: 'loans', target: 'label', model: 'linear-test', features: ['x1', 'x2', 'color'],
  params: { iterations: 25, learning_rate: 0.5 }, experiment: 'trainer-test',
};

const bytes = async (runId: string, path: string) => new Uint8Array(await p.tracking.readArtifact(runId, path));

describe('train', () => {
  it('runs end to end: run, params, per-iteration metrics, artifacts, model version with lineage', async () => {
    const events: number[] = [];
    const result = await train({ ...base, dataset: ref }, p.deps, { onProgress: (e) => events.push(e.done), metricBatchSize: 7 });
    expect(result.task).toBe('binary');
    expect(result.classes).toEqual(['0', '1']);
    expect(result.split).toMatchObject({ kind: 'random', trainRows: 280, validRows: 80, testRows: 40, seed: 42 });
    expect(events).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));

    const run = await p.tracking.getRun(result.runId);
    expect(run.info.status).toBe('FINISHED');
    const params = Object.fromEntries(run.data.params.map((kv) => [kv.key, kv.value]));
    expect(params).toMatchObject({
      dataset: ref, target: 'label', task: 'binary', seed: '42', 'split.kind': 'random', 'split.train_rows': '280',
      'split.valid_rows': '80', 'split.test_rows': '40', 'split.valid_fraction': '0.2', iterations: '25', learning_rate: '0.5',
    });
    const history = await p.tracking.getMetricHistory(result.runId, 'valid.loss');
    expect(history.metrics.map((m) => m.step)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const logged = Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
    expect(logged['test.roc_auc']).toBe(result.metrics.test.roc_auc);
    expect(logged['valid.accuracy']).toBe(result.metrics.valid.accuracy);
    expect(result.metrics.test.roc_auc).toBeGreaterThan(0.9);

    const onnx = await bytes(result.runId, MODEL_ARTIFACT);
    expect(onnx.length).toBe(result.onnxSizeBytes);
    expect(inspectOnnx(onnx).inputs).toEqual([{ name: 'features', type: 'float32', shape: [-1, 3] }]);
    const card = JSON.parse(new TextDecoder().decode(await bytes(result.runId, MODEL_CARD_ARTIFACT))) as Record<string, unknown>;
    expect(card).toMatchObject({ runId: result.runId, task: 'binary', dataset: ref, features: ['x1', 'x2', 'color'] });
    expect((card.confusionMatrix as { test: number[][] }).test.flat().reduce((a, b) => a + b, 0)).toBe(40);

    expect(result.modelVersion).toEqual({ name: 'loans', version: 1 });
    const mv = await p.registry.getModelVersion('loans', 1);
    expect(mv.lineage).toEqual({ runId: result.runId, datasetVersions: [ref] });
    expect(mv.runId).toBe(result.runId); // MLflow clients read run_id on the version
    expect(mv.metrics['test.roc_auc']).toBe(result.metrics.test.roc_auc);
    expect(mv.signature.inputs).toEqual([{ name: 'features', type: 'float32', shape: [-1, 3] }]);
    expect(new Uint8Array(await p.registry.onnxBytes(mv))).toEqual(onnx);
  });

  it('records the git commit as the code version inside a repository', async () => {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const result = await train({ ...base, register: { name: 'coded' }, params: { iterations: 2 } }, { ...p.deps, cwd: repo });
    expect(result.codeVersion).toMatch(/^[0-9a-f]{40}$/);
    const run = await p.tracking.getRun(result.runId);
    expect(run.data.tags.find((t) => t.key === 'mlflow.source.git.commit')?.value).toBe(result.codeVersion);
    expect((await p.registry.getModelVersion('coded', 1)).lineage).toEqual({ runId: result.runId, datasetVersions: [ref], codeVersion: result.codeVersion });
  });

  it('is repeatable: the same seed gives the same model bytes and metrics', async () => {
    const req = { ...base, register: false as const, seed: 7 };
    const a = await train(req, p.deps);
    const b = await train(req, p.deps);
    const c = await train({ ...req, seed: 8 }, p.deps);
    expect(await bytes(a.runId, SERIALIZED_ARTIFACT)).toEqual(await bytes(b.runId, SERIALIZED_ARTIFACT));
    expect(await bytes(a.runId, MODEL_ARTIFACT)).toEqual(await bytes(b.runId, MODEL_ARTIFACT));
    expect(a.metrics).toEqual(b.metrics);
    expect(await bytes(a.runId, SERIALIZED_ARTIFACT)).not.toEqual(await bytes(c.runId, SERIALIZED_ARTIFACT));
  });

  it('resumes a killed run from its checkpoint and finishes with the same model', async () => {
    const req = { ...base, register: false as const, params: { iterations: 30, learning_rate: 0.5 } };
    const whole = await train(req, p.deps);

    const controller = new AbortController();
    let killedRun = '';
    const killed = await train(req, p.deps, {
      signal: controller.signal, checkpointEvery: 5,
      onProgress: (e) => { if (e.done === 13) controller.abort(); },
    }).catch((e: unknown) => e);
    expect(killed).toBeInstanceOf(KeelError);
    const runs = await p.tracking.searchRuns({ experimentIds: [whole.experimentId], filter: "attributes.status = 'KILLED'" });
    killedRun = runs.runs[0]!.info.run_id;
    // Metrics through the last checkpoint (10) reached tracking before the kill.
    expect((await p.tracking.getMetricHistory(killedRun, 'train.loss')).metrics.length).toBeGreaterThanOrEqual(10);

    // A run whose process still lives is not resumed behind its back.
    const ownerFile = join(p.deps.checkpointDir, killedRun, 'owner.json');
    const mine = readFileSync(ownerFile, 'utf8');
    writeFileSync(ownerFile, JSON.stringify({ ...JSON.parse(mine), pid: process.ppid }));
    await expect(resumeTraining(killedRun, p.deps)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('still being trained') });
    writeFileSync(ownerFile, mine);

    const resumed = await resumeTraining(killedRun, p.deps, { checkpointEvery: 5 });
    expect(resumed.runId).toBe(killedRun);
    expect(resumed.resumed).toBe(true);
    expect(await bytes(killedRun, SERIALIZED_ARTIFACT)).toEqual(await bytes(whole.runId, SERIALIZED_ARTIFACT));
    expect(resumed.metrics).toEqual(whole.metrics);
    const steps = (await p.tracking.getMetricHistory(killedRun, 'train.loss')).metrics.map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await p.tracking.getRun(killedRun)).info.status).toBe('FINISHED');
    await expect(resumeTraining(killedRun, p.deps)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('stops early on the valid set and keeps the best iteration', async () => {
    const result = await train({ ...base, register: false, params: { iterations: 200, learning_rate: 60, early_stopping_rounds: 3 } }, p.deps);
    expect(result.numIterations).toBeLessThan(200);
    const history = (await p.tracking.getMetricHistory(result.runId, 'valid.loss')).metrics;
    const best = history.reduce((a, b) => (b.value < a.value ? b : a));
    expect(best.step).toBe(result.numIterations);
    expect(history.at(-1)!.step).toBe(result.numIterations + 3);
  });

  it('infers regression and multiclass, and splits by time and by class', async () => {
    const reg = await train({ ...base, target: 'amount', register: false, split: { kind: 'time', timeColumn: 'ts' } }, p.deps);
    expect(reg.task).toBe('regression');
    // Only the columns it uses are loaded: not 'label' nor 'tier'.
    expect(p.datasets.loads.at(-1)).toEqual(['x1', 'x2', 'color', 'amount', 'ts']);
    expect(Object.keys(reg.metrics.test).sort()).toEqual(['mae', 'r2', 'rmse']);
    expect(reg.split.trainEnd! <= reg.split.validEnd!).toBe(true);
    const params = Object.fromEntries((await p.tracking.getRun(reg.runId)).data.params.map((kv) => [kv.key, kv.value]));
    expect(params['split.time_column']).toBe('ts');
    expect(params['split.train_end']).toBe(new Date(reg.split.trainEnd!).toISOString());

    const mc = await train({ ...base, target: 'tier', register: { name: 'tiers' }, split: { kind: 'stratified' } }, p.deps);
    expect(mc.task).toBe('multiclass');
    expect(mc.classes).toEqual(['high', 'low', 'mid']);
    expect(mc.metrics.test).toHaveProperty('roc_auc_ovr');
    expect(mc.modelVersion).toEqual({ name: 'tiers', version: 1 });
  });
});

describe('bad input fails before any work, naming the field', () => {
  const cases: [string, Partial<TrainRequest> & Record<string, unknown>, string][] = [
    ['missing target column', { target: 'nope' }, 'target'],
    ['constant target', { target: 'constant', features: ['x1'] }, 'target'],
    ['non-numeric regression target', { target: 'tier', task: 'regression' }, 'target'],
    ['unknown param', { params: { depth: 3 } }, 'params.depth'],
    ['param of the wrong type', { params: { iterations: 'many' } }, 'params.iterations'],
    ['unknown model kind', { model: 'forest' }, 'model'],
    ['unknown split kind', { split: { kind: 'kfold' as never } }, 'split.kind'],
    ['bad fraction', { split: { kind: 'random', validFraction: 1.5 } }, 'split.validFraction'],
    ['fractions that leave nothing', { split: { kind: 'random', validFraction: 0.6, testFraction: 0.4 } }, 'split.testFraction'],
    ['time split without a column', { split: { kind: 'time' } }, 'split.timeColumn'],
    ['time column that is a string', { split: { kind: 'time', timeColumn: 'color' } }, 'split.timeColumn'],
    ['stratified regression', { target: 'amount', split: { kind: 'stratified' } }, 'split.kind'],
    ['unknown feature', { features: ['x1', 'x9'] }, 'features'],
    ['bad seed', { seed: -1 }, 'seed'],
  ];
  it.each(cases)('%s', async (_name, patch, field) => {
    const before = await p.tracking.searchRuns({ experimentIds: [await p.tracking.getOrCreateExperiment('bad-input')] });
    const err = await train({ ...base, experiment: 'bad-input', ...patch } as TrainRequest, p.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeelError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', field });
    expect((err as Error).message).toContain(field);
    const after = await p.tracking.searchRuns({ experimentIds: [await p.tracking.getOrCreateExperiment('bad-input')] });
    expect(after.runs.length).toBe(before.runs.length);
  });
});
