import { Type, type ObjectOptions, type TObject, type TProperties } from '@sinclair/typebox';
import type { FastifyRequest, RouteOptions } from 'fastify';

/**
 * A request body's object of known fields: a field it does not list (a typo, or one at the wrong
 * level) is a 400 naming its path (`split.knd: no such body field`), where it was read as if
 * absent. Maps and free-form values (training params, tags, a schema's columns) stay
 * Type.Record or Type.Unknown. The server's Ajv keeps removeAdditional off, so that such a field
 * fails rather than being dropped without a word. The MLflow-compatible routes parse their own
 * bodies and stay lenient: MLflow's clients send fields Keel does not read.
 */
export const StrictObject = <T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> =>
  Type.Object(properties, { ...options, additionalProperties: false });

/** Keel's own routes, whose query parameters strictQuery checks. */
const KEEL_ROUTES = '/api/v1/';

/**
 * The server's onRoute hook: a Keel route (/api/v1/...) takes only the query parameters it
 * declares, none where it declares no querystring schema. Another one (`?limt=3`, `?maxresults=5`)
 * is a 400 naming it (`limt: no such query parameter`), where it was read as if absent and the
 * answer looked right. Done here, for every route, so that a new route cannot forget it. A route
 * whose query is a free-form map opts out by declaring `additionalProperties: true` (none does
 * today). The MLflow-compatible routes (/api/2.0/mlflow, /ajax-api) stay lenient, as their bodies
 * do: MLflow's clients send parameters of newer MLflow versions.
 */
export function strictQuery(route: RouteOptions): void {
  if (!route.url.startsWith(KEEL_ROUTES)) return;
  const schema = route.schema ?? {};
  const query = schema.querystring as { readonly additionalProperties?: unknown } | undefined;
  if (query === undefined) route.schema = { ...schema, querystring: StrictObject({}) };
  else if (query.additionalProperties === undefined) route.schema = { ...schema, querystring: { ...query, additionalProperties: false } };
}

/**
 * A route's preValidation for a body that may be left out (`keel alerts ack`, a monitor's run, a
 * resume): no body reads as `{}`, where its schema refused it as `body: ... must be object`.
 */
export const noBodyAsEmpty = async (request: FastifyRequest): Promise<void> => {
  if (request.body === undefined) request.body = {};
};

/** Whether a route takes no body as `{}` (noBodyAsEmpty): /docs says its body is optional. */
export const bodyMayBeLeftOut = (route: Pick<RouteOptions, 'preValidation'>): boolean =>
  [route.preValidation].flat().includes(noBodyAsEmpty);
