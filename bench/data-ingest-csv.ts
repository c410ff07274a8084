/**
 * Generates the benchmark CSV: 1,000,000 rows × 20 columns of mixed numeric, categorical and
 * missing values, deterministic (seeded), cached under /tmp so reruns skip the generation.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { mulberry32 } from '../src/core/index.js';

export const BENCH_COLUMNS = [
  'id', 'age', 'income', 'score', 'balance', 'clicks', 'ratio', 'temp', 'latency_ms', 'weight',
  'height', 'rate', 'noise', 'visits', 'is_active', 'country', 'device', 'plan', 'city', 'segment',
] as const;

const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CN', 'CA', 'AU', 'ES', 'IT'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const PLANS = ['free', 'basic', 'pro', 'enterprise'];

export async function writeBenchCsv(path: string, rows: number, seed = 42): Promise<void> {
  const r = mulberry32(seed); // seeded: the file is the same on every machine
  const normal = (): number => {
    const u = 1 - r(), v = r();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const maybe = (p: number, s: string): string => (r() < p ? '' : s);
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  out.write(`${BENCH_COLUMNS.join(',')}\n`);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const cells = [
      String(i),
      maybe(0.02, String(18 + Math.floor(r() * 70))),
      maybe(0.05, (Math.exp(10 + normal() * 0.8)).toFixed(2)),
      (normal() * 15 + 50).toFixed(3),
      maybe(0.1, (normal() * 1000).toFixed(2)),
      String(Math.floor(-Math.log(1 - r()) * 20)),
      r().toFixed(5),
      maybe(0.01, (20 + normal() * 8).toFixed(1)),
      (Math.exp(3 + normal() * 0.5)).toFixed(2),
      maybe(0.03, (70 + normal() * 12).toFixed(1)),
      (170 + normal() * 10).toFixed(1),
      maybe(0.2, (r() * 0.3).toFixed(4)),
      normal().toFixed(6),
      maybe(0.05, String(Math.floor(r() * r() * 500))),
      maybe(0.02, r() < 0.6 ? 'true' : 'false'),
      COUNTRIES[Math.floor(r() * r() * COUNTRIES.length)]!,
      maybe(0.04, DEVICES[Math.floor(r() * DEVICES.length)]!),
      PLANS[Math.floor(r() * r() * PLANS.length)]!,
      maybe(0.08, `city_${Math.floor(Math.pow(r(), 2) * 5000)}`),
      `seg_${Math.floor(r() * 50)}`,
    ];
    buf += `${cells.join(',')}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf);
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
}

/** The cached file's path, generated on first use. */
export async function benchCsv(rows = 1_000_000): Promise<string> {
  const path = `/tmp/keel-bench-data-${rows}x20.csv`;
  if (!existsSync(path)) await writeBenchCsv(path, rows);
  return path;
}

/**
 * The benchmark CSV's rows split into a folder of `parts` CSV files (part-000.csv, ...), each
 * with the header line: partitioned output, as Spark writes it. Cached under /tmp.
 */
export async function benchParts(rows: number, parts: number): Promise<string> {
  const dir = `/tmp/keel-bench-data-${rows}x20-parts${parts}`;
  if (existsSync(dir)) return dir;
  const lines = readFileSync(await benchCsv(rows), 'utf8').split('\n');
  const header = lines.shift()!;
  if (lines.at(-1) === '') lines.pop();
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const per = Math.ceil(lines.length / parts);
  for (let k = 0; k < parts; k++) {
    writeFileSync(`${tmp}/part-${String(k).padStart(3, '0')}.csv`, `${header}\n${lines.slice(k * per, (k + 1) * per).join('\n')}\n`);
  }
  renameSync(tmp, dir);
  return dir;
}

/**
 * A wide file: `rows` × `columns` (default 30,000 × 300), every fifth column categorical (k0..k20),
 * the others normal floats with 4 decimals. Wide files stress the per-column work, not the parse.
 * With `ints`, a third of the columns hold small integers (0..9), a third floats, a third letters
 * (a..e) instead.
 */
export async function wideBenchCsv(rows = 30_000, columns = 300, ints = false): Promise<string> {
  const path = `/tmp/keel-bench-wide-${rows}x${columns}${ints ? '-ints' : ''}.csv`;
  if (existsSync(path)) return path;
  const r = mulberry32(7);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  out.write(`${Array.from({ length: columns }, (_, i) => `c${i}`).join(',')}\n`);
  for (let i = 0; i < rows; i++) {
    const cell = (j: number): string => {
      if (!ints) return j % 5 === 0 ? `k${Math.floor(r() * 21)}` : normal().toFixed(4);
      return j % 3 === 0 ? String(Math.floor(r() * 10)) : j % 3 === 1 ? r().toFixed(3) : 'abcde'[Math.floor(r() * 5)]!;
    };
    const line = Array.from({ length: columns }, (_, j) => cell(j)).join(',');
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
  return path;
}

