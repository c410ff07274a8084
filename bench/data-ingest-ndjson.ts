/**
 * Writes the NDJSON benchmark file: by default 500,000 objects of 10 fields (about 70 MB) of
 * integers, floats, text, booleans and timestamps, some keys missing or null, seeded so that the
 * file is the same on every machine. The JSON reader's costs (the late-key check among them,
 * src/data/json-late-keys.ts) are measured on it with compare-versions.sh:
 *
 *   npx tsx bench/data-ingest-ndjson.ts [--rows N] [--late] FILE
 *   bash bench/compare-versions.sh main FILE 3
 *
 * --late: the last object has a key no other has (the check's slow path: the types come from
 * all rows).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mulberry32 } from '../src/core/index.js';

const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CN', 'CA', 'AU', 'ES', 'IT'];
const DEVICES = ['mobile', 'desktop', 'tablet'];

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rows = Number(arg('rows') ?? 500_000);
const late = process.argv.includes('--late');
const path = process.argv[process.argv.length - 1]!;
if (!path.endsWith('.ndjson') && !path.endsWith('.jsonl')) throw new Error('usage: data-ingest-ndjson.ts [--rows N] [--late] FILE.ndjson');

const r = mulberry32(7);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const start = Date.UTC(2024, 0, 1);
const out = createWriteStream(path);
let buf = '';
for (let i = 0; i < rows; i++) {
  const o: Record<string, unknown> = {
    id: i,
    user: `user_${Math.floor(r() * 100_000)}`,
    age: r() < 0.03 ? null : 18 + Math.floor(r() * 70),
    amount: Number((Math.exp(3 + normal())).toFixed(2)),
    score: Number((normal() * 15 + 50).toFixed(3)),
    country: COUNTRIES[Math.floor(r() * r() * COUNTRIES.length)],
    device: DEVICES[Math.floor(r() * DEVICES.length)],
    active: r() < 0.6,
    ts: new Date(start + Math.floor(r() * 365 * 86_400_000)).toISOString(),
    note: r() < 0.1 ? `said "${Math.floor(r() * 99)}", {ok}` : 'none',
  };
  if (late && i === rows - 1) o['late'] = 'hello';
  buf += `${JSON.stringify(o)}\n`;
  if (buf.length > 1 << 20) {
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  }
}
out.end(buf);
await once(out, 'finish');
console.log(`${path}: ${rows} objects`);
