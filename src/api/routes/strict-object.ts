import { Type, type ObjectOptions, type TObject, type TProperties } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';

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

/**
 * A route's preValidation for a body that may be left out (`keel alerts ack`, a monitor's run, a
 * resume): no body reads as `{}`, where its schema refused it as `body: ... must be object`.
 */
export const noBodyAsEmpty = async (request: FastifyRequest): Promise<void> => {
  if (request.body === undefined) request.body = {};
};
