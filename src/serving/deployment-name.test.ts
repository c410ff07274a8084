import { describe, expect, it } from 'vitest';
import { FileModelSource } from './file-model-source.js';
import { InferenceServer } from './inference-server.js';

describe('InferenceServer deployment name', () => {
  it('refuses one that monitors could not find (empty, a path) before any worker starts, naming deployment', async () => {
    for (const deployment of ['', 'a/b', 'a b']) {
      expect(() => new InferenceServer({ source: new FileModelSource(), models: [], deployment })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'deployment' }));
    }
    const server = new InferenceServer({ source: new FileModelSource(), models: [], deployment: 'fraud-svc.v2' });
    await server.close();
  });
});
