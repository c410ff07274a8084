import type { ModelBytesSource } from './worker-protocol.js';

/** A model version as serving needs it: where its ONNX bytes are, and a few serving hints. */
export interface ResolvedModel {
  readonly name: string;
  /** The version as the protocol shows it ('3'). */
  readonly version: string;
  readonly onnx: ModelBytesSource;
  /**
   * Raw feature names in input order, for a model with one [N, F] input, so that
   * /v1/models/{name}:predict can map named features onto it.
   */
  readonly featureNames?: readonly string[];
  /**
   * What identifies the model's bytes (the artifact's sha256), so a cache shared by replicas never
   * answers for a different model that happens to have the same name and version.
   */
  readonly contentId?: string;
  /** Floating-point inputs may hold NaN (the model handles missing values, as Keel's GBDT does). */
  readonly allowNonFinite?: boolean;
}

/**
 * Where served models come from: the registry (`fraud@production`, `fraud/3`, `fraud`) or a plain
 * ONNX file. The manager polls `resolve` for refs that can move, to follow alias moves.
 */
export interface ModelSource {
  resolve(ref: string): Promise<ResolvedModel>;
  /** Whether the version a ref names can change over time (an alias or "latest"). */
  isMovable(ref: string): boolean;
}

/** Sends file refs (`./m.onnx`, `/abs/m.onnx`) to one source and registry refs to another. */
export class DispatchingModelSource implements ModelSource {
  constructor(private readonly files: ModelSource, private readonly registry: ModelSource | undefined) {}

  private pick(ref: string): ModelSource {
    if (/\.onnx$/i.test(ref) || ref.startsWith('.') || ref.startsWith('/') || !this.registry) return this.files;
    return this.registry;
  }

  resolve(ref: string): Promise<ResolvedModel> {
    return this.pick(ref).resolve(ref);
  }

  isMovable(ref: string): boolean {
    return this.pick(ref).isMovable(ref);
  }
}
