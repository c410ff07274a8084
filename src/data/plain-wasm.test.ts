import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { threadArena } from './plain-wasm.js';

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
});
