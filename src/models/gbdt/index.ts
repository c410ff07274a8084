export { gbdtKind } from './gbdt-kind.js';
export { GbdtModel } from './gbdt-model.js';
export type { GbdtModelData } from './gbdt-model-data.js';
export { GBDT_PARAMS, parseGbdtParams, type GbdtParams } from './gbdt-params.js';
