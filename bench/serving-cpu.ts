/**
 * CPU cost per request of one Keel serving process under wrk load, split by thread: the main
 * (HTTP) thread, the inference worker thread, and the rest (V8's GC and compiler helpers, libuv). Per-request
 * CPU depends far less than requests/s on what else shares the machine, so this is what to
 * compare between two versions of the serving path.
 *   npx tsx bench/serving-cpu.ts [--duration 8] [--batching on|off] [--runs 3] [--prof DIR] [--bare] [--root DIR] [--threads]
 * --prof writes a V8 CPU profile of the server (node --cpu-prof) into DIR; --bare measures the
 * bare Fastify endpoint (bench/serving-bare-fastify.ts) instead; --root serves from another
 * checkout (e.g. `git archive OLD | tar -x -C DIR` with node_modules linked), to compare versions;
 * --threads prints every busy thread's share.
 * Needs wrk and the benchmark model (bench/serving.ts builds both).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BENCH_MODEL as model, runWrk, startServer, writeLua } from './serving-common.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const duration = Number(opt('--duration', '8'));
const batching = opt('--batching', 'on');
const runs = Number(opt('--runs', '3'));
const prof = args.includes('--prof') ? opt('--prof', '/tmp/keel-prof') : undefined;
const bare = args.includes('--bare');
const serverRoot = opt('--root', root);
const perThread = args.includes('--threads');
const port = 18150;
if (!existsSync(model)) throw new Error(`${model} is missing: run bench/serving.ts once (it builds the model)`);

const lua = writeLua('post-cpu.lua');

/** CPU ticks (1/100 s) per thread of a process, keyed by thread name and id. */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      out.set(`${tid === String(pid) ? 'main' : name}:${tid}`, Number(fields[11]) + Number(fields[12]));
    } catch {
      // the thread ended
    }
  }
  return out;
}

async function start(): Promise<ChildProcess> {
  const node = ['--require', `${root}/node_modules/tsx/dist/preflight.cjs`, '--import', `file://${root}/node_modules/tsx/dist/loader.mjs`];
  if (prof) node.push('--cpu-prof', '--cpu-prof-dir', prof);
  const script = bare ? ['bench/serving-bare-fastify.ts', String(port), '1'] : ['bench/serving-keel-server.ts', model, String(port), batching, '1'];
  return startServer(process.execPath, [...node, ...script], port, { cwd: serverRoot });
}

const wrk = (seconds: number) => runWrk(port, lua, seconds);

const child = await start();
try {
  wrk(2);
  for (let r = 0; r < runs; r++) {
    const before = threadTicks(child.pid!);
    const w = wrk(duration);
    const after = threadTicks(child.pid!);
    // Threads are all named 'node'; the busiest one besides the main thread is the inference worker.
    let main = 0;
    const others: number[] = [];
    for (const [k, t] of after) {
      const d = (t - (before.get(k) ?? 0)) / 100;
      if (k.startsWith('main:')) main += d;
      else others.push(d);
    }
    others.sort((x, y) => y - x);
    const workers = bare ? 0 : others[0] ?? 0;
    const other = others.slice(bare ? 0 : 1).reduce((s, v) => s + v, 0);
    const per = (s: number) => ((s / w.requests) * 1e6).toFixed(1).padStart(5);
    if (perThread) {
      const rows = [...after].map(([k, t]) => [k, (((t - (before.get(k) ?? 0)) / 100) / w.requests) * 1e6] as const).filter(([, v]) => v >= 0.3).sort((x, y) => y[1] - x[1]);
      console.log(`  threads (µs/req): ${rows.map(([k, v]) => `${k.split(':')[0] === 'main' ? 'main' : k.split(':')[1]} ${v.toFixed(1)}`).join(', ')}`);
    }
    console.log(`${bare ? 'bare' : `keel batching ${batching}`}${serverRoot === root ? '' : ` (${serverRoot})`} run ${r + 1}: ${w.rps.toFixed(0)} req/s p50 ${w.p50 ?? '?'} p99 ${w.p99 ?? '?'} | CPU µs/req main ${per(main)} inference worker ${per(workers)} other threads ${per(other)} total ${per(main + workers + other)}`);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
