import { mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { RegistryService } from '../registry/index.js';
import { LocalArtifactStore, testStores, type MetadataStore } from '../storage/index.js';
import { InferenceServer } from './inference-server.js';
import { RegistryModelSource } from './registry-model-source.js';
import { TORCH_MLP_PATH } from './testing.js';

let store: MetadataStore;
let registry: RegistryService;
let server: InferenceServer;
let url: string;

beforeAll(async () => {
  store = await testStores()[0]!.open();
  registry = new RegistryService({ db: store.db, artifacts: new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'keel-serving-'))), logger: silentLogger });
  const onnx = new Uint8Array(readFileSync(TORCH_MLP_PATH));
  await registry.createModelVersion({ name: 'clf', source: { onnx } });
  await registry.createModelVersion({ name: 'clf', source: { onnx }, tags: { 'keel.allow_missing': 'true' } });
  await registry.setAlias('clf', 'prod', 1);
  server = new InferenceServer({ source: new RegistryModelSource(registry), models: [{ ref: 'clf@prod' }], pollIntervalMs: 30 });
  url = await server.start();
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('hot model swaps', () => {
  it('follows an alias move under concurrent load without failing a request', async () => {
    const body = JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
    const versions = new Map<string, number>();
    const failures: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${url}/v2/models/clf/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const json = (await res.json()) as { model_version?: string; error?: string };
          if (res.status !== 200) failures.push(`${res.status} ${json.error}`);
          else versions.set(json.model_version!, (versions.get(json.model_version!) ?? 0) + 1);
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    while ((versions.get('1') ?? 0) < 50) await new Promise((r) => setTimeout(r, 10));
    const swapped = once(server.manager, 'swapped');
    await registry.setAlias('clf', 'prod', 2);
    const [event] = await swapped;
    expect(event).toEqual({ name: 'clf', from: '1', to: '2' });
    const before = versions.get('2') ?? 0;
    while ((versions.get('2') ?? 0) < before + 50) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(versions.get('1')).toBeGreaterThanOrEqual(50);
    expect(versions.get('2')).toBeGreaterThanOrEqual(50);
    // The new version carries its own settings: version 2 accepts missing values (null).
    const res = await fetch(`${url}/v2/models/clf/infer`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, null, 3, 4] }] }),
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${url}/v2/models/clf/versions/1`)).status).toBe(404);
    expect(((await (await fetch(`${url}/v2/models/clf`)).json()) as { versions: string[] }).versions).toEqual(['2']);
  });
});
