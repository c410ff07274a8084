import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const keel = fileURLToPath(new URL('../../../bin/keel.js', import.meta.url));
const foreign = fileURLToPath(new URL('../../onnx/testdata/foreign-model.onnx', import.meta.url));

describe('keel models inspect', () => {
  it('prints the summary of any ONNX file as JSON', async () => {
    const { stdout } = await run(process.execPath, [keel, '--json', 'models', 'inspect', foreign]);
    const out = JSON.parse(stdout) as { producer: string; nodeCount: number; parameterCount: number; inputs: unknown[] };
    expect(out.producer).toBe('python-onnx-helper');
    expect(out.nodeCount).toBe(9);
    expect(out.parameterCount).toBe(18);
    expect(out.inputs).toEqual([{ name: 'features', type: 'float32', shape: [-1, 3] }, { name: 'ids', type: 'int64', shape: [-1] }]);
  });

  it('fails with INVALID_ARGUMENT on a file that is not ONNX', async () => {
    const err = await run(process.execPath, [keel, '--json', 'models', 'inspect', keel]).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect(JSON.parse((err as { stderr: string }).stderr).error.code).toBe('INVALID_ARGUMENT');
  });
});
