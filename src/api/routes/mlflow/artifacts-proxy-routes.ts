import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { KeelError } from '../../../core/index.js';
import { normalizeArtifactPath, type TrackingService } from '../../../tracking/index.js';
import type { RoutePluginOptions } from '../route-options.js';
import { fileDownload, ok } from '../../openapi.js';
import { mlflowErrorHandler } from './mlflow-errors.js';
import { documentMlflowParams, PROXY_LIST_PARAMS } from './mlflow-params.js';

const PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'];

/**
 * A proxied artifact path, `<experiment_id>/<run_id>/artifacts[/<path>]`: what MLflow clients
 * derive from a run's artifact_uri `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`.
 */
interface ProxiedPath {
  readonly experimentId: string;
  readonly runId?: string;
  /** Below the run's artifact root; undefined above it. */
  readonly rel?: string;
}

function splitPath(raw: string): ProxiedPath {
  const parts = normalizeArtifactPath(decodeURIComponent(raw)).split('/').filter((s) => s !== '');
  const [experimentId, runId, root, ...rest] = parts;
  if (experimentId === undefined) return { experimentId: '' };
  if (runId === undefined) return { experimentId };
  if (root === undefined) return { experimentId, runId };
  if (root !== 'artifacts') throw new KeelError('NOT_FOUND', `Artifact path '${raw}' is not under a run's artifact root '<experiment_id>/<run_id>/artifacts'`, { field: 'path' });
  return { experimentId, runId, rel: rest.join('/') };
}

async function checkRun(t: TrackingService, p: ProxiedPath): Promise<string> {
  const info = await t.getRunInfo(p.runId!);
  if (info.experiment_id !== p.experimentId) throw new KeelError('NOT_FOUND', `Run ${p.runId} is not in experiment ${p.experimentId}`, { field: 'path' });
  return info.run_id;
}

/**
 * MLflow's artifact proxy (`mlflow server --serve-artifacts`): upload (PUT), download (GET) and
 * list (GET ?path=), so that an MLflow client's log_artifact / download_artifacts work against
 * Keel. Blobs go to the content-addressed artifact store; paths are recorded per run.
 */
export const mlflowArtifactsProxyRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  const t = platform.tracking;
  app.setErrorHandler(mlflowErrorHandler);
  // Uploads carry the file's own content type (text/plain, application/json, ...): keep every body as raw bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const register = (f: FastifyInstance): void => {
    f.put('/artifacts/*', { config: { permission: 'tracking:write' }, schema: { tags: ['mlflow'], summary: 'MLflow artifacts proxy: upload a run artifact (the body is its bytes)', response: ok('{}') } }, async (req: FastifyRequest<{ Params: { '*': string } }>) => {
      const p = splitPath(req.params['*']);
      if (p.rel === undefined || p.rel === '') throw new KeelError('INVALID_ARGUMENT', `Invalid artifact path '${req.params['*']}': uploads go to '<experiment_id>/<run_id>/artifacts/<path>'`, { field: 'path' });
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      await t.logArtifact(await checkRun(t, p), p.rel, body);
      return {};
    });
    f.get('/artifacts/*', { config: { permission: 'tracking:read' }, schema: { tags: ['mlflow'], summary: 'MLflow artifacts proxy: download a run artifact', response: fileDownload('application/octet-stream', "the artifact's bytes") } }, async (req: FastifyRequest<{ Params: { '*': string } }>, reply) => {
      const p = splitPath(req.params['*']);
      if (p.rel === undefined || p.rel === '') throw new KeelError('NOT_FOUND', `Artifact '${req.params['*']}' is not a file`, { field: 'path' });
      const bytes = await t.readArtifact(await checkRun(t, p), p.rel);
      return reply.type('application/octet-stream').send(bytes);
    });
    f.get('/artifacts', { config: { permission: 'tracking:read', swaggerTransform: documentMlflowParams('GET', PROXY_LIST_PARAMS) }, schema: { tags: ['mlflow'], summary: "MLflow artifacts proxy: list a run's artifacts (?path=)", response: ok('{files: [{path, is_dir, file_size?}]}') } }, async (req: FastifyRequest<{ Querystring: { path?: string } }>) => {
      const p = splitPath(req.query.path ?? '');
      if (p.runId === undefined) return { files: [] };
      if (p.rel === undefined) {
        await checkRun(t, p);
        return { files: [{ path: 'artifacts', is_dir: true }] };
      }
      const files = await t.listArtifacts(await checkRun(t, p), p.rel);
      // The proxy lists names relative to the listed directory; the client joins them to its path.
      return { files: files.map((f) => ({ ...f, path: f.path.slice(f.path.lastIndexOf('/') + 1) })) };
    });
  };
  for (const prefix of PREFIXES) await app.register(async (f) => register(f), { prefix });
};
