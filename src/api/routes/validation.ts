import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { DRIFT_TESTS, parseSchema, type DriftTest } from '../../validation/index.js';
import { created, ok } from '../openapi.js';
import type { RoutePluginOptions } from './route-options.js';
import { StrictObject } from './strict-object.js';

const READ = { permission: 'validation:read' } as const;
const WRITE = { permission: 'validation:write' } as const;

// Schemas are checked by parseSchema, which names the bad field. A schema is a document the user
// edits and `keel validate --schema` reads locally too: it stays open here, as it is there.
const SchemaBody = Type.Object({ format: Type.Literal(1), columns: Type.Array(Type.Unknown()) }, { additionalProperties: true });
const Test = Type.Union(DRIFT_TESTS.map((t) => Type.Literal(t)));
const DriftFields = {
  method: Type.Optional(Type.Union([Test, Type.Record(Type.String(), Test)])),
  threshold: Type.Optional(Type.Union([Type.Number(), Type.Record(Type.String(), Type.Number())])),
  datasetDriftShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  columns: Type.Optional(Type.Array(Type.String())),
  distributions: Type.Optional(Type.Boolean()),
};
const ValidateBody = StrictObject({ dataset: Type.String(), schema: Type.Optional(SchemaBody), against: Type.Optional(Type.String()), distributions: Type.Optional(Type.Boolean()) });
const DriftBody = StrictObject({ reference: Type.String(), current: Type.String(), ...DriftFields });
const InferBody = StrictObject({ dataset: Type.String(), maxDomainSize: Type.Optional(Type.Integer({ minimum: 0 })) });
const NameParams = Type.Object({ name: Type.String() });

/** POST /api/v1/validate, POST /api/v1/drift, /api/v1/schemas... */
export const validationRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  const svc = platform.validation;

  app.post('/api/v1/validate', { config: READ, schema: { body: ValidateBody, summary: 'Validate a dataset version against a schema (and for drift against another version)', tags: ['validation'], response: ok('the validation result: its anomalies') } }, async (req) => {
    const b = req.body as Static<typeof ValidateBody>;
    const { version: _v, ...result } = await svc.validate(b.dataset, {
      ...(b.schema ? { schema: parseSchema(b.schema) } : {}), ...(b.against ? { against: b.against } : {}), distributions: b.distributions === true,
    });
    return result;
  });
  app.post('/api/v1/drift', { config: READ, schema: { body: DriftBody, summary: 'Per-column drift of a dataset version against a reference version', tags: ['validation'], response: ok('the drift report, per column') } }, async (req) => {
    const { reference, current, ...options } = req.body as Static<typeof DriftBody>;
    return svc.drift(reference, current, options as typeof options & { method?: DriftTest | Record<string, DriftTest> });
  });
  app.post('/api/v1/schemas/infer', { config: READ, schema: { body: InferBody, summary: 'Infer a schema from a dataset version', tags: ['validation'], response: ok('the schema inferred') } }, async (req) => {
    const b = req.body as Static<typeof InferBody>;
    return svc.inferSchema(b.dataset, b.maxDomainSize !== undefined ? { maxDomainSize: b.maxDomainSize } : {});
  });
  app.post('/api/v1/schemas/:name', { config: WRITE, schema: { params: NameParams, body: StrictObject({ schema: SchemaBody, source: Type.Optional(Type.String()) }), summary: 'Save a schema as the next version for a dataset', tags: ['validation'], response: created('the schema saved, with its version') } }, async (req, reply) => {
    const b = req.body as { schema: unknown; source?: string };
    reply.status(201);
    return svc.saveSchema((req.params as Static<typeof NameParams>).name, parseSchema(b.schema), b.source);
  });
  app.get('/api/v1/schemas/:name', { config: READ, schema: { params: NameParams, querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }), summary: 'A dataset\'s saved schema (the newest, or one version)', tags: ['validation'], response: ok('the saved schema') } }, async (req) =>
    svc.getSchema((req.params as Static<typeof NameParams>).name, (req.query as { version?: number }).version));
  app.get('/api/v1/schemas/:name/versions', { config: READ, schema: { params: NameParams, summary: 'A dataset\'s saved schema versions', tags: ['validation'], response: ok('{versions: [...]}') } }, async (req) => ({
    versions: await svc.listSchemas((req.params as Static<typeof NameParams>).name),
  }));
};
