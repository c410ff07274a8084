import type { ModelSignature, Tensor } from './tensor.js';

/** onnxruntime thread settings for each session. */
export interface SessionTuning {
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
}

export type ModelBytesSource = { readonly path: string } | { readonly bytes: Uint8Array };

/** Messages between the pool and an inference worker. */
export type WorkerRequest =
  | { readonly op: 'load'; readonly id: number; readonly key: string; readonly source: ModelBytesSource; readonly tuning: SessionTuning }
  | { readonly op: 'run'; readonly id: number; readonly key: string; readonly inputs: readonly Tensor[] }
  | { readonly op: 'unload'; readonly id: number; readonly key: string };

/** What a worker posts once its modules (onnxruntime's native addon among them) are loaded. */
export const WORKER_READY = 'ready';

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly signature?: ModelSignature; readonly outputs?: Tensor[] }
  | { readonly id: number; readonly ok: false; readonly error: string };
