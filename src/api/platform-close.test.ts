import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, silentLogger } from '../core/index.js';
import { openPlatform } from './platform.js';

describe('Platform.close', () => {
  const home = mkdtempSync(join(tmpdir(), 'keel-platform-close-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const open = () => openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);

  it('drains the prediction loggers monitoring.createLogger made: a record logged just before close is stored', async () => {
    const platform = await open();
    // As an SDK user serving in-process gives it to InferenceServer, and closes the platform only.
    const logger = platform.monitoring.createLogger({ flushIntervalMs: 60_000 });
    logger.log({ requestId: 'r1', timestamp: 1000, modelName: 'm', modelVersion: 1, deployment: 'd', variant: null, inputs: { a: 1 }, outputs: { p: 0.5 }, latencyMs: 1 });
    await platform.close();
    const reopened = await open();
    try {
      // It was lost: the buffer waited for a flush that the closed database never took.
      expect(await reopened.monitoring.predictions.get('r1')).toMatchObject({ requestId: 'r1', deployment: 'd', inputs: { a: 1 } });
    } finally {
      await reopened.close();
    }
  });
});
