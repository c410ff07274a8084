import { ALLOW_MISSING_TAG, FEATURES_TAG, type ModelVersion } from '../registry/index.js';
import type { ModelSource, ResolvedModel } from './model-source.js';

/** What serving needs of the registry (RegistryService has it). */
export interface ModelRegistryReader {
  /** The fields serving reads, so that the SDK's version JSON (`keel predict --server`) is one too. */
  resolve(ref: string): Promise<Pick<ModelVersion, 'name' | 'version' | 'artifactSha256' | 'tags'>>;
  onnxPath(mv: Pick<ModelVersion, 'name' | 'version' | 'artifactSha256'>): Promise<string>;
}

// The registry owns the tag names (the trainer writes them): `keel.allow_missing=true` lets float
// inputs hold NaN; `keel.features` lists the raw feature order of a single [N, F] input.
export { ALLOW_MISSING_TAG, FEATURES_TAG };

/**
 * Serves registered model versions: `fraud@production`, `fraud/3`, `fraud/Production` or `fraud`
 * (the newest). Refs other than a fixed version number are re-resolved by the manager's poll, so
 * an alias move reaches every replica through the shared metadata database.
 */
export class RegistryModelSource implements ModelSource {
  constructor(private readonly registry: ModelRegistryReader) {}

  async resolve(ref: string): Promise<ResolvedModel> {
    const mv = await this.registry.resolve(ref);
    const path = await this.registry.onnxPath(mv);
    const features = mv.tags[FEATURES_TAG];
    return {
      name: mv.name,
      version: String(mv.version),
      onnx: { path },
      ...(mv.artifactSha256 ? { contentId: mv.artifactSha256 } : {}),
      ...(features ? { featureNames: features.split(',').map((f) => f.trim()) } : {}),
      ...(mv.tags[ALLOW_MISSING_TAG] === 'true' ? { allowNonFinite: true } : {}),
    };
  }

  isMovable(ref: string): boolean {
    return !/\/\d+$/.test(ref);
  }
}
