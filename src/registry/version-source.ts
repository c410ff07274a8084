import { KeelError, invalidArgument, isKeelError } from '../core/index.js';
import type { ArtifactRef, ArtifactStore } from '../storage/index.js';
import { readOnnxSignature } from './onnx-signature.js';
import type { ModelSignature, ModelVersionSource, RunArtifactResolver } from './types.js';

export interface ResolvedSource {
  readonly artifact: ArtifactRef | null;
  readonly signature: ModelSignature | null;
  readonly source: string;
  readonly runId: string | null;
}

const SHA_RE = /^[0-9a-f]{64}$/;
const MAX_SOURCE = 5000;

/**
 * Keel SDK sources: each must end in an ONNX model that loads, or the call fails naming the field.
 * `claim` claims the blob stored or named before it is looked for (data/'s withBlobClaims).
 */
export async function resolveSdkSource(source: ModelVersionSource, artifacts: ArtifactStore, tracking: RunArtifactResolver | undefined, claim?: (sha: string) => Promise<void>): Promise<ResolvedSource> {
  if (!source || typeof source !== 'object') throw invalidArgument('source', 'expected { onnx } or { artifactSha256 } or { runId, artifactPath }');
  if ('onnx' in source) {
    if (!(source.onnx instanceof Uint8Array) || source.onnx.length === 0) throw invalidArgument('source.onnx', 'expected the bytes of an ONNX model');
    const signature = await readOnnxSignature(source.onnx, 'source.onnx');
    const artifact = await artifacts.put(source.onnx, claim ? { beforeCommit: claim } : {});
    return { artifact, signature, source: `artifact:${artifact.sha256}`, runId: null };
  }
  if ('artifactSha256' in source) {
    const sha = source.artifactSha256;
    if (typeof sha !== 'string' || !SHA_RE.test(sha)) throw invalidArgument('source.artifactSha256', `expected 64 lowercase hex characters, got '${String(sha)}'`);
    await claim?.(sha);
    if (!(await artifacts.has(sha))) throw new KeelError('NOT_FOUND', `artifact '${sha}' not found`, { field: 'source.artifactSha256' });
    const bytes = await artifacts.get(sha);
    const signature = await readOnnxSignature(bytes, 'source.artifactSha256');
    return { artifact: { sha256: sha, size: bytes.length }, signature, source: `artifact:${sha}`, runId: null };
  }
  if ('runId' in source) {
    if (typeof source.runId !== 'string' || source.runId.length === 0) throw invalidArgument('source.runId', 'a run id is required');
    if (typeof source.artifactPath !== 'string' || source.artifactPath.length === 0) throw invalidArgument('source.artifactPath', 'an artifact path is required');
    if (!tracking) throw new KeelError('FAILED_PRECONDITION', 'source.runId: this registry has no tracking service to read run artifacts from', { field: 'source.runId' });
    const found = await runOnnxArtifact(tracking, artifacts, source.runId, source.artifactPath);
    if (!found) throw new KeelError('NOT_FOUND', `run '${source.runId}' has no ONNX model at '${source.artifactPath}'`, { field: 'source.artifactPath' });
    return { ...found, source: `runs:/${source.runId}/${source.artifactPath}`, runId: source.runId };
  }
  throw invalidArgument('source', 'expected { onnx } or { artifactSha256 } or { runId, artifactPath }');
}

/**
 * An ONNX file a run logged at `path`, or at `path/model.onnx` (an MLflow model directory as
 * `mlflow.onnx.log_model` writes it). Undefined when neither is a loadable ONNX model.
 */
async function runOnnxArtifact(tracking: RunArtifactResolver, artifacts: ArtifactStore, runId: string, path: string): Promise<{ artifact: ArtifactRef; signature: ModelSignature } | undefined> {
  const clean = path.replace(/^\/+|\/+$/g, '');
  for (const candidate of [clean, `${clean}/model.onnx`]) {
    let ref: ArtifactRef;
    try {
      ref = await tracking.getArtifact(runId, candidate);
    } catch (e) {
      if (isKeelError(e) && (e.code === 'NOT_FOUND' || e.code === 'INVALID_ARGUMENT')) continue;
      throw e;
    }
    try {
      const signature = await readOnnxSignature(await artifacts.get(ref.sha256));
      return { artifact: ref, signature };
    } catch (e) {
      if (isKeelError(e) && e.code === 'INVALID_ARGUMENT') continue;
      throw e;
    }
  }
  return undefined;
}

/** The run and artifact path an MLflow source URI names, when it names one. */
export function parseRunSource(uri: string, runId: string | undefined): { runId: string; path: string } | undefined {
  const runs = /^runs:\/+([^/]+)\/(.+)$/.exec(uri);
  if (runs) return { runId: runs[1]!, path: runs[2]! };
  // `mlflow-artifacts:/<experiment>/<run>/artifacts/<path>`, or any artifact URI under a run's root.
  const under = /\/([0-9a-f]{32})\/artifacts\/(.+)$/.exec(uri);
  if (under && (runId === undefined || runId === under[1])) return { runId: under[1]!, path: under[2]! };
  return undefined;
}

/**
 * MLflow's create-model-version takes any source URI. Keel resolves `runs:/` and run artifact URIs
 * to the ONNX model they hold; other sources (or non-ONNX models) are kept as the URI alone, so
 * that MLflow clients registering e.g. a pickled model still work. Keel never reads a local path
 * named by a client.
 */
export async function resolveMlflowSource(uri: string, runId: string | undefined, artifacts: ArtifactStore, tracking: RunArtifactResolver | undefined): Promise<ResolvedSource> {
  if (typeof uri !== 'string' || uri.length === 0) throw invalidArgument('source', 'a source URI is required');
  if (uri.length > MAX_SOURCE) throw invalidArgument('source', `at most ${MAX_SOURCE} characters`);
  const run = parseRunSource(uri, runId);
  const found = run && tracking ? await runOnnxArtifact(tracking, artifacts, run.runId, run.path) : undefined;
  return { artifact: found?.artifact ?? null, signature: found?.signature ?? null, source: uri, runId: runId ?? run?.runId ?? null };
}
