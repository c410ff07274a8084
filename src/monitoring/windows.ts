import type { WindowSpec } from './types.js';

export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

/** The earliest window start (origin + k·slide) whose window still contains `t`. */
export function firstWindowStartFor(spec: WindowSpec, t: number, originMs = 0): number {
  const k = Math.floor((t - spec.sizeMs - originMs) / spec.slideMs) + 1;
  return originMs + k * spec.slideMs;
}

/** The first window start (origin + k·slide) at or after `t`: where a monitor with a start begins. */
export function firstWindowStartAtOrAfter(spec: WindowSpec, t: number, originMs = 0): number {
  return originMs + Math.ceil((t - originMs) / spec.slideMs) * spec.slideMs;
}

/**
 * Windows that are complete at `now` (end + grace has passed), in order, starting at `from`
 * (a window start), at most `max` of them. A window is [start, start + size) in event time.
 */
export function completeWindows(spec: WindowSpec, from: number, now: number, max: number): WindowBounds[] {
  const out: WindowBounds[] = [];
  for (let start = from; out.length < max && start + spec.sizeMs + spec.graceMs <= now; start += spec.slideMs) {
    out.push({ start, end: start + spec.sizeMs });
  }
  return out;
}
