import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeColumn } from './parquet-js-encode.js';
import { COUNTED, NOT_DECIMAL, OUTSIDE, TOO_MANY } from './plain-columns-wasm.js';
import { arenaOf, EVENT, plainArenaMemory, threadArena } from './plain-wasm.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the plain CSV parse loop in WebAssembly', () => {
  it('is the build of its source (wasm/plain.ts): `npm run build:wasm` after a change', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'keel-wasm-')), 'plain.wasm');
    const asc = join(ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
    await promisify(execFile)(process.execPath, [asc, 'wasm/plain.ts', '--config', 'wasm/asconfig.json', '-o', out], { cwd: ROOT });
    expect(readFileSync(out).equals(readFileSync(join(ROOT, 'src', 'data', 'plain.wasm')))).toBe(true);
  }, 60_000);

  it('allocates zeroed memory, aligned to 8, growing the memory past its first pages', () => {
    const arena = threadArena();
    const small = arena.alloc(3);
    const large = arena.alloc(5 << 20);
    expect([small % 8, large % 8]).toEqual([0, 0]);
    expect(large).toBeGreaterThanOrEqual(small + 8);
    const view = arena.f64(large, (5 << 20) / 8);
    expect(view.every((x) => x === 0)).toBe(true);
    view.fill(1.5);
    expect(arena.f64(large, 1)[0]).toBe(1.5);
    expect(arena.memory.buffer.byteLength).toBeGreaterThanOrEqual(large + (5 << 20) + 16);
  });

  it("encodes a column the same in a new read's arena, none of the last one's scratch taken for its own", () => {
    const encodeIn = (memory: WebAssembly.Memory) => {
      const arena = threadArena(memory);
      const values = arena.f64(arena.alloc(3000 * 8), 3000);
      const codes = arena.i32(arena.alloc(3000 * 4), 3000);
      for (let i = 0; i < 3000; i++) {
        values[i] = i % 7 === 0 ? NaN : i % 13 === 0 ? 1.5 : (i % 50) / 10;
        codes[i] = i % 11 === 0 ? -1 : i % 3;
      }
      expect(arenaOf(values)).toBe(arena);
      const numbers = encodeColumn({ type: 'float', values }, 1000, { numberDictionary: true });
      const words = encodeColumn({ type: 'string', codes, dictionary: ['a', 'b', 'c'] }, 1000);
      return { values, bytes: [Buffer.from(numbers.bytes), Buffer.from(words.bytes)] };
    };
    const first = encodeIn(plainArenaMemory());
    const second = encodeIn(plainArenaMemory());
    // The first arena's arrays are not the second's: its loops would read them at the wrong place.
    expect(arenaOf(first.values)).toBeUndefined();
    expect(second.bytes).toEqual(first.bytes);
    // And as encoded without any arena, by the JS loops alone.
    const plain = Float64Array.from(first.values);
    expect(Buffer.from(encodeColumn({ type: 'float', values: plain }, 1000, { numberDictionary: true }).bytes)).toEqual(first.bytes[0]);
    // Values of few distinct doubles that are no short decimals (the dictionary's hash of their bits), -0 and 0 apart.
    const arena = threadArena();
    const odd = arena.f64(arena.alloc(3000 * 8), 3000);
    for (let i = 0; i < 3000; i++) odd[i] = i % 9 === 0 ? NaN : i % 10 === 0 ? -0 : i % 11 === 0 ? 0 : Math.PI * (i % 7) + 0.1 + 0.2;
    const hashed = encodeColumn({ type: 'float', values: odd }, 1000, { numberDictionary: true });
    expect(hashed.chunks.every((c) => c.dictionaryPageLength > 0)).toBe(true);
    expect(Buffer.from(hashed.bytes)).toEqual(Buffer.from(encodeColumn({ type: 'float', values: Float64Array.from(odd) }, 1000, { numberDictionary: true }).bytes));
  });

  it('refuses a code past the dictionary as the JS loop does, for codes in the arena', () => {
    const arena = threadArena(plainArenaMemory());
    const codes = arena.i32(arena.alloc(3 * 4), 3);
    codes.set([0, -1, 1]);
    expect(() => encodeColumn({ type: 'string', codes, dictionary: ['a'] }, 3)).toThrow(/code 1 of row 2 is past the dictionary's 1 entries/);
    // The renumbering's scratch is left as it was: the next column encodes as without the failure.
    codes.set([0, -1, 0]);
    expect(Buffer.from(encodeColumn({ type: 'string', codes, dictionary: ['a'] }, 3).bytes)).toEqual(Buffer.from(encodeColumn({ type: 'string', codes: Int32Array.from(codes), dictionary: ['a'] }, 3).bytes));
  });

  it("has the JS side's result codes as the module exports them", () => {
    const exported = threadArena().wasm as unknown as Record<string, WebAssembly.Global | undefined>;
    const codes: Record<string, number> = { COUNTED, OUTSIDE, NOT_DECIMAL, TOO_MANY };
    for (const [name, code] of Object.entries(EVENT)) codes[name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()] = code;
    expect(Object.fromEntries(Object.keys(codes).map((name) => [name, exported[name]?.value]))).toEqual(codes);
  });
});
