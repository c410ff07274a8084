/**
 * The registry of model kinds the trainer picks from by name (`--model gbdt`). Explicit, not
 * self-registering: a kind is listed here or it does not exist.
 */
import { KeelError } from '../core/index.js';
import { gbdtKind } from './gbdt/index.js';
import { linearKind } from './linear/index.js';
import type { ModelKind } from './model-kind.js';

export const MODEL_KINDS: Readonly<Record<string, ModelKind<unknown>>> = {
  gbdt: gbdtKind,
  linear: linearKind as ModelKind<unknown>,
};

export function getModelKind(name: string): ModelKind<unknown> {
  const kind = MODEL_KINDS[name];
  if (!kind) {
    throw new KeelError('INVALID_ARGUMENT', `model: unknown model kind '${name}' (known: ${Object.keys(MODEL_KINDS).join(', ')})`, { field: 'model' });
  }
  return kind;
}
