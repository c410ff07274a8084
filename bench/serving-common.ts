/**
 * What the serving benchmarks (bench/serving.ts, serving-cpu.ts, serving-inject.ts) share: the
 * benchmark model and request, starting a server and waiting for it, running wrk and reading its
 * figures, and the achieved batch size from /metrics.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** The benchmark model (and its PyTorch twin) and wrk's scripts live here; bench/serving.ts builds the model. */
export const BENCH_DIR = '/tmp/keel-bench-serving';
export const BENCH_MODEL = `${BENCH_DIR}/bench-mlp.onnx`;

const ROW = Array.from({ length: 64 }, (_, i) => ((i % 7) / 7 - 0.3).toFixed(4));
/** One 1-row Open Inference Protocol JSON request for the 64-input benchmark MLP. */
export const BENCH_BODY = `{"inputs":[{"name":"input","shape":[1,64],"datatype":"FP32","data":[${ROW.join(',')}]}]}`;

/** Writes a wrk script that POSTs BENCH_BODY as JSON; returns its path. */
export function writeLua(file: string): string {
  const path = `${BENCH_DIR}/${file}`;
  writeFileSync(path, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = '${BENCH_BODY}'\n`);
  return path;
}

/** Spawns a server and waits until it answers BENCH_BODY on `port` with 200. */
export async function startServer(cmd: string, argv: string[], port: number, options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ChildProcess> {
  const child = spawn(cmd, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/models/bench-mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BENCH_BODY });
      if (res.status === 200) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`${cmd} ${argv.join(' ')} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${cmd} did not start`);
}

/** One wrk run's figures; p50 and p99 as wrk prints them (e.g. `2.10ms`). */
export interface WrkRun {
  readonly out: string;
  readonly rps: number;
  readonly requests: number;
  readonly p50: string | undefined;
  readonly p99: string | undefined;
}

/** wrk with 1 thread and 64 connections against the benchmark model's infer endpoint on `port`. */
export function runWrk(port: number, lua: string, seconds: number): WrkRun {
  const out = execFileSync('wrk', ['-t1', '-c64', `-d${seconds}s`, '--latency', '-s', lua, `http://127.0.0.1:${port}/v2/models/bench-mlp/infer`], { encoding: 'utf8' });
  return {
    out,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 1),
    p50: /^\s+50%\s+(\S+)/m.exec(out)?.[1],
    p99: /^\s+99%\s+(\S+)/m.exec(out)?.[1],
  };
}

/** The mean rows per onnxruntime run, from a Keel server's /metrics text. */
export function meanBatchSize(metrics: string): number {
  const sum = Number(/keel_serving_batch_size_sum\{[^}]*\} ([\d.e+]+)/.exec(metrics)?.[1] ?? 0);
  const count = Number(/keel_serving_batch_size_count\{[^}]*\} ([\d.e+]+)/.exec(metrics)?.[1] ?? 1);
  return sum / count;
}
