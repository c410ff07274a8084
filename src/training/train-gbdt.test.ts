/**
 * End to end with the real parts: a CSV added as a dataset version, `train` with the gbdt kind,
 * the run in tracking, the model version in the registry, and its ONNX read back and run by
 * onnxruntime. Then a `keel train` child process is killed with SIGKILL after its first
 * checkpoint and `keel train --resume` must finish with the bytes of an unkilled run.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, mulberry32, silentLogger, type Table } from '../core/index.js';
import { DatasetService } from '../data/index.js';
import { MODEL_KINDS, type ModelKind } from '../models/index.js';
import { inspectOnnx } from '../onnx/index.js';
import { RegistryService } from '../registry/index.js';
import { LocalArtifactStore, openMetadataStore, type MetadataStore } from '../storage/index.js';
import { TrackingService } from '../tracking/index.js';
import { MODEL_ARTIFACT, SERIALIZED_ARTIFACT, rocAuc, splitRows, train, type TrainingDeps, type TrainRequest } from './index.js';

const keel = fileURLToPath(new URL('../../bin/keel.js', import.meta.url));
const run = promisify(execFile);

let dir: string, home: string, store: MetadataStore, deps: TrainingDeps;
let tracking: TrackingService, registry: RegistryService, datasets: DatasetService;
let ref: string;

function writeCsv(path: string, n: number): void {
  const random = mulberry32(3);
  const lines = ['income,debt,region,tenure,churned'];
  for (let i = 0; i < n; i++) {
    const income = 30 + random() * 60, debt = random() * 40, region = ['north', 'south', 'east'][i % 3]!;
    const tenure = Math.floor(random() * 10);
    const score = 0.08 * (debt - 20) - 0.05 * (income - 60) + (region === 'south' ? 0.7 : 0) - 0.1 * tenure + (random() - 0.5) * 2;
    lines.push(`${income.toFixed(2)},${random() < 0.05 ? '' : debt.toFixed(2)},${region},${tenure},${score > 0 ? 1 : 0}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-train-gbdt-'));
  home = join(dir, '.keel');
  const config = loadConfig({ cwd: dir, env: { KEEL_HOME: home } });
  store = await openMetadataStore(config.databaseUrl);
  const artifacts = new LocalArtifactStore(config.artifactsDir);
  datasets = new DatasetService({ db: store.db, artifacts, logger: silentLogger, tmpDir: join(home, 'tmp') });
  tracking = new TrackingService({ db: store.db, artifacts, logger: silentLogger });
  registry = new RegistryService({ db: store.db, artifacts, logger: silentLogger, tracking });
  deps = {
    datasets, tracking, registry, checkpointDir: join(home, 'checkpoints'), cwd: dir,
    modelKinds: MODEL_KINDS as Readonly<Record<string, ModelKind<unknown>>>,
  };
  writeCsv(join(dir, 'churn.csv'), 1500);
  const version = await datasets.add('churn', join(dir, 'churn.csv'));
  ref = `churn@${version.version}`;
});
afterAll(async () => store.close());

function feeds(table: Table): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const c of table.columns) {
    out[c.name] = c.type === 'string'
      ? new ort.Tensor('string', Array.from(c.codes, (k) => (k < 0 ? '' : c.dictionary[k]!)), [table.numRows, 1])
      : new ort.Tensor('float32', Float32Array.from(c.values), [table.numRows, 1]);
  }
  return out;
}

describe('train with gbdt end to end', () => {
  it('dataset version → run → model version, and the ONNX agrees with the printed metrics', async () => {
    const request: TrainRequest = { dataset: ref, target: 'churned', model: 'gbdt', params: { n_estimators: 40, max_depth: 4, learning_rate: 0.2 }, experiment: 'churn' };
    const result = await train(request, deps);
    expect(result.task).toBe('binary');
    expect(result.features).toEqual(['income', 'debt', 'region', 'tenure']);

    const tracked = await tracking.getRun(result.runId);
    expect(tracked.info.status).toBe('FINISHED');
    const logged = Object.fromEntries(tracked.data.metrics.map((m) => [m.key, m.value]));
    for (const [k, v] of Object.entries(result.metrics.test)) expect(logged[`test.${k}`]).toBe(v);

    const mv = await registry.getModelVersion('churn', result.modelVersion!.version);
    expect(mv.lineage).toEqual({ runId: result.runId, datasetVersions: [ref] });
    expect(mv.metrics['test.roc_auc']).toBe(result.metrics.test.roc_auc);
    const onnx = new Uint8Array(await registry.onnxBytes(mv));
    expect(onnx).toEqual(new Uint8Array(await tracking.readArtifact(result.runId, MODEL_ARTIFACT)));
    const summary = inspectOnnx(onnx);
    expect(summary.inputs).toEqual(mv.signature.inputs);
    expect(summary.outputs).toEqual(mv.signature.outputs);
    expect(summary.inputs.map((i) => `${i.name}:${i.type}`)).toEqual(['income:float32', 'debt:float32', 'region:string', 'tenure:float32']);
    expect(summary.opsets.map((o) => o.domain)).toContain('ai.onnx.ml');
    expect(summary.nodeCount).toBeGreaterThan(0);
    // `keel models inspect NAME/VERSION` reads the same file from the registry.
    const { stdout } = await run(process.execPath, [keel, '--json', 'models', 'inspect', `churn/${mv.version}`], { cwd: dir, env: { ...process.env, KEEL_HOME: home } });
    expect(JSON.parse(stdout)).toMatchObject({ inputs: summary.inputs, outputs: summary.outputs, sizeBytes: onnx.length, parameterCount: summary.parameterCount });

    // The registered ONNX, run by onnxruntime on the test rows, gives the test AUC that was printed.
    const table = await datasets.loadTable(ref);
    const split = splitRows({ kind: 'random', numRows: table.numRows, seed: 42, validFraction: 0.2, testFraction: 0.1 });
    const { takeRows, selectColumns, getColumn } = await import('../core/index.js');
    const testRows = takeRows(table, split.test);
    const session = await ort.InferenceSession.create(onnx);
    const out = await session.run(feeds(selectColumns(testRows, result.features)));
    const probs = out.probabilities!.data as Float32Array;
    const p1 = Float64Array.from({ length: testRows.numRows }, (_, i) => probs[i * 2 + 1]!);
    const y = (getColumn(testRows, 'churned') as { values: Float64Array }).values;
    expect(Math.abs(rocAuc(y, p1) - result.metrics.test.roc_auc!)).toBeLessThan(1e-6);
  }, 120_000);

  it('same seed and data give the same model bytes and metrics', async () => {
    const request: TrainRequest = { dataset: ref, target: 'churned', model: 'gbdt', params: { n_estimators: 15, subsample: 0.7, colsample_bytree: 0.7 }, seed: 5, register: false };
    const a = await train(request, deps);
    const b = await train(request, deps);
    expect(new Uint8Array(await tracking.readArtifact(a.runId, SERIALIZED_ARTIFACT))).toEqual(new Uint8Array(await tracking.readArtifact(b.runId, SERIALIZED_ARTIFACT)));
    expect(a.metrics).toEqual(b.metrics);
  });

  it('bad gbdt params are rejected before any work, naming the param', async () => {
    const bad = (params: Record<string, string | number>) => train({ dataset: ref, target: 'churned', model: 'gbdt', params, experiment: 'bad' }, deps);
    const runsBefore = (await tracking.searchRuns({ experimentIds: [await tracking.getOrCreateExperiment('bad')] })).runs.length;
    // The request's field is `params.<name>`, as for every model kind (and in the HTTP API's 400).
    await expect(bad({ max_dept: 3 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'params.max_dept', message: expect.stringMatching(/^params\.max_dept: unknown gbdt param/) });
    await expect(bad({ max_depth: 'deep' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'params.max_depth', message: 'params.max_depth: expected an integer, got "deep"' });
    // Only the data says the task is binary: the objective is still checked before a run exists.
    await expect(bad({ objective: 'reg:squarederror' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'params.objective' });
    // The linear kind takes numeric columns only; 'region' is a string column of this dataset.
    await expect(train({ dataset: ref, target: 'churned', model: 'linear', experiment: 'bad' }, deps)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'features.region' });
    const runsAfter = (await tracking.searchRuns({ experimentIds: [await tracking.getOrCreateExperiment('bad')] })).runs.length;
    expect(runsAfter).toBe(runsBefore);
  });

  it('early stopping without validation rows is refused before a run exists, naming the param', async () => {
    const experimentIds = [await tracking.getOrCreateExperiment('no-valid')];
    const runsBefore = (await tracking.searchRuns({ experimentIds })).runs.length;
    const attempt = (validFraction: number, early: number) => train({
      dataset: ref, target: 'churned', model: 'gbdt', params: { n_estimators: 3, early_stopping_rounds: early }, split: { kind: 'random', validFraction }, experiment: 'no-valid', register: false,
    }, deps);
    const refused = { code: 'INVALID_ARGUMENT', field: 'params.early_stopping_rounds', message: expect.stringMatching(/^params\.early_stopping_rounds: early stopping \(5 rounds\) needs validation rows to stop on.*--valid-fraction/) };
    await expect(attempt(0, 5)).rejects.toMatchObject(refused);
    // A fraction that rounds to no rows (0.0001 of 1500) is refused alike: the rows decide, not the flag.
    await expect(attempt(0.0001, 5)).rejects.toMatchObject(refused);
    expect((await tracking.searchRuns({ experimentIds })).runs.length).toBe(runsBefore);
    // Without early stopping, no validation set is fine.
    const plain = await attempt(0, 0);
    expect(plain.numIterations).toBe(3);
  }, 60_000);

  it('a keel train killed with SIGKILL resumes to the model an unkilled run makes', async () => {
    const args = ['--dataset', ref, '--target', 'churned', '--param', 'n_estimators=100', '--param', 'learning_rate=0.05', '--param', 'max_depth=3', '--seed', '9', '--no-register'];
    const unkilled = await train({ dataset: ref, target: 'churned', model: 'gbdt', params: { n_estimators: '100', learning_rate: '0.05', max_depth: '3' }, seed: 9, register: false }, deps);

    const env = { ...process.env, KEEL_HOME: home };
    const child = spawn(process.execPath, [keel, '--json', 'train', ...args, '--checkpoint-every', '5', '--no-progress'], { cwd: dir, env, stdio: 'ignore' });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const checkpoints = join(home, 'checkpoints');
    let runId: string | undefined;
    while (!runId) {
      await new Promise((r) => setTimeout(r, 10));
      const found = existsSync(checkpoints) ? readdirSync(checkpoints).find((d) => existsSync(join(checkpoints, d, 'state.bin'))) : undefined;
      if (found) runId = found;
      if (child.exitCode !== null) throw new Error('keel train finished before it could be killed');
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect((await tracking.getRun(runId)).info.status).toBe('RUNNING');

    const { stdout } = await run(process.execPath, [keel, '--json', 'train', '--resume', runId, '--no-progress'], { cwd: dir, env });
    const resumed = JSON.parse(stdout) as { runId: string; resumed: boolean; metrics: unknown; numIterations: number };
    expect(resumed).toMatchObject({ runId, resumed: true, numIterations: unkilled.numIterations });
    expect(resumed.metrics).toEqual(unkilled.metrics);
    for (const path of [SERIALIZED_ARTIFACT, MODEL_ARTIFACT]) {
      expect(new Uint8Array(await tracking.readArtifact(runId, path))).toEqual(new Uint8Array(await tracking.readArtifact(unkilled.runId, path)));
    }
    const steps = (await tracking.getMetricHistory(runId, 'valid.logloss', { maxResults: 10_000 })).metrics.map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(existsSync(join(checkpoints, runId))).toBe(false);
    // Two `keel` processes start here (tsx compiles the CLI's whole import graph): on a busy
    // machine that alone can take tens of seconds, so this test gets a wider timeout than the rest.
  }, 180_000);
});
