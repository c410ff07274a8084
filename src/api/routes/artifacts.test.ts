import { existsSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError, loadConfig, silentLogger } from '../../core/index.js';
import { openPlatform, type Platform } from '../platform.js';
import { createApiServer } from '../server.js';

describe('POST /api/v1/artifacts/gc', () => {
  let platform: Platform;
  let blob: string;
  const blobPath = () => join(platform.config.artifactsDir, blob.slice(0, 2), blob.slice(2));
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-gc-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    blob = (await platform.artifacts.put('nobody records this')).sha256;
    const t = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(blobPath(), t, t);
  });
  afterAll(async () => platform?.close());

  it('asks the auth hook for artifacts:admin, and refuses a negative age by its field', async () => {
    const asked: (string | undefined)[] = [];
    const app = await createApiServer({
      ...platform,
      authorizer: {
        async authorize(r) {
          asked.push(r.permission);
          if (r.permission === 'artifacts:admin') throw new KeelError('PERMISSION_DENIED', 'only admins collect the store');
          return { id: 'writer', kind: 'user' };
        },
      },
    }, { accessLog: false });
    try {
      const denied = await app.inject({ method: 'POST', url: '/api/v1/artifacts/gc', payload: {} });
      expect([denied.statusCode, asked]).toEqual([403, ['artifacts:admin']]);
      expect(existsSync(blobPath())).toBe(true);
    } finally {
      await app.close();
    }
    const open = await createApiServer(platform, { accessLog: false });
    try {
      const bad = await open.inject({ method: 'POST', url: '/api/v1/artifacts/gc', payload: { olderThanMs: -1 } });
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
      const dry = await open.inject({ method: 'POST', url: '/api/v1/artifacts/gc', payload: { dryRun: true } });
      expect(dry.json()).toMatchObject({ dryRun: true, olderThanMs: 86_400_000, removed: [{ sha256: blob, size: 19 }] });
      expect(existsSync(blobPath())).toBe(true);
      // `dryrun` was dropped, and the blobs went for real.
      const typo = await open.inject({ method: 'POST', url: '/api/v1/artifacts/gc', payload: { dryrun: true } });
      expect([typo.statusCode, typo.json().error]).toEqual([400, { code: 'INVALID_ARGUMENT', message: 'dryrun: no such body field', field: 'dryrun' }]);
      expect(existsSync(blobPath())).toBe(true);
      // The default age, for real; the body may be left out.
      const done = await open.inject({ method: 'POST', url: '/api/v1/artifacts/gc' });
      expect(done.json()).toMatchObject({ dryRun: false, removedBytes: 19, failed: [] });
      expect(existsSync(blobPath())).toBe(false);
    } finally {
      await open.close();
    }
  });
});
