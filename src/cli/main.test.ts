import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeModel, makeModel, makeNode, makeTensorValueInfo } from '../onnx/index.js';
import { KEEL_BIN } from './test-server.js';

const run = promisify(execFile);
const UNPRIVILEGED_PORT_START = '/proc/sys/net/ipv4/ip_unprivileged_port_start';
const BUNDLE_PATH = new URL('../../node_modules/.cache/keel/cli.cjs', import.meta.url);
/** The bundle's first line: what it was built from, when the build started, and the build's id. */
const headerOf = (bundle: string) => JSON.parse(bundle.slice(bundle.indexOf(' {') + 1, bundle.indexOf('\n'))) as { inputs: string[]; startedAt: number; id: string };

async function keel(args: string[], env: Record<string, string> = {}, user: { uid?: number; gid?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [KEEL_BIN, ...args], { env: { ...process.env, ...env }, timeout: 45_000, ...user });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('keel CLI', () => {
  it('runs from the package bin and prints its version', async () => {
    const r = await keel(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
    expect((await keel(['-V'])).stdout.trim()).toBe('0.1.0');
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-version-'));
    expect((await keel(['--home', home, '--json', '--version'])).stdout.trim()).toBe('0.1.0');
    // After a command, --version is that command's option (a schema's or a model's version), not keel's.
    expect(await keel(['--home', home, 'schema', 'show', 'nope', '--version', 'x'])).toEqual({ code: 2, stdout: '', stderr: "error: --version: expected an integer >= 1, got 'x'\n" });
  });

  it('runs from a bundle of its sources that names what it was built from, or from the sources through tsx', async () => {
    expect((await keel(['--version'])).stdout.trim()).toBe('0.1.0');
    const bundle = readFileSync(BUNDLE_PATH, 'utf8');
    const header = headerOf(bundle);
    expect(header.inputs).toContain('src/cli/main.ts');
    // Worker entry points are found beside their sources, not beside the bundle: no
    // import.meta.url is left. Packages are require()d (vm.Script, which runs the bundle, has no
    // import()), and the file is ASCII, read without decoding UTF-8.
    expect(bundle).not.toContain('import.meta.url');
    expect(bundle).not.toMatch(/\bimport\(/);
    expect(bundle).toMatch(/^[\x00-\x7f]*$/);
    // V8's code cache, written at the exit of a run, is tagged with the build it was made for.
    expect(readFileSync(new URL('cli.cjs.v8', BUNDLE_PATH), 'latin1').startsWith(`keel-v8 ${header.id}\n`)).toBe(true);
    // A fresh bundle is used as it is, not built again (a build that another test's process
    // started earlier may still land: it started before this run).
    const launched = Date.now();
    expect((await keel(['--version'])).stdout.trim()).toBe('0.1.0');
    expect(headerOf(readFileSync(BUNDLE_PATH, 'utf8')).startedAt).toBeLessThan(launched);
    const fromSources = await keel(['--version'], { KEEL_NO_BUNDLE: '1' });
    expect(fromSources.stdout.trim()).toBe('0.1.0');
  });

  it('ends quietly when the reader of its output closes the pipe early', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-pipe-'));
    const child = spawn(process.execPath, [KEEL_BIN, 'data', 'ls', '--json', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'close')) as [number];
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('opens a new store from several processes at once (each waits for the others, none fails)', async () => {
    for (let round = 0; round < 3; round++) {
      const home = mkdtempSync(join(tmpdir(), 'keel-cli-race-'));
      const runs = await Promise.all(Array.from({ length: 4 }, () => keel(['--home', home, '--json', 'data', 'ls'])));
      expect(runs.map((r) => [r.code, r.stderr])).toEqual(Array.from({ length: 4 }, () => [0, '']));
    }
  });

  it('maps a KeelError to its exit code and, with --json, a JSON error on stderr', async () => {
    const r = await keel(['--json', 'server'], { KEEL_PORT: 'not-a-port' });
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stderr.trim().split('\n').pop()!) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_ARGUMENT');
    expect(body.error.message).toContain('KEEL_PORT');
  });

  it('answers a command line it cannot parse with INVALID_ARGUMENT: exit 2, and with --json one JSON error and no help', async () => {
    const unknown = await keel(['data', 'bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command 'bogus'\n\nUsage: keel data /);
    expect(await keel(['--json', 'data', 'show'])).toEqual({ code: 2, stdout: '', stderr: '{"error":{"code":"INVALID_ARGUMENT","message":"missing required argument \'ref\'"}}\n' });
    expect(await keel(['data', 'head', 'x', '--bogus', '--json'])).toEqual({ code: 2, stdout: '', stderr: '{"error":{"code":"INVALID_ARGUMENT","message":"unknown option \'--bogus\'"}}\n' });
    const noCommand = await keel(['--json', 'models']);
    expect(noCommand.code).toBe(2);
    expect(JSON.parse(noCommand.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', message: 'no command given; --help lists the commands' } });
    // Help asked for is no error; the servers' say what they bind when not told.
    const help = await keel(['data', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: keel data');
    const serverHelp = (await keel(['server', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(serverHelp).toContain('--host <host> address to bind (default KEEL_HOST or 127.0.0.1)');
    expect(serverHelp).toContain('--port <port> port to listen on (default KEEL_PORT or 7070)');
  });

  it('refuses a --home it cannot make a folder of, naming the setting, without a stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-cli-home-'));
    writeFileSync(join(dir, 'f'), 'x');
    const r = await keel(['--json', '--home', join(dir, 'f', 'home'), 'data', 'ls']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: 'home', message: `home: cannot create the local store's folder '${join(dir, 'f', 'home')}': a part of the path is a file, not a folder (ENOTDIR); choose another with --home or KEEL_HOME` } });
    // Under /proc mkdir answers ENOENT, and Node's recursive mkdir looped on it forever at full CPU.
    if (existsSync('/proc/self')) {
      const proc = await keel(['--json', '--home', '/proc/keel-home/x', 'data', 'ls']);
      expect([proc.code, JSON.parse(proc.stderr)]).toEqual([2, { error: { code: 'INVALID_ARGUMENT', field: 'home', message: "home: cannot create the local store's folder '/proc/keel-home/x': '/proc' takes no new folders (ENOENT); choose another with --home or KEEL_HOME" } }]);
    }
  });

  // setInterval took NaN (and 0) as 1 ms: the server evaluated its monitors without a pause.
  it('refuses a --monitor-interval that is not a positive number of seconds, before the server starts', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-interval-'));
    for (const bad of ['abc', '0', '-5']) {
      const r = await keel(['--home', home, '--json', 'server', '--port', '0', '--monitor-interval', bad]);
      expect({ code: r.code, stdout: r.stdout, error: JSON.parse(r.stderr) }).toEqual({ code: 2, stdout: '', error: { error: { code: 'INVALID_ARGUMENT', field: '--monitor-interval', message: `--monitor-interval: expected a positive number of seconds, got '${bad}'` } } });
    }
  });

  it('prints option defaults bare in --help, and describes every option', async () => {
    const serve = (await keel(['serve', '--help'])).stdout.replace(/\s+/g, ' ');
    // Commander printed a string default as JSON: (default: "8080").
    expect(serve).toContain('--port <port> port to listen on (default: 8080)');
    expect(serve).toContain('--batching <on|off> dynamic batching of concurrent requests (default: on)');
    expect(serve).not.toContain('(default: "');
    const alerts = (await keel(['alerts', 'ls', '--help'])).stdout;
    expect(alerts).toMatch(/--monitor <name> +only the alerts of this monitor\n/);
    expect(alerts).toMatch(/--limit <n> +at most this many \(default: 50\)\n/);
  });

  it('refuses a count flag that is not a whole number, naming the flag, rather than a database error or no limit at all', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-counts-'));
    for (const [args, flag] of [[['alerts', 'ls', '--limit', 'abc'], '--limit'], [['monitor', 'status', 'fraud', '--limit', 'abc'], '--limit'], [['runs', 'ls', '--max-results', 'abc'], '--max-results'], [['models', 'ls', '--max', '0'], '--max'], [['runs', 'ls', '--limit', 'abc'], '--limit'], [['models', 'ls', '--limit', '0'], '--limit']] as const) {
      const r = await keel(['--home', home, '--json', ...args]);
      expect({ code: r.code, error: JSON.parse(r.stderr) }).toEqual({ code: 2, error: { error: { code: 'INVALID_ARGUMENT', field: flag, message: `${flag}: expected an integer >= 1, got '${args[args.length - 1]}'` } } });
    }
    // --limit is the one name everywhere; an old name given beside it is ambiguous, not overridden.
    const both = await keel(['--home', home, '--json', 'models', 'ls', '--limit', '5', '--max', '10']);
    expect({ code: both.code, error: JSON.parse(both.stderr) }).toEqual({ code: 2, error: { error: { code: 'INVALID_ARGUMENT', field: '--max', message: '--max: is an alias of --limit: give one of them' } } });
    expect(await keel(['--home', home, 'runs', 'ls', '--limit', '3'])).toMatchObject({ code: 0 });
  });

  it('refuses a blank whole-number flag, in the quickstart as in every command, rather than reading it as 0', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-blank-flag-'));
    // `--port $PORT` with PORT unset: 0 would have meant "any free port", silently.
    const blank = await keel(['--home', home, '--json', 'quickstart', '--exit', '--port', '', '--rows', '100', '--window', '1']);
    expect(blank.code).toBe(2);
    expect(JSON.parse(blank.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: '--port', message: "--port: expected an integer >= 0, got ''" } });
    expect(JSON.parse((await keel(['--home', home, '--json', 'quickstart', '--exit', '--rows', '99'])).stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: '--rows', message: "--rows: expected an integer >= 100, got '99'" } });
  }, 60_000);

  it('refuses a local-only command run against a server, naming the setting that made it remote', async () => {
    const fromEnv = await keel(['--json', 'quickstart', '--exit'], { KEEL_SERVER: 'http://127.0.0.1:9' });
    expect(fromEnv.code).toBe(2);
    expect(JSON.parse(fromEnv.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: 'KEEL_SERVER', message: 'KEEL_SERVER: the quickstart runs on the local store; unset KEEL_SERVER' } });
    const fromFlag = await keel(['--server', 'http://127.0.0.1:9', 'quickstart', '--exit']);
    expect(fromFlag).toMatchObject({ code: 2, stderr: 'error: --server: the quickstart runs on the local store; drop --server\n' });
    // `keel server` started a server on the local store, the flag unseen.
    const home = mkdtempSync(join(tmpdir(), 'keel-server-remote-'));
    const server = await keel(['--home', home, '--server', 'http://127.0.0.1:9', 'server', '--port', '0']);
    expect(server).toMatchObject({ code: 2, stderr: 'error: --server: keel server serves its own store (--home, KEEL_HOME or KEEL_DATABASE_URL), not another Keel server; drop --server\n' });
    expect(existsSync(join(home, 'keel.db'))).toBe(false);
  }, 60_000);

  it('says which port is taken, on one line with the exit code of FAILED_PRECONDITION, when another process holds it', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const home = mkdtempSync(join(tmpdir(), 'keel-cli-port-'));
      const taken = `error: port ${port} on 127.0.0.1 is already in use (another keel server?); choose another with --port\n`;
      expect(await keel(['--home', home, 'server', '--port', String(port)])).toMatchObject({ code: 5, stderr: taken });
      // keel serve listens before it loads its models, and ends (its worker threads closed) rather than hang.
      expect(await keel(['--home', home, 'serve', join(home, 'model.onnx'), '--port', String(port)])).toMatchObject({ code: 5, stderr: taken });
      // It checks the port before it opens anything: the metadata store (for the prediction log) of a new home is not created.
      const fresh = mkdtempSync(join(tmpdir(), 'keel-cli-port-serve-'));
      expect(await keel(['--home', fresh, 'serve', join(home, 'model.onnx'), '--port', String(port)])).toMatchObject({ code: 5, stderr: taken });
      expect(existsSync(join(fresh, 'keel.db'))).toBe(false);
      // With several serving processes the primary prints the first one's error, once, and stops the others.
      expect(await keel(['--home', home, 'serve', join(home, 'model.onnx'), '--port', String(port), '--http-processes', '2'])).toMatchObject({ code: 5, stderr: taken });
    } finally {
      holder.close();
    }
  });

  it('says on one line why a listen fails on an address the machine lacks, a host name that is not known, or a port past 65535', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-listen-'));
    // 203.0.113.1 is a documentation address (RFC 5737), never one of this machine's: the bind fails, nothing is sent.
    const elsewhere = 'port 7199 on 203.0.113.1 cannot be bound: 203.0.113.1 is not an address of this machine; choose another with --host\n';
    expect(await keel(['--home', home, 'server', '--host', '203.0.113.1', '--port', '7199'])).toMatchObject({ code: 2, stderr: `error: ${elsewhere}` });
    expect(await keel(['--home', home, 'serve', join(home, 'model.onnx'), '--host', '203.0.113.1', '--port', '7199'])).toMatchObject({ code: 2, stderr: `error: ${elsewhere}` });
    expect(await keel(['--home', home, 'serve', join(home, 'model.onnx'), '--host', '203.0.113.1', '--port', '7199', '--http-processes', '2'])).toMatchObject({ code: 2, stderr: `error: ${elsewhere}` });
    const json = await keel(['--home', home, '--json', 'quickstart', '--host', '203.0.113.1', '--port', '7199', '--exit']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'INVALID_ARGUMENT', field: '--host', message: elsewhere.trim() } });
    expect(await keel(['--home', home, 'server', '--host', 'nosuch.invalid', '--port', '7199'])).toMatchObject({ code: 2, stderr: 'error: port 7199 on nosuch.invalid cannot be bound: the host name nosuch.invalid is not known; choose another with --host\n' });
    expect(await keel(['--home', home, 'server', '--port', '70000'])).toMatchObject({ code: 2, stderr: "error: --port: expected a port number from 0 to 65535, got 70000\n" });
    // A --port that is no number ends keel serve (it used to print the error and hang).
    expect(await keel(['--home', home, 'serve', join(home, 'model.onnx'), '--port', 'abc'])).toMatchObject({ code: 2, stderr: "error: --port: expected an integer >= 0, got 'abc'\n" });
  });

  it('refuses an empty or invalid serve --name before any serving process starts, naming --name', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-serve-name-'));
    for (const [name, procs] of [['', '1'], ['a/b', '1'], ['', '2']] as const) {
      const r = await keel(['--home', home, '--json', 'serve', join(home, 'model.onnx'), '--port', '0', '--name', name, '--http-processes', procs]);
      expect([r.code, JSON.parse(r.stderr)]).toEqual([2, { error: { code: 'INVALID_ARGUMENT', field: '--name', message: `--name: invalid deployment name '${name}': use letters, digits, '.', '_' and '-' (no path characters, at most 128)` } }]);
    }
  });

  it('says a server on 0.0.0.0 listens on all addresses, with a URL other machines can use, and warns once that anyone reaching it may do anything', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-any-'));
    const model = join(home, 'relu.onnx');
    writeFileSync(model, encodeModel(makeModel({ graph: { name: 'relu', nodes: [makeNode('Relu', ['x'], ['y'])], inputs: [makeTensorValueInfo('x', 'float32', ['N', 1])], outputs: [makeTensorValueInfo('y', 'float32', ['N', 1])] } })));
    for (const [args, warning] of [
      [['server'], 'the API listens on port PORT of all addresses (0.0.0.0), which other machines can reach, and has no authentication yet: anyone who reaches it may read, change and delete everything in this store (docs/configuration.md); --host 127.0.0.1 keeps it on this machine'],
      [['serve', model], 'the model server listens on port PORT of all addresses (0.0.0.0), which other machines can reach, and has no authentication: anyone who reaches it may call its models and read /metrics; --host 127.0.0.1 keeps it on this machine'],
    ] as const) {
      const child = spawn(process.execPath, [KEEL_BIN, '--home', home, ...args, '--host', '0.0.0.0', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const firstLine = await new Promise<string>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
        });
        child.once('close', () => resolve(`(ended) ${stdout}${stderr}`));
      });
      const m = /^Keel (?:server listening|serving) on all addresses of this machine \(0\.0\.0\.0\), port (\d+), e\.g\. (http:\/\/\S+):(\d+) \(/.exec(firstLine);
      expect(m, firstLine).not.toBeNull();
      expect(m![3]).toBe(m![1]);
      // The loopback address reaches it too (it was what the line used to say, as if that were all).
      expect((await fetch(`http://127.0.0.1:${m![1]}/metrics`)).status).toBeLessThan(500);
      child.kill('SIGTERM');
      await once(child, 'close');
      expect(stderr).toBe(`warning: ${warning.replace('PORT', m![1]!)}\n`);
    }
  });

  // Root may open any port: the CLI runs as nobody, where the kernel keeps ports below 1024 for root.
  const unprivilegedFrom = existsSync(UNPRIVILEGED_PORT_START) ? Number(readFileSync(UNPRIVILEGED_PORT_START, 'utf8')) : 1024;
  it.skipIf(unprivilegedFrom <= 80 || process.platform !== 'linux')('says that a port this user may not open needs another, with the exit code of PERMISSION_DENIED', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-cli-eacces-'));
    chmodSync(home, 0o777);
    const nobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const denied = 'error: port 80 on 127.0.0.1 may not be opened by this user (ports below 1024 need root or the CAP_NET_BIND_SERVICE capability); choose another with --port\n';
    expect(await keel(['--home', home, 'server', '--host', '127.0.0.1', '--port', '80'], {}, nobody)).toMatchObject({ code: 6, stderr: denied });
  });
});
