import { invalidArgument, isValidName } from '../core/index.js';
import type { AlertRule, Comparison, MonitorConfig, MonitorTask, RetrainSpec, WebhookTarget, WindowSpec } from './types.js';
import { storedWebhooks, type StoredWebhooks } from './webhook-secrets.js';
import { hasMaskedCredential, MASKED, maskedUrl } from './webhook-urls.js';

const COMPARISONS: readonly Comparison[] = ['>', '>=', '<', '<=', '==', '!='];
const TASKS: readonly MonitorTask[] = ['binary', 'regression', 'multiclass'];
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DAY = 86_400_000;
/**
 * A window's default minimum of served predictions for drift (`minRows`). Thirty is the common
 * rule-of-thumb minimum sample: it keeps a handful of requests from reporting drift (and firing a
 * drift rule, and retraining) while leaving the windows of a few dozen requests or more as they were.
 * Against a reference of over 1,000 rows the distance tests want more (see docs/monitoring.md).
 */
export const DEFAULT_MIN_ROWS = 30;

/** `90000`, `'90s'`, `'15m'`, `'1h'`, `'7d'` -> milliseconds. */
export function parseDuration(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(v.trim());
    if (m) return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
  }
  throw invalidArgument(field, `expected a duration such as 30000, '30s', '15m', '1h' or '1d', got ${JSON.stringify(v)}`);
}

/** `1700000000000` or `'2025-01-31T12:00:00Z'` (an ISO 8601 date, time optional) -> epoch milliseconds. */
export function parseTime(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isFinite(t)) return t;
  throw invalidArgument(field, `expected epoch milliseconds or an ISO 8601 time such as '2025-01-31T12:00:00Z', got ${JSON.stringify(v)}`);
}

type Raw = Record<string, unknown>;

function obj(v: unknown, field: string): Raw {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument(field, 'expected an object');
  return v as Raw;
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) throw invalidArgument(field, 'expected a non-empty string');
  return v;
}

function num(v: unknown, field: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidArgument(field, `expected a number, got ${JSON.stringify(v)}`);
  return n;
}

function checkKeys(o: Raw, known: readonly string[], field: string): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) throw invalidArgument(field ? `${field}.${k}` : k, `unknown key (known: ${known.join(', ')})`);
}

export function parseWindow(raw: unknown): WindowSpec {
  const o = obj(raw, 'window');
  checkKeys(o, ['type', 'size', 'sizeMs', 'slide', 'slideMs', 'grace', 'graceMs'], 'window');
  const type = (o.type ?? 'tumbling') as WindowSpec['type'];
  if (type !== 'tumbling' && type !== 'sliding') throw invalidArgument('window.type', `expected 'tumbling' or 'sliding', got ${JSON.stringify(o.type)}`);
  const sizeMs = parseDuration(o.sizeMs ?? o.size ?? '1h', 'window.size');
  if (sizeMs <= 0) throw invalidArgument('window.size', 'must be positive');
  const slideMs = type === 'tumbling' ? sizeMs : parseDuration(o.slideMs ?? o.slide ?? sizeMs, 'window.slide');
  if (slideMs <= 0 || slideMs > sizeMs) throw invalidArgument('window.slide', 'must be positive and at most the window size');
  // Bounded so that one run cannot be asked to evaluate millions of overlapping windows.
  if (sizeMs / slideMs > 1000) throw invalidArgument('window.slide', 'a window may overlap at most 1000 others');
  const graceMs = parseDuration(o.graceMs ?? o.grace ?? 0, 'window.grace');
  return { type, sizeMs, slideMs, graceMs };
}

/**
 * `secret`: a string sets it, `null` removes it (deliveries go unsigned), and leaving it out keeps
 * the one stored for the same URL; with no stored webhook of that URL it is required. `secretSet`,
 * what answers carry instead, is taken back and ignored, so an answer can be edited and PUT.
 */
function parseWebhook(raw: unknown, field: string, stored: StoredWebhooks, rule?: string): WebhookTarget {
  const o = obj(raw, field);
  checkKeys(o, ['url', 'secret', 'secretSet'], field);
  const given = str(o.url, `${field}.url`);
  if (!/^https?:\/\//.test(given)) throw invalidArgument(`${field}.url`, 'expected an http(s) URL');
  if (o.secretSet !== undefined && typeof o.secretSet !== 'boolean') throw invalidArgument(`${field}.secretSet`, 'expected true or false (answers carry it; it is not stored)');
  const kept = stored(given, rule);
  // An answer's URL, its credentials masked, stands for the stored one it shows.
  const url = kept && maskedUrl(kept.url) === given ? kept.url : given;
  if (!kept && hasMaskedCredential(given)) throw invalidArgument(`${field}.url`, `holds ${MASKED} where a credential goes, and the monitor has no webhook it masks: give the URL with its credentials`);
  if (o.secret === null) return { url };
  if (o.secret !== undefined) return { url, secret: str(o.secret, `${field}.secret`) };
  if (!kept) throw invalidArgument(`${field}.secret`, 'required for a webhook URL the monitor does not have yet: the HMAC-SHA256 key that signs its deliveries (null sends them unsigned)');
  return kept;
}

function parseRetrain(raw: unknown, field: string): RetrainSpec {
  const o = obj(raw, field);
  checkKeys(o, ['command', 'train', 'timeoutMs'], field);
  if ((o.command === undefined) === (o.train === undefined)) throw invalidArgument(field, 'give exactly one of command or train');
  return {
    ...(o.command !== undefined ? { command: str(o.command, `${field}.command`) } : {}),
    ...(o.train !== undefined ? { train: obj(o.train, `${field}.train`) } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: parseDuration(o.timeoutMs, `${field}.timeoutMs`) } : {}),
  };
}

export function parseRule(raw: unknown, field: string, defaults: { webhook?: WebhookTarget } = {}, stored: StoredWebhooks = storedWebhooks(undefined)): AlertRule {
  const o = obj(raw, field);
  checkKeys(o, ['name', 'metric', 'op', 'threshold', 'forWindows', 'for', 'forMs', 'cooldown', 'cooldownMs', 'webhook', 'retrain'], field);
  const metric = str(o.metric, `${field}.metric`);
  const op = (o.op ?? '>') as Comparison;
  if (!COMPARISONS.includes(op)) throw invalidArgument(`${field}.op`, `expected one of ${COMPARISONS.join(' ')}`);
  const forWindows = o.forWindows === undefined ? 1 : num(o.forWindows, `${field}.forWindows`);
  if (!Number.isInteger(forWindows) || forWindows < 1) throw invalidArgument(`${field}.forWindows`, 'expected an integer >= 1');
  const forRaw = o.forMs ?? o.for;
  const name = o.name === undefined ? metric : str(o.name, `${field}.name`);
  const webhook = o.webhook !== undefined ? parseWebhook(o.webhook, `${field}.webhook`, stored, name) : defaults.webhook;
  return {
    name,
    metric,
    op,
    threshold: num(o.threshold, `${field}.threshold`),
    forWindows,
    ...(forRaw !== undefined ? { forMs: parseDuration(forRaw, `${field}.for`) } : {}),
    cooldownMs: parseDuration(o.cooldownMs ?? o.cooldown ?? 0, `${field}.cooldown`),
    ...(webhook ? { webhook } : {}),
    ...(o.retrain !== undefined ? { retrain: parseRetrain(o.retrain, `${field}.retrain`) } : {}),
  };
}

function parseMinRows(v: unknown): number {
  if (v === undefined) return DEFAULT_MIN_ROWS;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidArgument('minRows', `expected a whole number >= 0 (served predictions a window needs for drift), got ${JSON.stringify(v)}`);
  return n;
}

/**
 * Validates a monitor definition (from the API, the SDK, the CLI or a JSON file) in one place.
 * `previous`, the stored monitor a replacement updates, gives the secrets of webhooks left without one.
 */
export function parseMonitorConfig(raw: unknown, previous?: MonitorConfig): MonitorConfig {
  const o = obj(raw, 'monitor');
  checkKeys(o, ['name', 'deployment', 'window', 'referenceDataset', 'features', 'task', 'predictionField', 'scoreField', 'origin', 'originMs', 'start', 'startMs', 'refreshHorizon', 'refreshHorizonMs', 'minRows', 'rules', 'webhook', 'createdAt'], '');
  const name = str(o.name, 'name');
  if (!isValidName(name)) throw invalidArgument('name', 'use letters, digits, . _ - (at most 128)');
  const deployment = str(o.deployment, 'deployment');
  if (o.task !== undefined && !TASKS.includes(o.task as MonitorTask)) throw invalidArgument('task', `expected one of ${TASKS.join(', ')}`);
  if (o.referenceDataset !== undefined && !/^[^@]+@[^@]+$/.test(str(o.referenceDataset, 'referenceDataset'))) throw invalidArgument('referenceDataset', "expected 'name@version'");
  if (o.features !== undefined && (!Array.isArray(o.features) || o.features.some((f) => typeof f !== 'string'))) throw invalidArgument('features', 'expected an array of names');
  const stored = storedWebhooks(previous);
  const webhook = o.webhook !== undefined ? parseWebhook(o.webhook, 'webhook', stored) : undefined;
  if (o.rules !== undefined && !Array.isArray(o.rules)) throw invalidArgument('rules', 'expected an array');
  const rules = ((o.rules as unknown[] | undefined) ?? []).map((r, i) => parseRule(r, `rules[${i}]`, webhook ? { webhook } : {}, stored));
  const names = new Set<string>();
  rules.forEach((r, i) => {
    if (names.has(r.name)) throw invalidArgument(`rules[${i}].name`, `duplicate rule name '${r.name}'`);
    names.add(r.name);
  });
  return {
    name,
    deployment,
    window: parseWindow(o.window ?? {}),
    ...(o.referenceDataset !== undefined ? { referenceDataset: o.referenceDataset as string } : {}),
    ...(o.features !== undefined ? { features: o.features as string[] } : {}),
    ...(o.task !== undefined ? { task: o.task as MonitorTask } : {}),
    ...(o.predictionField !== undefined ? { predictionField: str(o.predictionField, 'predictionField') } : {}),
    ...(o.scoreField !== undefined ? { scoreField: str(o.scoreField, 'scoreField') } : {}),
    originMs: parseDuration(o.originMs ?? o.origin ?? 0, 'origin'),
    ...((o.startMs ?? o.start) !== undefined ? { startMs: parseTime(o.startMs ?? o.start, 'start') } : {}),
    refreshHorizonMs: parseDuration(o.refreshHorizonMs ?? o.refreshHorizon ?? 7 * DAY, 'refreshHorizon'),
    minRows: parseMinRows(o.minRows),
    rules,
    ...(typeof o.createdAt === 'number' ? { createdAt: o.createdAt } : {}),
  };
}
