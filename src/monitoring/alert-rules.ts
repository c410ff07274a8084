import type { AlertRule, Comparison, WindowResult } from './types.js';

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

/**
 * Checks a rule against windows given newest first (consecutive: every window of the monitor is
 * stored, empty ones too). A window without the metric (no traffic, no labels yet) breaks a
 * streak: no evidence is not evidence of a problem.
 */
export function checkRule(rule: AlertRule, newestFirst: readonly WindowResult[]): RuleCheck {
  const holds = (w: WindowResult): boolean => {
    const v = w.metrics[rule.metric];
    return typeof v === 'number' && !Number.isNaN(v) && compare(v, rule.op, rule.threshold);
  };
  const newest = newestFirst[0];
  const raw = newest?.metrics[rule.metric];
  // The value that fired the rule, Infinity too (a drift statistic of a category the reference never saw); NaN is none.
  const value = typeof raw === 'number' && !Number.isNaN(raw) ? raw : null;
  if (!newest || !holds(newest)) return { holdsNow: false, fires: false, value };
  let streak = 0;
  while (streak < newestFirst.length && holds(newestFirst[streak]!)) streak++;
  const oldest = newestFirst[streak - 1]!;
  const spanOk = rule.forMs === undefined || newest.end - oldest.start >= rule.forMs;
  return { holdsNow: true, fires: streak >= rule.forWindows && spanOk, value };
}

/** How many newest windows a rule needs to see to decide. */
export function windowsNeeded(rule: AlertRule, slideMs: number): number {
  return Math.max(rule.forWindows, rule.forMs !== undefined ? Math.ceil(rule.forMs / slideMs) + 1 : 1);
}
