/** The `gbdt` model kind: what the trainer sees of the tree learner. */
import { invalidArgument } from '../../core/index.js';
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
  checkFit: (params, { task, validRows }) => {
    checkObjective(params, task, 'params.objective');
    checkEarlyStopping(params, validRows);
  },
  fit: (input, params, options) => fitGbdt(input, params, options),
  load: (bytes) => GbdtModel.load(bytes),
};

/**
 * fit skips early stopping without a validation set; asked for it, that would silently train
 * every round, so it is refused before a run exists.
 */
function checkEarlyStopping(params: GbdtParams, validRows: number): void {
  if (params.early_stopping_rounds > 0 && validRows === 0) {
    throw invalidArgument('params.early_stopping_rounds', `early stopping (${params.early_stopping_rounds} rounds) needs validation rows to stop on, and the split leaves none: give a validation fraction above 0 (--valid-fraction, split.validFraction), or set early_stopping_rounds to 0`);
  }
}
