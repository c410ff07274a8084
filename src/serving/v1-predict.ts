import { KeelError } from '../core/index.js';
import type { ServedModel } from './served-model.js';
import { rowValue, type Tensor } from './tensor.js';

const bad = (field: string, message: string): KeelError => new KeelError('INVALID_ARGUMENT', message, { field });

/**
 * Turns `{"instances": [...]}` (TF Serving / MLflow rows of named raw features) into an Open
 * Inference Protocol request body. Two model layouts are understood:
 * - one input per feature column, each [-1, 1] or [-1] (Keel's GBDT export): a row is an object
 *   `{feature: value}`;
 * - one [-1, F] input: a row is an array of F values, or an object when the model's feature
 *   names are known (from the registry), taken in that order.
 */
export function instancesToInferBody(body: unknown, model: ServedModel): { inputs: unknown[] } {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { instances?: unknown }).instances)) {
    throw bad('instances', "the body must be {\"instances\": [...]}");
  }
  const rows = (body as { instances: unknown[] }).instances;
  const inputs = model.signature.inputs;
  const columns = inputs.every((s) => s.shape[0] === -1 && (s.shape.length === 1 || (s.shape.length === 2 && s.shape[1] === 1)));
  if (columns && !(inputs.length === 1 && rows.length > 0 && Array.isArray(rows[0]))) {
    const known = new Set(inputs.map((s) => s.name));
    rows.forEach((row, i) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw bad(`instances[${i}]`, `instances[${i}] must be an object of named features`);
      for (const k of Object.keys(row)) if (!known.has(k)) throw bad(k, `instances[${i}]: unknown feature '${k}'; the model takes ${[...known].map((n) => `'${n}'`).join(', ')}`);
    });
    return {
      inputs: inputs.map((s) => ({
        name: s.name,
        datatype: s.datatype,
        shape: s.shape.length === 1 ? [rows.length] : [rows.length, 1],
        data: rows.map((row, i) => {
          const v = (row as Record<string, unknown>)[s.name];
          if (v === undefined) throw bad(s.name, `instances[${i}]: missing feature '${s.name}'`);
          // Rows come from JSON records, where flags are booleans; numeric inputs take them as 1/0.
          return typeof v === 'boolean' && s.datatype !== 'BOOL' ? Number(v) : v;
        }),
      })),
    };
  }
  const only = inputs[0];
  if (inputs.length !== 1 || !only || only.shape.length !== 2 || only.shape[0] !== -1) {
    throw bad('instances', `model '${model.name}' has inputs ${inputs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(', ')}; use POST /v2/models/${model.name}/infer`);
  }
  const width = only.shape[1]!;
  const names = model.resolved.featureNames;
  const data = rows.map((row, i) => {
    if (Array.isArray(row)) return row;
    if (typeof row === 'object' && row !== null && names) {
      return names.map((f) => {
        const v = (row as Record<string, unknown>)[f];
        if (v === undefined) throw bad(f, `instances[${i}]: missing feature '${f}'`);
        return v;
      });
    }
    throw bad(`instances[${i}]`, `instances[${i}] must be an array of ${width} values${names ? ' or an object of named features' : ''}`);
  });
  return { inputs: [{ name: only.name, datatype: only.datatype, shape: [rows.length, width === -1 ? (data[0]?.length ?? 0) : width], data }] };
}

/** `{"predictions": [...]}`: one value per row for one output, else one object per row. */
export function predictionsBody(outputs: readonly Tensor[], rows: number): { predictions: unknown[] } {
  const predictions: unknown[] = [];
  for (let r = 0; r < rows; r++) {
    if (outputs.length === 1) predictions.push(rowValue(outputs[0]!, r));
    else predictions.push(Object.fromEntries(outputs.map((t) => [t.name, rowValue(t, r)])));
  }
  return { predictions };
}
