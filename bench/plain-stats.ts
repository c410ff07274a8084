/**
 * plainColumnProfile (src/data/plain-stats.ts) on each column of the ingest benchmark's data
 * (bench/data-ingest-csv.ts: the same generator, draw for draw), as the plain CSV path holds it
 * in memory: the milliseconds per column, wall and CPU (median of R runs, one thread; the CPU
 * time is less sensitive to other work on the machine), and which sort route each number column took.
 *
 *   npx tsx bench/plain-stats.ts [--rows N] [--reps R]
 */
import { mulberry32 } from '../src/core/index.js';
import type { PlainColumn } from '../src/data/plain-column.js';
import { sortedValues } from '../src/data/plain-sort.js';
import { plainColumnProfile } from '../src/data/plain-stats.js';
import { BENCH_COLUMNS } from './data-ingest-csv.js';

const arg = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const rows = arg('--rows', 1_000_000);
const reps = arg('--reps', 5);

const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CN', 'CA', 'AU', 'ES', 'IT'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const PLANS = ['free', 'basic', 'pro', 'enterprise'];

/** The benchmark's 20 columns as PlainColumns: numbers as the CSV text parses, text as dictionary codes. */
function benchColumns(n: number): PlainColumn[] {
  const r = mulberry32(42);
  const normal = (): number => {
    const u = 1 - r(), v = r();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const maybe = (p: number, x: () => number): number => (r() < p ? NaN : x());
  const fixed = (x: number, d: number) => Number(x.toFixed(d));
  const numbers = Array.from({ length: 15 }, () => new Float64Array(n));
  const texts = Array.from({ length: 5 }, () => ({ codes: new Int32Array(n), dictionary: [] as string[], index: new Map<string, number>() }));
  const code = (k: number, s: string | undefined): void => {
    const t = texts[k]!;
    if (s === undefined) return;
    let c = t.index.get(s);
    if (c === undefined) t.index.set(s, (c = t.dictionary.push(s) - 1));
    t.codes[i] = c;
  };
  let i = 0;
  for (; i < n; i++) {
    const row = [
      i,
      maybe(0.02, () => 18 + Math.floor(r() * 70)),
      maybe(0.05, () => fixed(Math.exp(10 + normal() * 0.8), 2)),
      fixed(normal() * 15 + 50, 3),
      maybe(0.1, () => fixed(normal() * 1000, 2)),
      Math.floor(-Math.log(1 - r()) * 20),
      fixed(r(), 5),
      maybe(0.01, () => fixed(20 + normal() * 8, 1)),
      fixed(Math.exp(3 + normal() * 0.5), 2),
      maybe(0.03, () => fixed(70 + normal() * 12, 1)),
      fixed(170 + normal() * 10, 1),
      maybe(0.2, () => fixed(r() * 0.3, 4)),
      fixed(normal(), 6),
      maybe(0.05, () => Math.floor(r() * r() * 500)),
      maybe(0.02, () => (r() < 0.6 ? 1 : 0)),
    ];
    row.forEach((x, k) => (numbers[k]![i] = x));
    for (let k = 0; k < 5; k++) texts[k]!.codes[i] = -1;
    code(0, COUNTRIES[Math.floor(r() * r() * COUNTRIES.length)]);
    code(1, r() < 0.04 ? undefined : DEVICES[Math.floor(r() * DEVICES.length)]);
    code(2, PLANS[Math.floor(r() * r() * PLANS.length)]);
    code(3, r() < 0.08 ? undefined : `city_${Math.floor(Math.pow(r(), 2) * 5000)}`);
    code(4, `seg_${Math.floor(r() * 50)}`);
  }
  const types = ['int', 'int', 'float', 'float', 'float', 'int', 'float', 'float', 'float', 'float', 'float', 'float', 'float', 'int', 'bool'] as const;
  return [
    ...numbers.map((values, k): PlainColumn => ({ type: types[k]!, values })),
    ...texts.map(({ codes, dictionary }): PlainColumn => ({ type: 'string', codes, dictionary })),
  ];
}

const columns = benchColumns(rows);
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
let total = 0;
console.log(`plainColumnProfile, ${rows.toLocaleString('en')} rows, median of ${reps} runs`);
let totalCpu = 0;
let totalBest = 0;
let first = 0;
columns.forEach((column, k) => {
  const times: number[] = [], cpu: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    plainColumnProfile(BENCH_COLUMNS[k]!, column);
    const c1 = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c1.user + c1.system) / 1000);
  }
  if (k === 0) first = times[0]!;
  const route = column.type === 'string' ? '' : sortedValues(column.values).route;
  const ms = median(times), cpuMs = median(cpu), best = Math.min(...times);
  total += ms;
  totalCpu += cpuMs;
  totalBest += best;
  const distinct = plainColumnProfile(BENCH_COLUMNS[k]!, column).stats.distinct;
  const figures = `${ms.toFixed(1).padStart(6)} ms (CPU ${cpuMs.toFixed(1).padStart(5)}, best ${best.toFixed(1).padStart(5)})`;
  console.log(`${BENCH_COLUMNS[k]!.padEnd(11)} ${column.type.padEnd(6)} ${figures}  ${route.padEnd(9)} distinct ${distinct}`);
});
// The first run of the first column also pays for the scratch memory's first touch (plain-sort.ts).
console.log(`total ${total.toFixed(0)} ms (CPU ${totalCpu.toFixed(0)} ms, best runs ${totalBest.toFixed(0)} ms); the very first column's first run ${first.toFixed(0)} ms`);
