import { createRequire } from 'node:module';

const requireFromKeel = createRequire(import.meta.url);

/**
 * A CommonJS package, loaded on this first call rather than when the calling module is imported:
 * commands that never use it (most of the CLI never serves or touches ONNX) start without it,
 * while the caller stays synchronous (a constructor, an encoder). Node caches it after the first call.
 */
export function requireLazily<T>(pkg: string): T {
  return requireFromKeel(pkg) as T;
}
