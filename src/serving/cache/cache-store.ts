/**
 * Where cached predictions live: a byte-bounded in-process LRU by default, Redis shared by all
 * replicas when KEEL_REDIS_URL is set. Values are opaque bytes (see cache-codec.ts). A cache
 * that fails answers a miss: the cache never fails a request.
 */
export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer): Promise<void>;
  close(): Promise<void>;
}
