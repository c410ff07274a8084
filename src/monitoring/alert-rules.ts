import type { AlertRule, Comparison, MonitorConfig, WindowResult } from './types.js';

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '>': return value > threshold;
    case '>=': return value >= threshold;
    case '<': return value < threshold;
    case '<=': return value <= threshold;
    case '==': return value === threshold;
    case '!=': return value !== threshold;
  }
}

export interface RuleCheck {
  /** The rule's condition holds in the newest window. */
  readonly holdsNow: boolean;
  /** ... and has held for the rule's duration (N windows and, if set, T ms of event time). */
  readonly fires: boolean;
  readonly value: number | null;
}

/** Metrics computed only on windows with the monitor's minRows served predictions. */
export const isDriftMetric = (metric: string): boolean => metric.startsWith('drift.') || metric.startsWith('output_drift.');

/** Whether a window had fewer served predictions than `minRows` (so no drift metrics). */
export function isQuiet(w: WindowResult, minRows: number): boolean {
  if (w.details.quiet !== undefined) return w.details.quiet;
  // Stored before windows said so: served ones are the count less the failed (error_rate × count).
  return w.count - Math.round((w.metrics.error_rate ?? 0) * w.count) < minRows;
}

/**
 * Checks a rule against windows given newest first (consecutive: every window of the monitor is
 * stored, empty ones too). A window without the metric (no traffic, no labels yet) breaks a
 * streak: no evidence is not evidence of a problem. A quiet window (fewer served predictions than
 * `minRows`, so no drift metrics) is skipped by a drift rule's streak instead: a night of thin
 * traffic neither counts toward `for N` nor resets it. A rule on another metric judges the quiet
 * window on that metric as any other.
 */
export function checkRule(rule: AlertRule, newestFirst: readonly WindowResult[], minRows = 0): RuleCheck {
  const holds = (w: WindowResult): boolean => {
    const v = w.metrics[rule.metric];
    return typeof v === 'number' && !Number.isNaN(v) && compare(v, rule.op, rule.threshold);
  };
  const skipped = (w: WindowResult): boolean => isDriftMetric(rule.metric) && w.metrics[rule.metric] === undefined && isQuiet(w, minRows);
  const newest = newestFirst[0];
  const raw = newest?.metrics[rule.metric];
  // The value that fired the rule, Infinity too (a drift statistic of a category the reference never saw); NaN is none.
  const value = typeof raw === 'number' && !Number.isNaN(raw) ? raw : null;
  if (!newest || !holds(newest)) return { holdsNow: false, fires: false, value };
  let streak = 0;
  let oldest = newest;
  for (const w of newestFirst) {
    if (skipped(w)) continue;
    if (!holds(w)) break;
    streak++;
    oldest = w;
  }
  // The span runs from the oldest holding window to the newest, quiet windows between them included.
  const spanOk = rule.forMs === undefined || newest.end - oldest.start >= rule.forMs;
  return { holdsNow: true, fires: streak >= rule.forWindows && spanOk, value };
}

/** Quiet windows a drift rule's streak looks back through at most. */
export const QUIET_LOOKBACK = 1000;

/**
 * The windows newest first from the one starting at `start` that the monitor's rules need to
 * decide (none before `since`, the watch's start). When a drift rule holds at the newest window
 * and quiet windows stand in its streak, it reads further back past them, up to QUIET_LOOKBACK.
 */
export async function ruleHistory(config: MonitorConfig, list: (startAtMost: number, limit: number) => Promise<WindowResult[]>, start: number, since: number): Promise<WindowResult[]> {
  const need = Math.max(...config.rules.map((r) => windowsNeeded(r, config.window.slideMs)));
  const read = async (startAtMost: number, limit: number): Promise<WindowResult[]> => (await list(startAtMost, limit)).filter((w) => w.start >= since);
  const history = await read(start, need);
  const driftRules = config.rules.filter((r) => isDriftMetric(r.metric) && checkRule(r, history.slice(0, 1)).holdsNow);
  let more = history.length === need;
  while (more && driftRules.length > 0 && history.length < need + QUIET_LOOKBACK && history.filter((w) => !isQuiet(w, config.minRows)).length < need) {
    const limit = Math.min(100, need + QUIET_LOOKBACK - history.length);
    const page = await read(history[history.length - 1]!.start - 1, limit);
    history.push(...page);
    more = page.length === limit;
  }
  return history;
}

/** How many newest windows a rule needs to see to decide. */
export function windowsNeeded(rule: AlertRule, slideMs: number): number {
  return Math.max(rule.forWindows, rule.forMs !== undefined ? Math.ceil(rule.forMs / slideMs) + 1 : 1);
}
