/** The `gbdt` model kind: what the trainer sees of the tree learner. */
import type { ModelKind } from '../model-kind.js';
import { checkObjective, fitGbdt } from './gbdt-booster.js';
import { GbdtModel } from './gbdt-model.js';
import { GBDT_PARAMS, parseGbdtParams, type GbdtParams } from './gbdt-params.js';

export const gbdtKind: ModelKind<GbdtParams> = {
  name: 'gbdt',
  tasks: ['regression', 'binary', 'multiclass'],
  // Missing values follow each split's learned default direction, in the ONNX graph too.
  acceptsMissing: true,
  params: GBDT_PARAMS,
  parseParams: parseGbdtParams,
  checkFit: (params, { task }) => checkObjective(params, task, 'params.objective'),
  fit: (input, params, options) => fitGbdt(input, params, options),
  load: (bytes) => GbdtModel.load(bytes),
};
