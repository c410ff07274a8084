import { execFile, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEEL_BIN, runKeel, startTestServer } from '../test-server.js';

/** `keel ARGS` with `input` written to its stdin; its exit code and output. */
function keelWithStdin(args: readonly string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [KEEL_BIN, ...args], (e, stdout, stderr) => done({ code: e ? (e.code as number) : 0, stdout, stderr }));
    child.stdin!.end(input);
  });
}

// Inputs of `keel data add` that are not plain files or names. A pipe can be read once: the add
// spools it to a file, as it does stdin (`-`).
describe('keel data add of a pipe, and of names a URL cannot carry', { timeout: 60_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'keel-pipes-'));

  it('reads a named FIFO, its format from its name, and records its path', async () => {
    const fifo = join(home, 'rows.csv');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [KEEL_BIN, '--home', home, '--json', 'data', 'add', 'fifo', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    createWriteStream(fifo).end('a,b\n1,x\n2,y\n3,z\n');
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ name: 'fifo', rows: 3, created: true });
    expect(JSON.parse((await runKeel(['--home', home, '--json', 'data', 'ls', 'fifo'])).stdout)).toMatchObject([{ rows: 3, source: fifo }]);
  });

  it('reads /dev/stdin piped into as stdin, and asks for --format where the name does not tell it', async () => {
    const piped = await keelWithStdin(['--home', home, '--json', 'data', 'add', 'devstdin', '/dev/stdin', '--format', 'csv'], 'a,b\n1,x\n');
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ name: 'devstdin', rows: 1 });
    expect(JSON.parse((await runKeel(['--home', home, '--json', 'data', 'ls', 'devstdin'])).stdout)).toMatchObject([{ source: 'stdin' }]);
    const unnamed = await keelWithStdin(['--home', home, 'data', 'add', 'devstdin', '/dev/stdin'], 'a,b\n1,x\n');
    expect(unnamed).toMatchObject({ code: 2, stderr: "error: --format: reading from '/dev/stdin' needs --format (csv, parquet, json or ndjson)\n" });
    const empty = await keelWithStdin(['--home', home, 'data', 'add', 'devstdin', '/dev/stdin', '--format', 'csv'], '');
    expect(empty).toMatchObject({ code: 2, stderr: "error: file: '/dev/stdin' is empty: nothing was piped in\n" });
  });

  it('refuses the names . and .. through --server as it does here, not as a route that is not there', async () => {
    const server = await startTestServer('keel-names-');
    try {
      const file = join(home, 'ok.csv');
      writeFileSync(file, 'a\n1\n');
      for (const name of ['.', '..']) {
        const refused = await runKeel(['--server', server.url, 'data', 'add', name, file]).then(() => undefined, (e: { code: number; stderr: string }) => e);
        expect(refused).toMatchObject({ code: 2, stderr: `error: name: invalid dataset name '${name}': use letters, digits, '.', '_' and '-' (no path characters, at most 128)\n` });
      }
    } finally {
      await server.close();
    }
  });
});
