import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { invalidArgument } from '../../../core/index.js';
import type { RoutePluginOptions } from '../route-options.js';
import { ok } from '../../openapi.js';
import { applyMlflowConventions } from './mlflow-errors.js';
import { documentMlflowParams, paramsFor, REGISTRY_PARAMS } from './mlflow-params.js';
import {
  mlflowModelVersion as mv, mlflowRegisteredModel as rm, optionalBool, optionalString, paramsOf, requiredString, stringList, tagList, type Params,
} from './registry-json.js';


/** The UI's `ajax-api` prefix carries the same routes as the REST API's. */
const PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'];

const actorOf = (request: FastifyRequest): string => request.principal?.id ?? 'local';

function versionOf(p: Params): number {
  const v = requiredString(p, 'version');
  if (!/^\d+$/.test(v) || Number(v) < 1) throw invalidArgument('version', `expected a positive integer version, got '${v}'`);
  return Number(v);
}

/**
 * MLflow's model-registry REST API (registered-models/*, model-versions/*) over the
 * RegistryService, with MLflow's error bodies and statuses. Parameters come from the query string
 * on GET and from the JSON body otherwise.
 */
export const mlflowRegistryRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  const registry = platform.registry;
  applyMlflowConventions(app);

  const route = (f: FastifyInstance, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, write: boolean, handler: (p: Params, req: FastifyRequest) => Promise<unknown>) =>
    f.route({
      method,
      url: path,
      config: { permission: write ? 'models:write' : 'models:read', swaggerTransform: documentMlflowParams(method, paramsFor(REGISTRY_PARAMS, method, path)) },
      schema: { tags: ['mlflow'], summary: `MLflow model registry: ${path.slice(1)}`, response: ok("MLflow's answer (mlflow/protos/model_registry.proto)") },
      handler: async (req) => handler(paramsOf(req), req),
    });

  for (const prefix of PREFIXES) {
    await app.register(async (f) => {
      route(f, 'POST', '/registered-models/create', true, async (p) => ({
        registered_model: rm(await registry.createRegisteredModel(requiredString(p, 'name'), { description: optionalString(p, 'description'), tags: tagList(p) })),
      }));
      route(f, 'GET', '/registered-models/get', false, async (p) => ({ registered_model: rm(await registry.getRegisteredModel(requiredString(p, 'name'))) }));
      route(f, 'GET', '/registered-models/search', false, async (p) => {
        const page = await registry.searchRegisteredModels({ filter: optionalString(p, 'filter'), orderBy: stringList(p, 'order_by'), maxResults: p.max_results as number | undefined, pageToken: optionalString(p, 'page_token') });
        return { registered_models: page.items.map(rm), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
      });
      route(f, 'POST', '/registered-models/rename', true, async (p) => ({
        registered_model: rm(await registry.renameRegisteredModel(requiredString(p, 'name'), requiredString(p, 'new_name'))),
      }));
      route(f, 'PATCH', '/registered-models/update', true, async (p) => ({
        registered_model: rm(await registry.updateRegisteredModel(requiredString(p, 'name'), { description: optionalString(p, 'description') })),
      }));
      route(f, 'DELETE', '/registered-models/delete', true, async (p, req) => {
        await registry.deleteRegisteredModel(requiredString(p, 'name'), { actor: actorOf(req) });
        return {};
      });
      for (const method of ['GET', 'POST'] as const) {
        route(f, method, '/registered-models/get-latest-versions', false, async (p) => ({
          model_versions: (await registry.getLatestVersions(requiredString(p, 'name'), stringList(p, 'stages'))).map(mv),
        }));
      }
      route(f, 'POST', '/registered-models/set-tag', true, async (p) => {
        await registry.setRegisteredModelTag(requiredString(p, 'name'), requiredString(p, 'key'), requiredString(p, 'value'));
        return {};
      });
      route(f, 'DELETE', '/registered-models/delete-tag', true, async (p) => {
        await registry.deleteRegisteredModelTag(requiredString(p, 'name'), requiredString(p, 'key'));
        return {};
      });
      route(f, 'POST', '/registered-models/alias', true, async (p, req) => {
        await registry.setAlias(requiredString(p, 'name'), requiredString(p, 'alias'), versionOf(p), { actor: actorOf(req) });
        return {};
      });
      route(f, 'DELETE', '/registered-models/alias', true, async (p, req) => {
        await registry.deleteAlias(requiredString(p, 'name'), requiredString(p, 'alias'), { actor: actorOf(req) });
        return {};
      });
      route(f, 'GET', '/registered-models/alias', false, async (p) => ({ model_version: mv(await registry.getByAlias(requiredString(p, 'name'), requiredString(p, 'alias'))) }));

      route(f, 'POST', '/model-versions/create', true, async (p, req) => ({
        model_version: mv(
          await registry.createModelVersionFromUri({
            name: requiredString(p, 'name'),
            source: requiredString(p, 'source'),
            runId: optionalString(p, 'run_id') || undefined,
            description: optionalString(p, 'description'),
            tags: tagList(p),
            actor: actorOf(req),
          }),
        ),
      }));
      route(f, 'GET', '/model-versions/get', false, async (p) => ({ model_version: mv(await registry.getModelVersion(requiredString(p, 'name'), versionOf(p))) }));
      route(f, 'GET', '/model-versions/search', false, async (p) => {
        const page = await registry.searchModelVersions({ filter: optionalString(p, 'filter'), orderBy: stringList(p, 'order_by'), maxResults: p.max_results as number | undefined, pageToken: optionalString(p, 'page_token') });
        return { model_versions: page.items.map(mv), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
      });
      route(f, 'PATCH', '/model-versions/update', true, async (p) => ({
        model_version: mv(await registry.updateModelVersion(requiredString(p, 'name'), versionOf(p), { description: optionalString(p, 'description') })),
      }));
      route(f, 'POST', '/model-versions/transition-stage', true, async (p, req) => ({
        model_version: mv(
          await registry.transitionStage(requiredString(p, 'name'), versionOf(p), requiredString(p, 'stage'), {
            archiveExistingVersions: optionalBool(p, 'archive_existing_versions'),
            actor: actorOf(req),
          }),
        ),
      }));
      route(f, 'DELETE', '/model-versions/delete', true, async (p, req) => {
        await registry.deleteModelVersion(requiredString(p, 'name'), versionOf(p), { actor: actorOf(req) });
        return {};
      });
      // MLflow answers with the version's storage location: its source URI.
      route(f, 'GET', '/model-versions/get-download-uri', false, async (p) => ({ artifact_uri: (await registry.getModelVersion(requiredString(p, 'name'), versionOf(p))).source }));
      route(f, 'POST', '/model-versions/set-tag', true, async (p) => {
        await registry.setModelVersionTag(requiredString(p, 'name'), versionOf(p), requiredString(p, 'key'), requiredString(p, 'value'));
        return {};
      });
      route(f, 'DELETE', '/model-versions/delete-tag', true, async (p) => {
        await registry.deleteModelVersionTag(requiredString(p, 'name'), versionOf(p), requiredString(p, 'key'));
        return {};
      });
    }, { prefix });
  }
};
