import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { KeelError } from '../core/index.js';
import type { ModelSource, ResolvedModel } from './model-source.js';

/**
 * Serves ONNX files directly (`keel serve ./model.onnx`): the model's name is the file's base name
 * and its version is 1. The signature comes from the file itself when it is loaded.
 */
export class FileModelSource implements ModelSource {
  /** `allowNonFinite`: float inputs may hold NaN (the model handles missing values). */
  constructor(private readonly options: { allowNonFinite?: boolean } = {}) {}

  async resolve(ref: string): Promise<ResolvedModel> {
    const path = resolve(ref);
    if (!existsSync(path) || !statSync(path).isFile()) throw new KeelError('NOT_FOUND', `ONNX file '${ref}' not found`, { field: 'model' });
    const contentId = createHash('sha256').update(readFileSync(path)).digest('hex');
    return { name: basename(path).replace(/\.onnx$/i, ''), version: '1', onnx: { path }, contentId, ...(this.options.allowNonFinite ? { allowNonFinite: true } : {}) };
  }

  isMovable(): boolean {
    return false;
  }
}

/** Whether a serve ref names a file rather than a registered model. */
export function isFileRef(ref: string): boolean {
  return /\.onnx$/i.test(ref) || ref.startsWith('.') || ref.startsWith('/');
}
