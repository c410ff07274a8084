import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gitCommit } from '../../training/index.js';
import { KEEL_BIN, runKeel, runKeelInProcess, startTestServer, type TestServer } from '../test-server.js';

/**
 * One command, the same arguments, on the local store (--home) and through --server on the same
 * store: the same output, errors and exit codes (docs: "Local store and --server").
 */
describe('keel on the local store and through --server', { timeout: 120_000 }, () => {
  let server: TestServer;
  let dir: string;
  const both = async (...args: string[]) => ({
    local: await runKeelInProcess(['--home', server.home, ...args]),
    remote: await runKeelInProcess(['--server', server.url, ...args]),
  });

  beforeAll(async () => {
    server = await startTestServer('keel-cli-parity-');
    dir = mkdtempSync(join(tmpdir(), 'keel-parity-work-'));
    const rows = Array.from({ length: 80 }, (_, i) => `${i % 7},${(i * 13) % 11},${i % 7 > 3 ? 1 : 0}`);
    writeFileSync(join(dir, 'tiny.csv'), `a,b,y\n${rows.join('\n')}\n`);
    await server.platform.datasets.add('tiny', join(dir, 'tiny.csv'));
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs show of an unknown run: the same error, naming run_id, both ways', async () => {
    const { local, remote } = await both('--json', 'runs', 'show', '0'.repeat(32));
    expect(remote).toEqual(local);
    expect(local.exitCode).toBe(3);
    expect(JSON.parse(local.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: `Run with id=${'0'.repeat(32)} not found`, field: 'run_id' } });
  });

  it('runs ls and show name each run\'s experiment as MLflow\'s UI does, both ways; a deleted experiment by its id; --json keeps the id', async () => {
    const t = server.platform.tracking;
    const weekly = await t.createExperiment('churn-weekly');
    const run = await t.createRun({ experimentId: weekly, runName: 'weekly-1', startTime: Date.UTC(2025, 0, 31, 12, 0, 5) });
    const gone = await t.createExperiment('churn-gone');
    const orphan = await t.createRun({ experimentId: gone, runName: 'orphan-1' });
    // Deleting an experiment deletes its runs; a run restored afterwards lists under a deleted experiment.
    await t.deleteExperiment(gone);
    await t.restoreRun(orphan.info.run_id);
    const rowOf = (stdout: string, runId: string) => stdout.split('\n').find((l) => l.startsWith(runId))?.split(/\s{2,}/);
    for (const args of [['runs', 'ls'], ['runs', 'ls', '--experiment', 'churn-weekly']]) {
      const { local, remote } = await both(...args);
      expect(remote).toEqual(local);
      expect(local.exitCode, local.stderr).toBe(0);
      expect(rowOf(local.stdout, run.info.run_id)).toEqual([run.info.run_id, 'weekly-1', 'churn-weekly', 'RUNNING', '2025-01-31 12:00:05']);
    }
    const deleted = await both('runs', 'ls', '--experiment', 'churn-gone');
    expect(deleted.remote).toEqual(deleted.local);
    expect(rowOf(deleted.local.stdout, orphan.info.run_id)?.slice(1, 3)).toEqual(['orphan-1', gone]);
    // runs show names it the same way.
    const shown = await both('runs', 'show', run.info.run_id);
    expect(shown.remote).toEqual(shown.local);
    expect(shown.local.stdout.split('\n')[0]).toBe(`run ${run.info.run_id}  weekly-1  (experiment churn-weekly, RUNNING, active)`);
    const shownOrphan = await both('runs', 'show', orphan.info.run_id);
    expect(shownOrphan.remote).toEqual(shownOrphan.local);
    expect(shownOrphan.local.stdout.split('\n')[0]).toBe(`run ${orphan.info.run_id}  orphan-1  (experiment ${gone}, RUNNING, active)`);
    const shownJson = await both('--json', 'runs', 'show', run.info.run_id);
    expect(shownJson.remote).toEqual(shownJson.local);
    expect(JSON.parse(shownJson.local.stdout).info).toMatchObject({ run_id: run.info.run_id, experiment_id: weekly });
    expect(shownJson.local.stdout).not.toContain('churn-weekly');
    // --json is MLflow's run shape: the experiment by id only.
    const json = await both('--json', 'runs', 'ls', '--experiment', 'churn-weekly');
    expect(json.remote).toEqual(json.local);
    const [listed] = JSON.parse(json.local.stdout) as { info: Record<string, unknown> }[];
    expect(listed!.info).toMatchObject({ run_id: run.info.run_id, experiment_id: weekly });
    expect(Object.values(listed!.info)).not.toContain('churn-weekly');
  });

  it('runs show lists every artifact of the run, a directory (without a size) followed by what it holds, both ways', async () => {
    const t = server.platform.tracking;
    const run = await t.createRun({ experimentId: '0', runName: 'with-artifacts' });
    const id = run.info.run_id;
    await t.logArtifact(id, 'model/model.onnx', new Uint8Array(2048));
    await t.logArtifact(id, 'model/model.keel', new Uint8Array(10));
    await t.logArtifact(id, 'notes.txt', new TextEncoder().encode('hello'));
    const shown = await both('runs', 'show', id);
    expect(shown.remote).toEqual(shown.local);
    expect(shown.local.exitCode, shown.local.stderr).toBe(0);
    const section = shown.local.stdout.split(`\nartifacts (${run.info.artifact_uri}):\n`)[1]?.trimEnd().split('\n');
    expect(section?.map((l) => l.split(/\s{2,}/).map((c) => c.trim()))).toEqual([['PATH', 'SIZE'], ['model/'], ['model/model.keel', '10 B'], ['model/model.onnx', '2.0 KiB'], ['notes.txt', '5 B']]);
    const json = await both('--json', 'runs', 'show', id);
    expect(json.remote).toEqual(json.local);
    const parsed = JSON.parse(json.local.stdout) as { info: { run_id: string }; artifacts: unknown };
    expect(parsed.info.run_id).toBe(id);
    expect(parsed.artifacts).toEqual([
      { path: 'model', is_dir: true },
      { path: 'model/model.keel', is_dir: false, file_size: 10 },
      { path: 'model/model.onnx', is_dir: false, file_size: 2048 },
      { path: 'notes.txt', is_dir: false, file_size: 5 },
    ]);
    // A run without artifacts: an empty list, not a missing field.
    const bare = await t.createRun({ experimentId: '0', runName: 'no-artifacts' });
    const bareJson = await both('--json', 'runs', 'show', bare.info.run_id);
    expect(bareJson.remote).toEqual(bareJson.local);
    expect(JSON.parse(bareJson.local.stdout).artifacts).toEqual([]);
    // A run of more than 1,000 artifacts: the first 1,000, and a word that there are more.
    const many = await t.createRun({ experimentId: '0', runName: 'many-artifacts' });
    await Promise.all(Array.from({ length: 1001 }, (_, i) => t.logArtifact(many.info.run_id, `steps/${String(i).padStart(4, '0')}.txt`, new Uint8Array([i % 256]))));
    const manyJson = await both('--json', 'runs', 'show', many.info.run_id);
    expect(manyJson.remote).toEqual(manyJson.local);
    const listed = JSON.parse(manyJson.local.stdout) as { artifacts: { path: string }[]; artifactsTruncated?: boolean };
    expect(listed.artifacts).toHaveLength(1000);
    expect(listed.artifacts.at(-1)!.path).toBe('steps/0998.txt');
    expect(listed.artifactsTruncated).toBe(true);
    expect((await both('runs', 'show', many.info.run_id)).local.stdout).toContain('(the first 1000 artifacts only)');
  });

  it('data add checks the name before the file, and names the file as given, both ways', async () => {
    const badName = await both('--json', 'data', 'add', 'bad name!', 'missing.csv');
    expect(badName.remote).toEqual(badName.local);
    expect(JSON.parse(badName.local.stderr).error.field).toBe('name');
    const missing = await both('data', 'add', 'tiny2', 'missing.csv');
    expect(missing.remote).toEqual(missing.local);
    expect(missing.local).toMatchObject({ exitCode: 2, stderr: "error: file: cannot read 'missing.csv': no such file or directory (ENOENT)\n" });
  });

  it('train refuses a bad --checkpoint-every both ways, and records the caller\'s code version', async () => {
    const bad = await both('train', '--dataset', 'tiny', '--target', 'y', '--checkpoint-every', '0', '--no-register');
    expect(bad.remote).toEqual(bad.local);
    expect(bad.local).toMatchObject({ exitCode: 2, stderr: "error: --checkpoint-every: expected a positive integer, got '0'\n" });
    // Early stopping with no validation set would silently train every round: refused, both ways.
    const noValid = await both('--json', 'train', '--dataset', 'tiny', '--target', 'y', '--valid-fraction', '0', '--param', 'early_stopping_rounds=5', '--no-register', '--no-progress');
    expect(noValid.remote).toEqual(noValid.local);
    expect(noValid.local.exitCode).toBe(2);
    expect(JSON.parse(noValid.local.stderr).error).toMatchObject({ code: 'INVALID_ARGUMENT', field: '--param early_stopping_rounds' });
    // From a folder outside any git checkout, no code version, as a local run there records
    // none; the server's own checkout (this test's) is not the caller's code.
    const args = ['--json', 'train', '--dataset', 'tiny', '--target', 'y', '--param', 'n_estimators=3', '--no-register', '--checkpoint-every', '1', '--no-progress'];
    const outside = JSON.parse((await runKeel(['--server', server.url, ...args], {}, dir)).stdout) as { runId: string; codeVersion?: string };
    expect(outside.codeVersion).toBeUndefined();
    const run = await server.platform.tracking.getRun(outside.runId);
    expect(run.data.tags.find((t) => t.key === 'mlflow.source.git.commit')).toBeUndefined();
    // From this checkout, its commit both ways (the CLI sends it).
    const inside = await both(...args);
    const head = await gitCommit(process.cwd());
    expect([JSON.parse(inside.local.stdout).codeVersion, JSON.parse(inside.remote.stdout).codeVersion]).toEqual([head, head]);
    // The text names the experiment as runs ls --experiment takes it (it printed only the id).
    const named = await both('train', '--dataset', 'tiny', '--target', 'y', '--param', 'n_estimators=3', '--no-register', '--no-progress', '--experiment', 'tiny-exp');
    const experimentId = (await server.platform.tracking.getExperimentByName('tiny-exp')).experiment_id;
    for (const out of [named.local, named.remote]) expect(out.stdout).toMatch(new RegExp(`\\nrun: [0-9a-f]{32} \\(experiment tiny-exp, id ${experimentId}\\)\\n`));
  });

  it('refuses references to datasets that do not exist, naming the field, both ways', async () => {
    const tiny = join(import.meta.dirname, '../../registry/testdata/tiny.onnx');
    const register = await both('--json', 'models', 'register', 'ghost', tiny, '--dataset', 'nope@000000000000');
    expect(register.remote).toEqual(register.local);
    expect(register.local.exitCode).toBe(3);
    expect(JSON.parse(register.local.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: "lineage.datasetVersions[0]: dataset 'nope' not found", field: 'lineage.datasetVersions[0]' } });
    const monitor = await both('monitor', 'create', 'ghost', '--deployment', 'd1', '--reference', 'tiny@000000000000');
    expect(monitor.remote).toEqual(monitor.local);
    expect(monitor.local).toMatchObject({ exitCode: 3, stderr: "error: referenceDataset: dataset version 'tiny@000000000000' not found\n" });
    writeFileSync(join(dir, 'schema.json'), JSON.stringify(await server.platform.validation.inferSchema('tiny')));
    const schema = await both('schema', 'save', 'nope', join(dir, 'schema.json'));
    expect(schema.remote).toEqual(schema.local);
    expect(schema.local).toMatchObject({ exitCode: 3, stderr: "error: dataset: dataset 'nope' not found\n" });
    // With both the dataset and the file wrong, the dataset is reported first.
    const neither = await both('--json', 'schema', 'save', 'nope', 'missing.json');
    expect(neither.remote).toEqual(neither.local);
    expect(neither.local.exitCode).toBe(3);
    expect(JSON.parse(neither.local.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: "dataset: dataset 'nope' not found", field: 'dataset' } });
    const badName = await both('--json', 'schema', 'save', 'no/pe', 'missing.json');
    expect(badName.remote).toEqual(badName.local);
    expect(JSON.parse(badName.local.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', message: "dataset: invalid dataset name 'no/pe'", field: 'dataset' } });
    const noFile = await both('--json', 'schema', 'save', 'tiny', 'missing.json');
    expect(noFile.remote).toEqual(noFile.local);
    expect(JSON.parse(noFile.local.stderr).error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'file' });
    // Nothing was stored by any of them.
    expect(await server.platform.registry.searchRegisteredModels({ filter: "name = 'ghost'" })).toMatchObject({ items: [] });
    expect(await server.platform.monitoring.listMonitors()).toEqual([]);
    expect(await server.platform.store.db.selectFrom('validation_schemas').select('version').where('dataset_name', '=', 'nope').execute()).toEqual([]);
  });

  it('schema ls of a dataset that does not exist is NOT_FOUND naming dataset, not an empty table, both ways', async () => {
    const text = await both('schema', 'ls', 'nope');
    expect(text.remote).toEqual(text.local);
    expect(text.local).toEqual({ exitCode: 3, stdout: '', stderr: "error: dataset: dataset 'nope' not found\n" });
    const json = await both('--json', 'schema', 'ls', 'nope');
    expect(json.remote).toEqual(json.local);
    expect(json.local.exitCode).toBe(3);
    expect(JSON.parse(json.local.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: "dataset: dataset 'nope' not found", field: 'dataset' } });
    // An existing dataset with no schema saved: an empty list, exit 0.
    const none = await both('--json', 'schema', 'ls', 'tiny');
    expect(none.remote).toEqual(none.local);
    expect(none.local).toEqual({ exitCode: 0, stdout: '[]\n', stderr: '' });
  });

  it('data ls and schema show of a dataset that does not exist name the field, both ways', async () => {
    const versions = await both('--json', 'data', 'ls', 'nope');
    expect(versions.remote).toEqual(versions.local);
    expect(versions.local.exitCode).toBe(3);
    expect(JSON.parse(versions.local.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: "name: dataset 'nope' not found", field: 'name' } });
    const schema = await both('--json', 'schema', 'show', 'nope');
    expect(schema.remote).toEqual(schema.local);
    expect(JSON.parse(schema.local.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: "dataset: dataset 'nope' not found", field: 'dataset' } });
    // A dataset that exists without a saved schema: the schema is what is missing.
    const noSchema = await both('--json', 'schema', 'show', 'tiny');
    expect(noSchema.remote).toEqual(noSchema.local);
    // Said as what is missing and how to make it (it said "schema 'tiny' not found").
    expect(JSON.parse(noSchema.local.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: "dataset 'tiny' has no saved schema: `keel schema infer tiny@<version>` saves one" } });
  });

  // They named the model's name, version or alias, which the command line does not have: it takes one REF.
  it('models show of a model, version or alias that does not exist names ref, both ways', async () => {
    for (const ref of ['nope', 'nope/1', 'nope@champion']) {
      const shown = await both('--json', 'models', 'show', ref);
      expect(shown.remote, ref).toEqual(shown.local);
      expect([shown.local.exitCode, JSON.parse(shown.local.stderr)], ref).toEqual([3, { error: { code: 'NOT_FOUND', message: 'ref: Registered Model with name=nope not found', field: 'ref' } }]);
    }
  });

  // Each named the dataset in its message but no field, so a script could not tell which of two refs was wrong.
  it('a dataset ref that does not exist is NOT_FOUND naming its field, in every command that takes one, both ways', async () => {
    const cases: [string[], string, string][] = [
      [['data', 'show', 'nope'], 'ref', "dataset 'nope' not found"],
      [['data', 'head', 'tiny@latest~9'], 'ref', "dataset version 'tiny@latest~9' not found"],
      [['data', 'export', 'nope', join(dir, 'nope.csv')], 'ref', "dataset 'nope' not found"],
      [['data', 'diff', 'nope', 'tiny'], 'a', "dataset 'nope' not found"],
      [['data', 'diff', 'tiny', 'tiny@000000000000'], 'b', "dataset version 'tiny@000000000000' not found"],
      [['validate', 'nope'], 'dataset', "dataset 'nope' not found"],
      [['validate', 'tiny', '--schema', join(dir, 'schema.json'), '--against', 'nope'], 'against', "dataset 'nope' not found"],
      [['drift', 'nope', 'tiny'], 'reference', "dataset 'nope' not found"],
      [['drift', 'tiny', 'tiny@000000000000'], 'current', "dataset version 'tiny@000000000000' not found"],
      [['schema', 'infer', 'nope'], 'dataset', "dataset 'nope' not found"],
      // Named by the flag typed (it named `dataset`, the train request's field, which keel train has no flag of).
      [['train', '--dataset', 'nope', '--target', 'y', '--no-progress'], '--dataset', "dataset 'nope' not found"],
    ];
    writeFileSync(join(dir, 'schema.json'), JSON.stringify(await server.platform.validation.inferSchema('tiny')));
    for (const [args, field, message] of cases) {
      const { local, remote } = await both('--json', ...args);
      expect(remote, args.join(' ')).toEqual(local);
      expect(local.exitCode, args.join(' ')).toBe(3);
      expect(JSON.parse(local.stderr), args.join(' ')).toEqual({ error: { code: 'NOT_FOUND', message: `${field}: ${message}`, field } });
    }
  });

  it('feedback --file names a file it cannot read, both ways', async () => {
    const { local, remote } = await both('feedback', '--file', 'missing.csv');
    expect(remote).toEqual(local);
    expect(local).toMatchObject({ exitCode: 2, stderr: "error: --file: cannot read 'missing.csv': no such file or directory (ENOENT)\n" });
    // A request id without its label names the label (it asked for the request id it was given).
    const noLabel = await both('--json', 'feedback', 'req-1');
    expect(noLabel.remote).toEqual(noLabel.local);
    expect(JSON.parse(noLabel.local.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: 'label', message: 'label: give the label after the request id: keel feedback req-1 LABEL' } });
  });

  it('monitor prune deletes old predictions through --server as locally, with the same text, --json and errors', async () => {
    const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);
    const D = 86_400_000;
    const log = () => server.platform.monitoring.predictions.writeBatch([40, 31, 29].map((days, i) => ({
      receivedAt: NOW - days * D, record: { requestId: `old-${i}`, timestamp: NOW - days * D, modelName: 'm', modelVersion: 1, deployment: 'pruned', variant: null, inputs: { a: i }, outputs: { p: 0.5 }, latencyMs: 1 },
    })));
    // Both runs take the cut-off from the same clock, so their outputs are compared whole.
    const clock = vi.spyOn(Date, 'now').mockReturnValue(NOW);
    try {
      const results = [];
      for (const args of [['monitor', 'prune', '--older-than', '30d', '--deployment', 'pruned'], ['--json', 'monitor', 'prune', '--older-than', '30d', '--deployment', 'pruned']]) {
        await log();
        const local = await runKeelInProcess(['--home', server.home, ...args]);
        await log();
        const remote = await runKeelInProcess(['--server', server.url, ...args]);
        expect(remote).toEqual(local);
        results.push(local);
      }
      expect(results[0]).toEqual({ exitCode: 0, stderr: '', stdout: '2 prediction(s) before 2025-01-01 12:00:00 deleted\n' });
      expect(JSON.parse(results[1]!.stdout)).toEqual({ deleted: 2, before: NOW - 30 * D });
    } finally {
      clock.mockRestore();
    }
    expect(await server.platform.monitoring.predictions.get('old-2')).toMatchObject({ deployment: 'pruned' });
    expect(await server.platform.monitoring.predictions.get('old-0')).toBeUndefined();
    const bad = await both('--json', 'monitor', 'prune', '--older-than', 'a month');
    expect(bad.remote).toEqual(bad.local);
    expect(bad.local.exitCode).toBe(2);
    expect(JSON.parse(bad.local.stderr).error).toMatchObject({ code: 'INVALID_ARGUMENT', field: '--older-than' });
  });

  it('monitor learn learns from the server\'s labeled predictions and publishes to its registry through --server, as locally', async () => {
    const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);
    // More labeled rows than one page of GET /api/v1/predictions, with one label time: the pages
    // must neither skip nor repeat a row. Request ids run against event time, so label order (by
    // request id) is not the evaluation window's order, in which the metrics must be summed.
    const n = 10_050;
    const rows = Array.from({ length: n }, (_, i) => ({ id: `l${String(n - i).padStart(5, '0')}`, a: (i * 7919) % 101, b: (i * 104_729) % 37 }));
    const t0 = NOW - 30 * 60_000;
    await server.platform.monitoring.predictions.writeBatch(rows.map((r, i) => ({ receivedAt: t0 + i, record: { requestId: r.id, timestamp: t0 + i, modelName: 'm', modelVersion: 1, deployment: 'learned', variant: null, inputs: { a: r.a, b: r.b }, outputs: { p: 0.5 }, latencyMs: 1 } })));
    await server.platform.monitoring.addFeedback(rows.map((r) => ({ requestId: r.id, label: r.a - 3 * r.b + 5 > 0 ? 1 : 0, timestamp: NOW - 60_000 })));
    const clock = vi.spyOn(Date, 'now').mockReturnValue(NOW);
    try {
      for (const args of [['monitor', 'learn', 'learned', '--model-name', 'online-m', '--features', 'a,b', '--every', '5000'], ['--json', 'monitor', 'learn', 'learned', '--model-name', 'online-m', '--features', 'a,b', '--every', '5000']]) {
        const local = await runKeelInProcess(['--home', server.home, ...args]);
        await server.platform.registry.deleteRegisteredModel('online-m');
        const remote = await runKeelInProcess(['--server', server.url, ...args]);
        await server.platform.registry.deleteRegisteredModel('online-m');
        expect(remote).toEqual(local);
        expect(local.exitCode, local.stderr).toBe(0);
        if (args[0] === '--json') {
          // One JSON document for the pass, its versions in it (it printed one document per version).
          const { updates, published } = JSON.parse(local.stdout) as { updates: number; published: { version: number; updates: number; metrics: Record<string, number> }[] };
          expect(updates).toBe(n);
          expect(published.map((p) => [p.version, p.updates, p.metrics['window.labeled']])).toEqual([[1, 5000, n], [2, 10_000, n]]);
        } else expect(local.stdout).toMatch(/^published online-m version 1 after 5000 updates: updates=5000 window\.labeled=10050 window\.accuracy=0\.\d{4} /);
      }
    } finally {
      clock.mockRestore();
    }
    const bad = await both('--json', 'monitor', 'learn', 'learned', '--model-name', 'online-m', '--features', 'a,b');
    expect(bad.remote).toEqual(bad.local);
    // Named by the flags, not by the learner's options (publishEveryUpdates).
    expect(JSON.parse(bad.local.stderr).error).toMatchObject({ code: 'INVALID_ARGUMENT', field: '--every', message: "--every: give --every N (updates) and/or --every-time DURATION (e.g. '10m'): when to publish a version" });
    for (const [flags, field, message] of [[['--every', 'abc'], '--every', "--every: expected an integer >= 1, got 'abc'"], [['--every', '5', '--learning-rate', 'abc'], '--learning-rate', "--learning-rate: expected a positive number, got 'abc'"]] as const) {
      const refused = await both('--json', 'monitor', 'learn', 'learned', '--model-name', 'online-m', '--features', 'a,b', ...flags);
      expect(refused.remote).toEqual(refused.local);
      expect(refused.local.exitCode).toBe(2);
      expect(JSON.parse(refused.local.stderr).error).toEqual({ code: 'INVALID_ARGUMENT', field, message });
    }
  });

  it('monitor run --watch runs the server\'s monitors through --server; a bad --interval is refused both ways', async () => {
    const badInterval = await both('monitor', 'run', '--watch', '--interval', 'x');
    expect(badInterval.remote).toEqual(badInterval.local);
    expect(badInterval.local).toMatchObject({ exitCode: 2, stderr: "error: --interval: expected a positive number of seconds, got 'x'\n" });
    const at = Date.now() - 10_000;
    await server.platform.monitoring.predictions.writeBatch([{ receivedAt: at, record: { requestId: 'q1', timestamp: at, modelName: 'm', modelVersion: 1, deployment: 'd1', variant: null, inputs: { a: 1, b: 2 }, outputs: { p: 0.5 }, latencyMs: 1 } }]);
    const created = await runKeelInProcess(['--server', server.url, 'monitor', 'create', 'm1', '--deployment', 'd1', '--window', '1s', '--reference', 'tiny@latest']);
    expect(created.exitCode, created.stderr).toBe(0);
    // The loop runs until Ctrl-C: a child process, stopped with SIGINT once it has printed a pass.
    const child = spawn(process.execPath, [KEEL_BIN, '--server', server.url, 'monitor', 'run', 'm1', '--watch', '--interval', '3600'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('\n')) child.kill('SIGINT');
    });
    // Without a pass printed (before --watch took --server: refused at once) it ends all the same.
    const stop = setTimeout(() => child.kill('SIGINT'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve)).finally(() => clearTimeout(stop));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^m1: [1-9]\d* window\(s\), 0 alert\(s\) fired\n$/);
    const windows = await server.platform.monitoring.status('m1', 5);
    expect(windows[0]!.windows.length).toBeGreaterThan(0);
  });
});
