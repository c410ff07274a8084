import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, type KeelError } from '../core/index.js';
import { DatasetService } from '../data/index.js';
import { LocalArtifactStore, openMetadataStore, type MetadataStore } from '../storage/index.js';
import { ValidationService } from '../validation/index.js';
import { MonitoringService } from './monitoring-service.js';
import { makePrediction } from './testing.js';
import { validationAnalyzers } from './validation-analyzers.js';

const H = 3_600_000;

/** The monitor on the real validation/ and data/ services: a dataset on disk, Evidently-default tests. */
describe('monitor with validation analyzers', () => {
  let store: MetadataStore;
  let datasets: DatasetService;
  let artifacts: LocalArtifactStore;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-mon-'));
    store = await openMetadataStore(`sqlite:${join(dir, 'keel.db')}`);
    artifacts = new LocalArtifactStore(join(dir, 'artifacts'));
    datasets = new DatasetService({ db: store.db, artifacts, logger: silentLogger, tmpDir: join(dir, 'tmp') });
    const lines = ['amount,country,label'];
    for (let i = 0; i < 400; i++) lines.push(`${(10 + ((i * 37) % 100) / 50).toFixed(3)},${['FR', 'DE', 'US'][i % 3]},${i % 2}`);
    writeFileSync(join(dir, 'fraud.csv'), lines.join('\n'));
    await datasets.add('fraud', join(dir, 'fraud.csv'));
  });
  afterAll(async () => {
    await store?.close();
  });

  it('compares live inputs with stored reference statistics and flags new categories', async () => {
    const analyzers = validationAnalyzers({ db: store.db, datasets });
    const svc = new MonitoringService({ db: store.db, analyzers });
    const log = svc.createLogger({ now: () => 0 });
    for (let i = 0; i < 200; i++) {
      const shifted = i >= 100;
      log.log(makePrediction({
        requestId: `v${i}`, timestamp: (shifted ? H : 0) + i * 1000, deployment: 'fraud',
        inputs: { amount: 10 + ((i * 37) % 100) / 50 + (shifted ? 3 : 0), country: shifted && i % 2 ? 'BR' : ['FR', 'DE', 'US'][i % 3]! },
      }));
    }
    await log.close();
    await svc.createMonitor({ name: 'fraud-v', deployment: 'fraud', referenceDataset: 'fraud@latest', window: { size: '1h' } });
    const run = await svc.runMonitor('fraud-v', { now: 3 * H });
    const [calm, shifted] = run.evaluated;
    const amount = (w: typeof calm) => w!.details.inputDrift!.columns.find((c) => c.column === 'amount')!;
    // Small reference (400 values): KS for numbers, chi-square for categories, at p = 0.05.
    expect(amount(calm)).toMatchObject({ test: 'ks', drifted: false });
    expect(amount(shifted)).toMatchObject({ test: 'ks', drifted: true });
    expect(shifted!.metrics['drift.share']).toBe(1);
    expect(shifted!.details.anomalies!.some((a) => a.column === 'country' && a.kind !== undefined)).toBe(true);
    expect(calm!.metrics['quality.anomalies']).toBe(0);
    // Stored once, under the exact version.
    const refs = await store.db.selectFrom('monitor_references').select('dataset_ref').execute();
    expect(refs).toHaveLength(1);
    expect(refs[0]!.dataset_ref).toMatch(/^fraud@[0-9a-f]{12}$/);

    // With validation's service, its stored statistics are used (one copy for the platform).
    const validation = new ValidationService({ db: store.db, artifacts, datasets, logger: silentLogger });
    const withService = validationAnalyzers({ db: store.db, datasets, validation });
    const stats = await withService.referenceFor('fraud');
    expect(await validation.referenceFor('fraud')).toEqual(stats);
    expect(await store.db.selectFrom('validation_references').selectAll().execute()).toHaveLength(1);
  });

  it('refuses a reference dataset version that does not exist when a monitor is created or updated', async () => {
    const svc = new MonitoringService({ db: store.db, datasets });
    const refusal = async (p: Promise<unknown>) => p.then(() => 'accepted', (e: KeelError) => ({ code: e.code, field: e.field, message: e.message }));
    const monitor = (referenceDataset: string) => ({ name: 'ref-check', deployment: 'fraud', referenceDataset, window: { size: '1h' } });
    expect(await refusal(svc.createMonitor(monitor('fraud@000000000000')))).toEqual({
      code: 'NOT_FOUND', field: 'referenceDataset', message: "referenceDataset: dataset version 'fraud@000000000000' not found",
    });
    expect(await refusal(svc.createMonitor(monitor('nope@latest')))).toEqual({ code: 'NOT_FOUND', field: 'referenceDataset', message: "referenceDataset: dataset 'nope' not found" });
    expect(await svc.listMonitors()).toEqual(expect.not.arrayContaining([expect.objectContaining({ name: 'ref-check' })]));
    const created = await svc.createMonitor(monitor('fraud@latest'));
    expect(created.referenceDataset).toBe('fraud@latest');
    expect(await refusal(svc.updateMonitor(monitor('fraud@000000000000')))).toMatchObject({ code: 'NOT_FOUND', field: 'referenceDataset' });
    expect((await svc.getMonitor('ref-check')).referenceDataset).toBe('fraud@latest');
  });

  it('names the monitor\'s referenceDataset, not the lookup\'s ref, when its stored reference dataset has vanished', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-mon-gone-'));
    writeFileSync(join(dir, 'gone.csv'), 'amount\n1\n2\n3\n');
    await datasets.add('gone', join(dir, 'gone.csv'));
    const validation = new ValidationService({ db: store.db, artifacts, datasets, logger: silentLogger });
    // Both analyzers: on validation's service (the platform's) and on data's alone.
    const monitors = [validationAnalyzers({ db: store.db, datasets, validation }), validationAnalyzers({ db: store.db, datasets })].map((analyzers, i) => {
      const logged: { err?: { field?: string; message?: string } }[] = [];
      const logger = pino({ base: undefined }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
      return { name: `gone-mon-${i}`, deployment: `gone-${i}`, logged, svc: new MonitoringService({ db: store.db, analyzers, datasets, logger }) };
    });
    for (const { name, deployment, svc } of monitors) {
      const log = svc.createLogger({ now: () => 0 });
      for (let r = 0; r < 40; r++) log.log(makePrediction({ requestId: `${name}-${r}`, timestamp: r * 1000, deployment, inputs: { amount: r } }));
      await log.close();
      await svc.createMonitor({ name, deployment, referenceDataset: 'gone@latest', window: { size: '1h' } });
    }
    await store.db.deleteFrom('dataset_versions').where('dataset_name', '=', 'gone').execute();
    await store.db.deleteFrom('datasets').where('name', '=', 'gone').execute();
    for (const { name, svc, logged } of monitors) {
      const [w] = (await svc.runMonitor(name, { now: 2 * H })).evaluated;
      expect(w!.metrics['drift.share']).toBeUndefined();
      expect(w!.details.notes).toEqual(["input drift not computed: referenceDataset: dataset 'gone' not found"]);
      expect(logged.filter((l) => l.err).map((l) => ({ field: l.err!.field, message: l.err!.message }))).toEqual([{ field: 'referenceDataset', message: "referenceDataset: dataset 'gone' not found" }]);
      expect(JSON.stringify(logged)).not.toContain('ref:');
    }
  });
});
