/**
 * `keel data add` (ingest, schema, full statistics, Parquet artifact) of a 1,000,000 × 20 CSV
 * against pandas read_csv + describe(include='all') + nunique(), side by side in one run.
 *
 *   npx tsx bench/data-ingest.ts [--rows N] [--reps R] [--wide [ROWSxCOLUMNS] [--ints]] [--parts P]
 *
 * --parts: the rows split into a folder of P CSV files with one header each (pandas reads each
 * and concatenates them).
 * --wide: a 30,000 × 300 CSV instead (every fifth column categorical), where the per-column work
 * weighs more than the parse; `--wide 2000x2000` another shape; `--ints` a third of its columns
 * integers, a third floats, a third letters.
 *
 * Each side runs in its own process (peak RSS is per process); the runs alternate, and the
 * median of R runs is reported. Keel runs twice per round: a script that times the add inside the
 * process (work and per-step figures), and the `keel data add` command as a user runs it.
 * The figures are noisy while other work shares the CPU; the CPU time (all threads) is less
 * sensitive to that than the wall time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCsv, benchParts, wideBenchCsv } from './data-ingest-csv.js';

const PYTHON = '/usr/bin/python3';
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const rows = arg('rows', 1_000_000);
const reps = arg('reps', 3);

function ensurePandas(): void {
  if (spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0) return;
  console.log('installing python3-pandas (apt)...');
  execFileSync('apt-get', ['install', '-y', '-qq', 'python3-pandas'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

interface RunResult { seconds: number; cpuSeconds: number; maxRssMb: number; processSeconds: number; steps?: Record<string, number>; stepsCpu?: Record<string, number>; readSeconds?: number; profileSeconds?: number }

function runChild(cmd: string, args: string[]): RunResult {
  const t0 = performance.now();
  const out = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const processSeconds = (performance.now() - t0) / 1000;
  const line = out.trim().split('\n').pop()!;
  return { ...(JSON.parse(line) as RunResult), processSeconds };
}

/** `keel data add` as a user runs it: the package bin, in a fresh store; seconds of the whole process. */
function runCli(csvPath: string): number {
  const home = mkdtempSync(join(tmpdir(), 'keel-bench-cli-'));
  try {
    const t0 = performance.now();
    execFileSync(process.execPath, [keelBin, 'data', 'add', 'bench', csvPath, '--home', home, '--json'], { stdio: 'ignore' });
    return (performance.now() - t0) / 1000;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

ensurePandas();
const wideAt = process.argv.indexOf('--wide');
const shape = /^(\d+)x(\d+)$/.exec(process.argv[wideAt + 1] ?? '');
const [wideRows, wideColumns] = shape ? [Number(shape[1]), Number(shape[2])] : [30_000, 300];
const parts = arg('parts', 0);
const csv = wideAt >= 0 ? await wideBenchCsv(wideRows, wideColumns, process.argv.includes('--ints')) : parts > 0 ? await benchParts(rows, parts) : await benchCsv(rows);
console.log(`data: ${csv} (${wideAt >= 0 ? `${wideRows} rows × ${wideColumns} columns` : `${rows} rows × 20 columns${parts > 0 ? ` in ${parts} parts` : ''}`})`);
const keelScript = fileURLToPath(new URL('./data-ingest-keel.ts', import.meta.url));
const pandasScript = fileURLToPath(new URL('./data-ingest-pandas.py', import.meta.url));
const keelBin = fileURLToPath(new URL('../bin/keel.js', import.meta.url));
execFileSync(process.execPath, [keelBin, '--version'], { stdio: 'ignore' }); // builds the CLI bundle if it is stale
const keel: RunResult[] = [];
const cli: number[] = [];
const pandas: RunResult[] = [];
for (let r = 0; r < reps; r++) {
  keel.push(runChild(process.execPath, ['--import', 'tsx', keelScript, csv]));
  cli.push(runCli(csv));
  pandas.push(runChild(PYTHON, [pandasScript, csv]));
  const k = keel[r]!, p = pandas[r]!;
  console.log(`run ${r + 1}: \`keel data add\` ${cli[r]!.toFixed(2)} s | python3 + pandas ${p.processSeconds.toFixed(2)} s (processes)`);
  const steps = Object.entries(k.steps ?? {}).map(([s, t]) => `${s} ${t.toFixed(2)}/${(k.stepsCpu?.[s] ?? NaN).toFixed(2)}`).join(', ');
  console.log(`run ${r + 1}: keel ${k.seconds.toFixed(2)} s wall / ${k.cpuSeconds.toFixed(2)} s CPU (wall/CPU: ${steps}), ${k.maxRssMb.toFixed(0)} MB | pandas ${p.seconds.toFixed(2)} s / ${p.cpuSeconds.toFixed(2)} s CPU (read ${p.readSeconds?.toFixed(2)}, profile ${p.profileSeconds?.toFixed(2)}), ${p.maxRssMb.toFixed(0)} MB`);
}
const ks = median(keel.map((k) => k.seconds)), ps = median(pandas.map((p) => p.seconds));
const kp = median(keel.map((k) => k.processSeconds)), pp = median(pandas.map((p) => p.processSeconds));
console.log('');
console.log(`median of ${reps} runs          keel      pandas    pandas/keel`);
console.log(`work wall time          ${ks.toFixed(2).padStart(8)} s ${ps.toFixed(2).padStart(8)} s ${(ps / ks).toFixed(2).padStart(8)}×`);
console.log(`work CPU time (all threads) ${median(keel.map((k) => k.cpuSeconds)).toFixed(2).padStart(6)} s ${median(pandas.map((p) => p.cpuSeconds)).toFixed(2).padStart(8)} s ${(median(pandas.map((p) => p.cpuSeconds)) / median(keel.map((k) => k.cpuSeconds))).toFixed(2).padStart(8)}×`);
console.log(`process wall time       ${kp.toFixed(2).padStart(8)} s ${pp.toFixed(2).padStart(8)} s ${(pp / kp).toFixed(2).padStart(8)}×`);
const kc = median(cli);
console.log(`\`keel data add\` command ${kc.toFixed(2).padStart(8)} s ${pp.toFixed(2).padStart(8)} s ${(pp / kc).toFixed(2).padStart(8)}×   (the CLI process against python3 + pandas' process)`);
console.log(`peak RSS                ${median(keel.map((k) => k.maxRssMb)).toFixed(0).padStart(8)} MB ${median(pandas.map((p) => p.maxRssMb)).toFixed(0).padStart(7)} MB`);
