import type { CacheStore } from './cache-store.js';

/** Per-entry bookkeeping counted against the bound besides the key and value bytes. */
const ENTRY_OVERHEAD = 64;

/** An in-process LRU bounded by bytes; a Map's insertion order is the recency order. */
export class LruCacheStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(readonly maxBytes: number = 64 * 1024 * 1024) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  async get(key: string): Promise<Buffer | undefined> {
    const v = this.entries.get(key);
    if (v === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  async set(key: string, value: Buffer): Promise<void> {
    const cost = key.length * 2 + value.length + ENTRY_OVERHEAD;
    if (cost > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= key.length * 2 + old.length + ENTRY_OVERHEAD;
    }
    this.entries.set(key, value);
    this.bytes += cost;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= k.length * 2 + v.length + ENTRY_OVERHEAD;
    }
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }
}
