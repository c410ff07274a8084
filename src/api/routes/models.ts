import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { invalidArgument, renamingFields } from '../../core/index.js';
import { MAX_MODELS_PAGE, MAX_VERSIONS_PAGE, type ModelVersionSource } from '../../registry/index.js';
import { fileDownload, noContent, ok, okList } from '../openapi.js';
import type { RoutePluginOptions } from './route-options.js';
import { StrictObject } from './strict-object.js';

const READ = { permission: 'models:read' } as const;
const WRITE = { permission: 'models:write' } as const;

const NameParams = Type.Object({ name: Type.String() });
const VersionParams = Type.Object({ name: Type.String(), version: Type.Integer({ minimum: 1 }) });
const AliasParams = Type.Object({ name: Type.String(), alias: Type.String() });
// The most one page answers: the registry's limits (RegistryService), here so that /docs says them.
const searchQuery = (maxPage: number) => Type.Object({
  filter: Type.Optional(Type.String()),
  orderBy: Type.Optional(Type.Array(Type.String())),
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: maxPage })),
  pageToken: Type.Optional(Type.String()),
});
const SearchQuery = searchQuery(MAX_MODELS_PAGE);
const VersionSearchQuery = searchQuery(MAX_VERSIONS_PAGE);
const Tags = Type.Record(Type.String(), Type.String());
const TensorSpec = StrictObject({ name: Type.String(), type: Type.String(), shape: Type.Array(Type.Integer()) });
const CreateModelBody = StrictObject({ name: Type.String(), description: Type.Optional(Type.String()), tags: Type.Optional(Tags) });
const CreateVersionBody = StrictObject({
  /** The ONNX file, base64-encoded; or one of artifactSha256 / runId + artifactPath. */
  onnxBase64: Type.Optional(Type.String()),
  artifactSha256: Type.Optional(Type.String()),
  runId: Type.Optional(Type.String()),
  artifactPath: Type.Optional(Type.String()),
  signature: Type.Optional(StrictObject({ inputs: Type.Array(TensorSpec), outputs: Type.Array(TensorSpec) })),
  metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
  lineage: Type.Optional(StrictObject({ runId: Type.Optional(Type.String()), datasetVersions: Type.Optional(Type.Array(Type.String())), codeVersion: Type.Optional(Type.String()) })),
  description: Type.Optional(Type.String()),
  tags: Type.Optional(Tags),
});

const actorOf = (request: FastifyRequest): string => request.principal?.id ?? 'local';

/** The registry names a search's fields as MLflow's routes do; these routes' query calls them otherwise. */
const QUERY_NAMES: Readonly<Record<string, string>> = { max_results: 'maxResults', order_by: 'orderBy', page_token: 'pageToken' };

/** A search whose refused parameter is named as this route's query names it (`pageToken`, not `page_token`). */
const searching = <T>(search: () => Promise<T>): Promise<T> => renamingFields(QUERY_NAMES, search);

function sourceOf(body: Static<typeof CreateVersionBody>): ModelVersionSource {
  const given = [body.onnxBase64 !== undefined, body.artifactSha256 !== undefined, body.runId !== undefined].filter(Boolean).length;
  if (given !== 1) throw invalidArgument('source', 'give exactly one of onnxBase64, artifactSha256, or runId with artifactPath');
  if (body.onnxBase64 !== undefined) return { onnx: new Uint8Array(Buffer.from(body.onnxBase64, 'base64')) };
  if (body.artifactSha256 !== undefined) return { artifactSha256: body.artifactSha256 };
  return { runId: body.runId!, artifactPath: body.artifactPath ?? '' };
}

/** Keel's own registry routes: /api/v1/models... (the MLflow-compatible ones live in mlflow/). */
export const modelRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  const registry = platform.registry;

  app.get('/api/v1/models', { config: READ, schema: { querystring: SearchQuery, summary: 'Search registered models (MLflow filter, order, pages)', tags: ['models'], response: ok('{items: [registered model], nextPageToken?}') } }, async (req) => searching(() => registry.searchRegisteredModels(req.query as Static<typeof SearchQuery>)));
  app.post('/api/v1/models', { config: WRITE, schema: { body: CreateModelBody, summary: 'Create a registered model', tags: ['models'], response: ok('the registered model created') } }, async (req) => {
    const body = req.body as Static<typeof CreateModelBody>;
    return registry.createRegisteredModel(body.name, { description: body.description, tags: body.tags });
  });
  app.get('/api/v1/model-resolve', { config: READ, schema: { querystring: Type.Object({ ref: Type.String() }), summary: 'Resolve a model reference (NAME@ALIAS, NAME/VERSION, NAME/STAGE, NAME) to its version', tags: ['models'], response: ok('the model version the reference names') } }, async (req) => registry.resolve((req.query as { ref: string }).ref));
  app.get('/api/v1/models/:name', { config: READ, schema: { params: NameParams, summary: 'A registered model with its newest versions and aliases', tags: ['models'], response: ok('the registered model') } }, async (req) => registry.getRegisteredModel((req.params as Static<typeof NameParams>).name));
  app.patch('/api/v1/models/:name', { config: WRITE, schema: { params: NameParams, body: StrictObject({ description: Type.Optional(Type.String()), newName: Type.Optional(Type.String()) }), summary: 'Change a registered model\'s description, or rename it', tags: ['models'], response: ok('the registered model, updated or renamed') } }, async (req) => {
    const { name } = req.params as Static<typeof NameParams>;
    const body = req.body as { description?: string; newName?: string };
    if (body.description !== undefined) await registry.updateRegisteredModel(name, { description: body.description });
    return body.newName !== undefined ? registry.renameRegisteredModel(name, body.newName) : registry.getRegisteredModel(name);
  });
  app.delete('/api/v1/models/:name', { config: WRITE, schema: { params: NameParams, summary: 'Delete a registered model and its versions', tags: ['models'], response: noContent('the model and its versions are deleted') } }, async (req, reply) => {
    await registry.deleteRegisteredModel((req.params as Static<typeof NameParams>).name, { actor: actorOf(req) });
    return reply.status(204).send();
  });
  app.get('/api/v1/models/:name/versions', { config: READ, schema: { params: NameParams, querystring: VersionSearchQuery, summary: 'A model\'s versions (MLflow filter, order, pages)', tags: ['models'], response: ok('{items: [model version], nextPageToken?}') } }, async (req) => {
    const { name } = req.params as Static<typeof NameParams>;
    const q = req.query as Static<typeof VersionSearchQuery>;
    await registry.getRegisteredModel(name);
    const own = `name = '${name.replace(/'/g, "''")}'`;
    return searching(() => registry.searchModelVersions({ ...q, filter: q.filter ? `${own} AND ${q.filter}` : own, orderBy: q.orderBy ?? ['version_number DESC'] }));
  });
  app.post('/api/v1/models/:name/versions', { config: WRITE, bodyLimit: 1024 ** 3, schema: { params: NameParams, body: CreateVersionBody, summary: 'Register a new version from ONNX bytes, a stored artifact or a run\'s artifact', tags: ['models'], response: ok('the model version created') } }, async (req) => {
    const body = req.body as Static<typeof CreateVersionBody>;
    return registry.createModelVersion({
      name: (req.params as Static<typeof NameParams>).name,
      source: sourceOf(body),
      signature: body.signature,
      metrics: body.metrics,
      lineage: body.lineage,
      description: body.description,
      tags: body.tags,
      actor: actorOf(req),
    });
  });
  app.get('/api/v1/models/:name/versions/:version', { config: READ, schema: { params: VersionParams, summary: 'One model version: signature, metrics, lineage, tags, aliases, stage', tags: ['models'], response: ok('the model version') } }, async (req) => {
    const { name, version } = req.params as Static<typeof VersionParams>;
    return registry.getModelVersion(name, version);
  });
  app.get('/api/v1/models/:name/versions/:version/onnx', { config: READ, schema: { params: VersionParams, summary: 'Download a version\'s ONNX model', tags: ['models'], response: fileDownload('application/octet-stream', "the version's ONNX model") } }, async (req, reply) => {
    const { name, version } = req.params as Static<typeof VersionParams>;
    const bytes = await registry.onnxBytes(await registry.getModelVersion(name, version));
    return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${encodeURIComponent(name)}-${version}.onnx"`).send(Buffer.from(bytes));
  });
  app.delete('/api/v1/models/:name/versions/:version', { config: WRITE, schema: { params: VersionParams, summary: 'Delete a model version', tags: ['models'], response: noContent('the version is deleted') } }, async (req, reply) => {
    const { name, version } = req.params as Static<typeof VersionParams>;
    await registry.deleteModelVersion(name, version, { actor: actorOf(req) });
    return reply.status(204).send();
  });
  app.post('/api/v1/models/:name/versions/:version/stage', { config: WRITE, schema: { params: VersionParams, body: StrictObject({ stage: Type.String(), archiveExistingVersions: Type.Optional(Type.Boolean()) }), summary: 'Move a version to a stage (None, Staging, Production, Archived)', tags: ['models'], response: ok('the model version in its new stage') } }, async (req) => {
    const { name, version } = req.params as Static<typeof VersionParams>;
    const body = req.body as { stage: string; archiveExistingVersions?: boolean };
    return registry.transitionStage(name, version, body.stage, { archiveExistingVersions: body.archiveExistingVersions, actor: actorOf(req) });
  });
  app.put('/api/v1/models/:name/aliases/:alias', { config: WRITE, schema: { params: AliasParams, body: StrictObject({ version: Type.Integer({ minimum: 1 }) }), summary: 'Point an alias at a version (moving it if it pointed elsewhere)', tags: ['models'], response: ok('the model version the alias now names') } }, async (req) => {
    const { name, alias } = req.params as Static<typeof AliasParams>;
    return registry.setAlias(name, alias, (req.body as { version: number }).version, { actor: actorOf(req) });
  });
  app.get('/api/v1/models/:name/aliases/:alias', { config: READ, schema: { params: AliasParams, summary: 'The version an alias names', tags: ['models'], response: ok('the model version the alias names') } }, async (req) => {
    const { name, alias } = req.params as Static<typeof AliasParams>;
    return registry.getByAlias(name, alias);
  });
  app.delete('/api/v1/models/:name/aliases/:alias', { config: WRITE, schema: { params: AliasParams, summary: 'Remove an alias', tags: ['models'], response: ok('{deleted: boolean}') } }, async (req) => {
    const { name, alias } = req.params as Static<typeof AliasParams>;
    return { deleted: await registry.deleteAlias(name, alias, { actor: actorOf(req) }) };
  });
  app.get('/api/v1/models/:name/history', { config: READ, schema: { params: NameParams, querystring: Type.Object({ alias: Type.Optional(Type.String()), version: Type.Optional(Type.Integer({ minimum: 1 })) }), summary: 'Every alias and stage move of a model: who, when, from, to', tags: ['models'], response: okList('the moves of its aliases and stages: [{kind, model, alias?, ...}]') } }, async (req) => {
    const { name } = req.params as Static<typeof NameParams>;
    const q = req.query as { alias?: string; version?: number };
    return registry.history(name, q);
  });
};
