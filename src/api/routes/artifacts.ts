import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { collectArtifactGarbage, DEFAULT_GC_AGE_MS } from '../../data/index.js';
import { ok } from '../openapi.js';
import type { RoutePluginOptions } from './route-options.js';
import { noBodyAsEmpty, StrictObject } from './strict-object.js';

const GcBody = StrictObject({
  olderThanMs: Type.Optional(Type.Integer({ minimum: 0, description: `only blobs last stored at least this long ago go (default ${DEFAULT_GC_AGE_MS}, a day)` })),
  dryRun: Type.Optional(Type.Boolean({ description: 'list what would go; remove nothing' })),
});

/**
 * /api/v1/artifacts/gc: `keel gc` on the server's artifact store, which a client cannot reach.
 * It removes only what no record names, so it asks for admin rights as a maintenance task, not
 * for a right to delete data.
 */
export const artifactRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  app.post('/api/v1/artifacts/gc', {
    config: { permission: 'artifacts:admin' },
    preValidation: noBodyAsEmpty,
    schema: {
      body: GcBody, tags: ['artifacts'], summary: 'Remove the blobs of the artifact store that no record names and that are older than a duration, and the temp files of ended processes',
      response: ok('{dryRun, olderThanMs, before, removed: [{sha256, size, storedAt}], removedBytes, kept: {referenced, recent, claimed, bytes}, tempFilesRemoved, failed: [{sha256, code, error}]}: the blobs in failed stay, and the others were done'),
    },
  }, async (req) => {
    const b = req.body as Static<typeof GcBody>;
    return collectArtifactGarbage({ db: platform.store.db, artifacts: platform.artifacts }, { olderThanMs: b.olderThanMs ?? DEFAULT_GC_AGE_MS, dryRun: b.dryRun === true });
  });
};
