import type * as IoRedis from 'ioredis';
import type { Redis } from 'ioredis';
import { requireLazily } from '../../core/index.js';
import type { CacheStore } from './cache-store.js';

export interface RedisCacheOptions {
  /** Entries expire after this long, so a shared cache does not grow without bound. */
  readonly ttlSeconds?: number;
  readonly keyPrefix?: string;
}

/** The prediction cache in Redis, shared by every replica; errors and timeouts count as misses. */
export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly ttl: number;
  private readonly prefix: string;

  constructor(url: string, options: RedisCacheOptions = {}) {
    // A short command timeout: a slow or absent Redis must not hold requests for long.
    const { Redis } = requireLazily<typeof IoRedis>('ioredis');
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 200 });
    this.redis.on('error', () => undefined);
    this.ttl = options.ttlSeconds ?? 3600;
    this.prefix = options.keyPrefix ?? 'keel:pred:';
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return (await this.redis.getBuffer(this.prefix + key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: Buffer): Promise<void> {
    try {
      await this.redis.set(this.prefix + key, value, 'EX', this.ttl);
    } catch {
      // A lost cache write only costs a later miss.
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
