import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Packages that cost tens of milliseconds to load and that only serving, PostgreSQL, Redis, ONNX or a dataset's data need. */
const HEAVY = ['@duckdb/node-api', 'fastify', '@fastify/swagger', '@fastify/swagger-ui', 'ioredis', 'onnxruntime-node', 'pg', 'prom-client', 'protobufjs'];
const FACES = ['api', 'data', 'serving', 'storage', 'onnx', 'registry'].map((f) => fileURLToPath(new URL(`../${f}/index.ts`, import.meta.url)));

// Every heavy package is CommonJS, so require's cache lists it once anything has imported it.
const CHILD = `
import { createRequire } from 'node:module';
for (const face of ${JSON.stringify(FACES)}) await import(face);
const heavy = new Set(${JSON.stringify(HEAVY)});
const loaded = Object.keys(createRequire(process.cwd() + '/').cache)
  .map((path) => /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(path)?.[1])
  .filter((name) => name !== undefined && heavy.has(name));
process.stdout.write(JSON.stringify([...new Set(loaded)]));
`;

function loadedByImport(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('importing the public faces', () => {
  // Every CLI command imports these, so a heavy package loaded at import slows `keel data ls` too.
  it('loads no DuckDB, serving, PostgreSQL, Redis or ONNX package until one is used', async () => {
    const r = await loadedByImport();
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
