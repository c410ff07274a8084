/**
 * The quickstart's bundled dataset: card transactions with a fraud label, generated from a fixed
 * seed so every machine gets the same bytes (and so the same dataset version). `shift` produces
 * the drifted traffic of a later month: larger amounts, more night-time and foreign transactions.
 */
import { mulberry32 } from '../../core/index.js';

const COUNTRIES = ['FR', 'DE', 'ES', 'IT', 'NL', 'US', 'GB', 'BR'];
const CATEGORIES = ['grocery', 'travel', 'electronics', 'fuel', 'restaurant', 'online', 'jewelry'];

export interface Transaction {
  amount: number;
  hour: number;
  customer_age: number;
  account_age_days: number;
  txn_last_24h: number;
  distance_km: number | null;
  country: string;
  merchant_category: string;
  is_foreign: boolean;
  is_fraud: number;
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function generateTransactions(n: number, seed: number, shift = 0): Transaction[] {
  const rand = mulberry32(seed);
  const out: Transaction[] = [];
  for (let i = 0; i < n; i++) {
    const country = COUNTRIES[Math.floor(rand() ** (1 + (1 - shift)) * COUNTRIES.length)]!;
    const merchant = CATEGORIES[Math.floor(rand() * CATEGORIES.length)]!;
    const amount = Math.round(Math.exp(3.2 + 1.1 * normal(rand) + 0.9 * shift) * 100) / 100;
    const hour = Math.floor((rand() < 0.15 + 0.35 * shift ? rand() * 6 : 7 + rand() * 17)) % 24;
    const age = Math.max(18, Math.round(42 + 14 * normal(rand)));
    const accountAge = Math.max(0, Math.round(900 * rand() ** 1.5));
    const recent = Math.floor(-Math.log(Math.max(rand(), 1e-9)) * (1.5 + shift));
    const distance = rand() < 0.05 ? null : Math.round(Math.abs(normal(rand)) * (30 + 400 * shift) * 10) / 10;
    const foreign = country !== 'FR' && rand() < 0.6;
    const z =
      -5.4 + 1.4 * Math.log1p(amount / 100) + (hour < 6 ? 2.0 : 0) + (foreign ? 1.1 : 0) +
      (merchant === 'jewelry' || merchant === 'electronics' ? 1.4 : 0) + 0.45 * recent -
      accountAge / 300 + (distance !== null && distance > 60 ? 1.2 : 0) + (age < 25 ? 0.8 : 0);
    const fraud = rand() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    out.push({
      amount, hour, customer_age: age, account_age_days: accountAge, txn_last_24h: recent, distance_km: distance,
      country, merchant_category: merchant, is_foreign: foreign, is_fraud: fraud,
    });
  }
  return out;
}

export function toCsv(rows: readonly Transaction[]): string {
  const cols = Object.keys(rows[0]!) as (keyof Transaction)[];
  const lines = [cols.join(',')];
  for (const r of rows) lines.push(cols.map((c) => (r[c] === null ? '' : String(r[c]))).join(','));
  return `${lines.join('\n')}\n`;
}
