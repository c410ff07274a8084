import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, type KeelError } from '../core/index.js';
import { DatasetService } from '../data/index.js';
import { LocalArtifactStore, testStores, type MetadataStore } from '../storage/index.js';
import { ValidationService } from './validation-service.js';

function csv(n: number, shift: number, corrupt: boolean): string {
  const lines = ['amount,country'];
  for (let i = 0; i < n; i++) {
    const amount = ((i * 7919) % n) / 10 + shift;
    lines.push(`${corrupt && i % 10 === 0 ? -1 : amount},${corrupt && i % 4 === 0 ? 'XX' : ['FR', 'DE', 'US'][i % 3]}`);
  }
  return `${lines.join('\n')}\n`;
}

for (const backend of testStores()) {
  describe(`ValidationService on ${backend.name}`, () => {
    let store: MetadataStore;
    let svc: ValidationService;
    let train: string, clean: string, bad: string, ids: string, codes: string;
    beforeAll(async () => {
      store = await backend.open();
      const dir = mkdtempSync(join(tmpdir(), 'keel-validation-'));
      const artifacts = new LocalArtifactStore(join(dir, 'artifacts'));
      const datasets = new DatasetService({ db: store.db, artifacts, logger: silentLogger, tmpDir: join(dir, 'tmp') });
      svc = new ValidationService({ db: store.db, artifacts, datasets, logger: silentLogger });
      const add = async (file: string, text: string) => {
        writeFileSync(join(dir, file), text);
        const v = await datasets.add('sales', join(dir, file));
        return `${v.name}@${v.version}`;
      };
      train = await add('train.csv', csv(1500, 0, false));
      clean = await add('clean.csv', csv(1500, 0.01, false));
      bad = await add('bad.csv', csv(600, 60, true));
      // Snowflake IDs beyond 2^53: a Table holds them only as their nearest doubles.
      writeFileSync(join(dir, 'ids.csv'), `id,amount\n${Array.from({ length: 50 }, (_, i) => `${1234567890123456789n + BigInt(i)},${i}`).join('\n')}\n`);
      const idsVersion = await datasets.add('ids', join(dir, 'ids.csv'));
      ids = `ids@${idsVersion.version}`;
      // 25 codes: more than the 20 top values a dataset profile keeps.
      writeFileSync(join(dir, 'codes.csv'), `code,n\n${Array.from({ length: 500 }, (_, i) => `c${String(i % 25).padStart(2, '0')},${i}`).join('\n')}\n`);
      const codesVersion = await datasets.add('codes', join(dir, 'codes.csv'));
      codes = `codes@${codesVersion.version}`;
    });
    afterAll(async () => { await store?.close(); });

    it('needs a saved schema or a given one', async () => {
      const e = await svc.validate(clean).catch((err: unknown) => err);
      expect((e as KeelError).code).toBe('FAILED_PRECONDITION');
      // The command it names runs as written (schema infer saves by default; it has no --save).
      expect((e as KeelError).message).toContain('run `keel schema infer sales@<version>` (it saves the schema)');
    });

    it('refuses to save a schema for a dataset that does not exist, naming it', async () => {
      const schema = await svc.inferSchema(train);
      const e = (await svc.saveSchema('salse', schema).catch((err: unknown) => err)) as KeelError;
      expect({ code: e.code, field: e.field, message: e.message }).toEqual({ code: 'NOT_FOUND', field: 'dataset', message: "dataset: dataset 'salse' not found" });
      expect(await store.db.selectFrom('validation_schemas').select('version').where('dataset_name', '=', 'salse').execute()).toEqual([]);
    });

    it('lists schemas only of a dataset that exists: NOT_FOUND naming dataset, not an empty list', async () => {
      const e = (await svc.listSchemas('salse').catch((err: unknown) => err)) as KeelError;
      expect({ code: e.code, field: e.field, message: e.message }).toEqual({ code: 'NOT_FOUND', field: 'dataset', message: "dataset: dataset 'salse' not found" });
      const bad = (await svc.listSchemas('no/pe').catch((err: unknown) => err)) as KeelError;
      expect({ code: bad.code, field: bad.field }).toEqual({ code: 'INVALID_ARGUMENT', field: 'dataset' });
      // A dataset with no schema saved yet lists none.
      expect(await svc.listSchemas('ids')).toEqual([]);
    });

    it('infers, versions and loads schemas', async () => {
      const inferred = await svc.inferSchema(train);
      expect(inferred.source).toBe(`inferred from ${train}`);
      const v1 = await svc.saveSchema('sales', inferred);
      const v2 = await svc.saveSchema('sales', { ...inferred, severity: { drift: 'error' } }, 'edited');
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect((await svc.getSchema('sales')).schema.severity).toEqual({ drift: 'error' });
      expect((await svc.getSchema('sales', 1)).schema).toEqual(inferred);
      expect((await svc.listSchemas('sales')).map((s) => [s.version, s.source])).toEqual([[2, 'edited'], [1, `inferred from ${train}`]]);
      // A version past the last names the field and the versions there are.
      const missing = (await svc.getSchema('sales', 9).catch((err: unknown) => err)) as KeelError;
      expect({ code: missing.code, field: missing.field, message: missing.message }).toEqual({ code: 'NOT_FOUND', field: 'version', message: "version: no schema version 9 of dataset 'sales' (its latest is 2)" });
      expect((await svc.getSchema('ids', 1).catch((err: unknown) => err)) as KeelError).toMatchObject({ field: 'version', message: "version: no schema version 1 of dataset 'ids' (it has no saved schema)" });
      await expect(svc.saveSchema('sales', { format: 1, columns: [{ name: 'a' }] } as never)).rejects.toThrow(/columns\[0\]\.type/);
      expect(await svc.listSchemas('sales')).toHaveLength(2);
    });

    it('infers a domain larger than the top 20 values of the profile from the rows; refuses a bad maxDomainSize', async () => {
      const domain = async (maxDomainSize?: number) => (await svc.inferSchema(codes, maxDomainSize === undefined ? {} : { maxDomainSize })).columns.find((c) => c.name === 'code')!;
      expect((await domain()).domain ?? null).toBeNull();
      const wide = await domain(30);
      expect([...(wide.domain ?? [])].sort()).toEqual(Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, '0')}`));
      expect((await svc.inferSchema(codes, { maxDomainSize: 30 })).source).toBe(`inferred from ${codes}`);
      await expect(svc.inferSchema(codes, { maxDomainSize: -3 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'maxDomainSize' });
    });

    it('passes a clean batch and fails a corrupted one, with drift as errors per the saved schema', async () => {
      const ok = await svc.validate(clean, { against: train });
      expect(ok.report.errors).toBe(0);
      // A relative ref is answered by the full id it named then, as the batch is.
      const relative = await svc.validate('sales', { against: 'sales@latest~2' });
      expect({ batch: relative.batch, against: relative.against }).toEqual({ batch: bad, against: train });
      const r = await svc.validate(bad, { against: train });
      expect(r.report.anomalies.map((a) => [a.column, a.kind, a.severity])).toEqual([
        ['amount', 'out_of_range', 'error'],
        ['country', 'new_values', 'error'],
        ['amount', 'drift', 'error'],
        ['country', 'drift', 'error'],
      ]);
    });

    it('stores reference statistics once per dataset version', async () => {
      const a = await svc.referenceFor(train);
      const rows = await store.db.selectFrom('validation_references').selectAll().execute();
      expect(rows.map((r) => r.dataset_version)).toEqual([train.split('@')[1]]);
      expect(await svc.referenceFor(train)).toEqual(a);
      expect(a.columns.map((c) => [c.name, c.kind, c.count])).toEqual([['amount', 'numeric', 1500], ['country', 'categorical', 1500]]);
      const d = await svc.drift(train, bad, { method: 'psi' });
      expect(d.columns.every((c) => c.test === 'psi' && c.drifted)).toBe(true);
    });

    it('refuses a per-column test or threshold for a column the reference does not have, naming it', async () => {
      await expect(svc.drift(train, bad, { method: { amount: 'ks', amuont: 'psi' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'method.amuont' });
      await expect(svc.drift(train, bad, { threshold: { contry: 0.2 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'threshold.contry' });
      const d = await svc.drift(train, bad, { method: { amount: 'ks' }, threshold: { country: 0.2 } });
      expect(d.columns.map((c) => [c.column, c.test, c.threshold])).toEqual([['amount', 'ks', 0.05], ['country', 'jensenshannon', 0.2]]);
    });

    it('validates and measures drift on a version with ints beyond 2^53, as their nearest doubles', async () => {
      const r = await svc.validate(ids, { schema: await svc.inferSchema(ids), against: ids });
      expect(r.report.errors).toBe(0);
      expect((await svc.drift(ids, ids)).columns.map((c) => c.column)).toEqual(['id', 'amount']);
    });
  });
}
