import { randomBytes, randomUUID } from 'node:crypto';

/** 32 lowercase hex characters: the shape MLflow uses for run ids, fine for any opaque id. */
export const newId = (): string => randomBytes(16).toString('hex');

export const newRequestId = (): string => randomUUID();

/** Names users give things (datasets, models, experiments in paths): no path characters. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isValidName(name: string): boolean {
  return NAME_RE.test(name) && !name.includes('..');
}
