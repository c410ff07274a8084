/**
 * Writes the two files of docs/validation.md's session into the current folder: `train.csv`
 * (2,000 clean rows) and `bad.csv` (70 rows with out-of-range ages, missing incomes, an unknown
 * country and shifted distributions). The same bytes on every run, so the session's versions
 * (credit@...) and figures are the ones the docs show.
 *
 *   npx tsx examples/credit-data.ts
 */
import { writeFileSync } from 'node:fs';
import { mulberry32 } from '../src/core/index.js';

const COUNTRIES = ['DE', 'ES', 'FR', 'US'];
const HEADER = 'age,income,country,member';

function trainRows(random: () => number): string[] {
  return Array.from({ length: 2000 }, () => {
    const age = 18 + Math.floor(random() * 62); // 18..79
    const income = Math.round(random() * random() * 150_000 * 100) / 100;
    return `${age},${income},${COUNTRIES[Math.floor(random() * 4)]},${random() < 0.4}`;
  });
}

function badRows(random: () => number): string[] {
  return Array.from({ length: 70 }, (_, i) => {
    const age = i % 10 === 0 ? -5 : 40 + Math.floor(random() * 40); // 7 ages of -5, the rest older
    const income = i % 5 === 1 ? '' : String(Math.round(random() * 150_000 * 100) / 100); // 14 missing
    const country = i % 7 === 2 ? 'XX' : COUNTRIES[i % 2]; // 10 of an unknown country
    return `${age},${income},${country},${random() < 0.8}`;
  });
}

const random = mulberry32(42); // seeded: not Math.random
writeFileSync('train.csv', `${[HEADER, ...trainRows(random)].join('\n')}\n`);
writeFileSync('bad.csv', `${[HEADER, ...badRows(random)].join('\n')}\n`);
console.log('wrote train.csv (2000 rows) and bad.csv (70 rows)');
