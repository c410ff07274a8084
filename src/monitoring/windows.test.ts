import { describe, expect, it } from 'vitest';
import { parseDuration, parseMonitorConfig, parseWindow } from './monitor-config.js';
import { completeWindows, firstWindowStartFor } from './windows.js';
import { checkRule } from './alert-rules.js';
import { parseTrainOutput } from './retrain-command.js';
import type { WindowResult } from './types.js';

describe('windows', () => {
  it('tumbling windows start at multiples of the size and wait for the grace period', () => {
    const spec = parseWindow({ type: 'tumbling', size: '10s', grace: '2s' });
    expect(firstWindowStartFor(spec, 25_000)).toBe(20_000);
    expect(completeWindows(spec, 20_000, 41_999, 10)).toEqual([{ start: 20_000, end: 30_000 }]);
    expect(completeWindows(spec, 20_000, 42_000, 10)).toEqual([{ start: 20_000, end: 30_000 }, { start: 30_000, end: 40_000 }]);
  });
  it('sliding windows start at the earliest window still holding the first record', () => {
    const spec = parseWindow({ type: 'sliding', size: '10s', slide: '4s' });
    expect(firstWindowStartFor(spec, 25_000)).toBe(16_000);
    expect(completeWindows(spec, 16_000, 34_000, 10).map((w) => w.start)).toEqual([16_000, 20_000, 24_000]);
    expect(firstWindowStartFor(spec, 25_000, 1_000)).toBe(17_000);
  });
  it('parses durations and names the field of a bad value', () => {
    expect(parseDuration('15m', 'x')).toBe(900_000);
    expect(parseDuration(250, 'x')).toBe(250);
    expect(() => parseWindow({ type: 'sliding', size: '1m', slide: '2m' })).toThrow(/window.slide/);
    expect(() => parseMonitorConfig({ name: 'a', deployment: 'd', colour: 1 })).toThrow(/colour: unknown key/);
  });
});

const win = (start: number, value: number | undefined): WindowResult => ({
  monitor: 'm', start, end: start + 10, evaluatedAt: 0, count: 1, lateCount: 0, labeledCount: 0,
  metrics: value === undefined ? {} : { 'drift.share': value }, details: { models: {}, missingRates: {}, notes: [] },
});

describe('alert rule duration', () => {
  const rule = parseMonitorConfig({ name: 'm', deployment: 'd', rules: [{ metric: 'drift.share', op: '>', threshold: 0.3, forWindows: 3 }] }).rules[0]!;
  it('fires only after N consecutive windows hold', () => {
    expect(checkRule(rule, [win(30, 0.5), win(20, 0.5), win(10, 0.1)])).toMatchObject({ holdsNow: true, fires: false, value: 0.5 });
    expect(checkRule(rule, [win(30, 0.5), win(20, 0.5), win(10, 0.4)]).fires).toBe(true);
  });
  it('treats a window without the metric as not holding', () => {
    expect(checkRule(rule, [win(30, 0.5), win(20, undefined), win(10, 0.4)]).fires).toBe(false);
  });
  it('skips a quiet window (fewer served than minRows) in a drift rule\'s streak, also one stored before windows said so', () => {
    const quiet = (start: number, count: number, errorRate?: number, flag?: boolean): WindowResult => ({
      ...win(start, undefined), count, metrics: errorRate === undefined ? {} : { error_rate: errorRate }, details: { models: {}, missingRates: {}, notes: [], ...(flag === undefined ? {} : { quiet: flag }) },
    });
    const two = { ...rule, forWindows: 2 };
    expect(checkRule(two, [win(30, 0.5), quiet(20, 5, undefined, true), win(10, 0.4)], 30).fires).toBe(true);
    // Not quiet by its own word: the missing metric breaks the streak.
    expect(checkRule(two, [win(30, 0.5), quiet(20, 5, undefined, false), win(10, 0.4)], 30).fires).toBe(false);
    // Without the flag: 40 requests of which a quarter failed are 30 served, not quiet for 30; 40 - 11 are.
    expect(checkRule(two, [win(30, 0.5), quiet(20, 40, 0.25), win(10, 0.4)], 30).fires).toBe(false);
    expect(checkRule(two, [win(30, 0.5), quiet(20, 40, 11 / 40), win(10, 0.4)], 30).fires).toBe(true);
    // A quiet newest window neither holds nor resolves, and a quiet window is not a holding one.
    expect(checkRule(two, [quiet(30, 0, undefined, true), win(20, 0.5), win(10, 0.5)], 30)).toMatchObject({ holdsNow: false, value: null });
    expect(checkRule(two, [win(30, 0.5), quiet(20, 0, undefined, true)], 30).fires).toBe(false);
    // A rule on another metric judges the quiet window on it.
    const errors = { ...two, metric: 'error_rate', op: '<' as const, threshold: 0.5 };
    expect(checkRule(errors, [quiet(30, 40, 0.1, true), quiet(20, 0, undefined, true), quiet(10, 40, 0.1, true)], 30).fires).toBe(false);
  });
  it('a duration in ms is measured over event time', () => {
    const timed = { ...rule, forWindows: 1, forMs: 20 };
    expect(checkRule(timed, [win(20, 0.5), win(10, 0.5)]).fires).toBe(true);
    expect(checkRule(timed, [win(20, 0.5), win(10, 0.1)]).fires).toBe(false);
  });
});

describe('retraining output', () => {
  it('reads run and model version from `keel train --json` output', () => {
    expect(parseTrainOutput('training...\n{"runId":"abc","modelVersion":{"name":"fraud","version":3}}\n')).toEqual({ runId: 'abc', modelName: 'fraud', modelVersion: 3 });
    expect(parseTrainOutput('no json here')).toEqual({ runId: null, modelName: null, modelVersion: null });
  });
});
