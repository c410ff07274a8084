import { afterAll, describe, expect, it } from 'vitest';
import { testBackendUrls } from '../../core/index.js';
import type { Tensor } from '../tensor.js';
import { cacheKey, decodeTensors, encodeTensors } from './cache-codec.js';
import type { CacheStore } from './cache-store.js';
import { LruCacheStore } from './lru-cache-store.js';
import { RedisCacheStore } from './redis-cache-store.js';

const backends: { name: string; open(): CacheStore }[] = [{ name: 'memory', open: () => new LruCacheStore(1 << 20) }];
const { redis } = testBackendUrls();
if (redis) backends.push({ name: 'redis', open: () => new RedisCacheStore(redis, { ttlSeconds: 60, keyPrefix: `keel-test:${process.pid}:` }) });

for (const backend of backends) {
  describe(`CacheStore on ${backend.name}`, () => {
    const store = backend.open();
    afterAll(() => store.close());

    it('stores and returns encoded tensors by key, and misses unknown keys', async () => {
      const outputs: Tensor[] = [
        { name: 'p', datatype: 'FP32', shape: [1, 3], data: new Float32Array([0.25, 0.5, 0.25]) },
        { name: 'label', datatype: 'INT64', shape: [1], data: new BigInt64Array([2n]) },
        { name: 's', datatype: 'BYTES', shape: [1], data: ['ok'] },
      ];
      const key = cacheKey('m/1', [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: new Float32Array([1, 2]) }]);
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, encodeTensors(outputs));
      const back = decodeTensors((await store.get(key))!);
      expect(back.map((t) => [t.name, t.datatype, t.shape, Array.from(t.data as ArrayLike<unknown>)])).toEqual([
        ['p', 'FP32', [1, 3], [0.25, 0.5, 0.25]], ['label', 'INT64', [1], [2n]], ['s', 'BYTES', [1], ['ok']],
      ]);
      await store.set(key, encodeTensors(outputs.slice(0, 1)));
      expect(decodeTensors((await store.get(key))!)).toHaveLength(1);
    });

    it('keys differ by model version, input bytes and shape', () => {
      const x = (v: number[], shape = [1, v.length]): Tensor[] => [{ name: 'x', datatype: 'FP32', shape, data: new Float32Array(v) }];
      const keys = new Set([cacheKey('m/1', x([1, 2])), cacheKey('m/2', x([1, 2])), cacheKey('m/1', x([1, 3])), cacheKey('m/1', x([1, 2], [2, 1]))]);
      expect(keys.size).toBe(4);
      expect(cacheKey('m/1', x([1, 2]))).toBe(cacheKey('m/1', x([1, 2])));
    });
  });
}

describe('LruCacheStore', () => {
  it('evicts the least recently used entries to stay within its byte bound', async () => {
    const lru = new LruCacheStore(3 * (2 + 100 + 64));
    for (const k of ['a', 'b', 'c']) await lru.set(k, Buffer.alloc(100));
    await lru.get('a');
    await lru.set('d', Buffer.alloc(100));
    expect(await lru.get('b')).toBeUndefined();
    expect(await lru.get('a')).toBeDefined();
    expect(lru.usedBytes).toBeLessThanOrEqual(lru.maxBytes);
    await lru.set('huge', Buffer.alloc(10_000));
    expect(await lru.get('huge')).toBeUndefined();
  });
});
