import { fileURLToPath } from 'node:url';
import { FileModelSource } from './file-model-source.js';
import { InferenceServer, type InferenceServerOptions } from './inference-server.js';

/** The PyTorch-exported test model (see testdata/make-torch-model.py). */
export const TORCH_MLP_PATH = fileURLToPath(new URL('./testdata/torch-mlp.onnx', import.meta.url));

/** A server over ONNX files with its models loaded (tests use `server.app.inject` or `start`). */
export async function fileServer(paths: readonly string[], options: Partial<InferenceServerOptions> = {}): Promise<InferenceServer> {
  const server = new InferenceServer({ source: new FileModelSource(), models: paths.map((ref) => ({ ref })), pollIntervalMs: 0, ...options });
  try {
    await server.loadModels();
  } catch (e) {
    await server.close();
    throw e;
  }
  return server;
}
