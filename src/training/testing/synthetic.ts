/** Small deterministic tables for trainer tests. */
import { mulberry32, tableFromRows, type Row, type Table } from '../../core/index.js';

export function syntheticTable(n: number, seed = 7): Table {
  const random = mulberry32(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = random() * 4 - 2;
    const x2 = random() * 4 - 2;
    const noise = (random() - 0.5) * 0.8;
    const score = x1 + 0.5 * x2 + noise;
    rows.push({
      x1, x2,
      color: ['red', 'green', 'blue'][i % 3]!,
      ts: Date.UTC(2026, 0, 1) + ((i * 7919) % n) * 3_600_000,
      label: score > 0 ? 1 : 0,
      amount: 3 * x1 - x2 + noise,
      tier: score < -1 ? 'low' : score < 1 ? 'mid' : 'high',
      constant: 5,
      word: `w${i % 4}`,
    });
  }
  return tableFromRows(rows, { ts: 'timestamp', x1: 'float', x2: 'float', amount: 'float' });
}
