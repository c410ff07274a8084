import { describe, expect, it } from 'vitest';
import { shown } from './data-output.js';

describe('shown', () => {
  it('prints a timestamp statistic with microseconds before 1970 at its own millisecond', () => {
    // 1969-12-31 23:59:59.999999 and 1900-01-01 00:00:00.000001 as the statistics hold them (epoch µs / 1000).
    expect(shown({ type: 'timestamp' }, -0.001)).toBe('1969-12-31T23:59:59.999Z');
    expect(shown({ type: 'timestamp' }, -2208988799999.999)).toBe('1900-01-01T00:00:00Z');
    expect(shown({ type: 'timestamp' }, 1704164645123.456)).toBe('2024-01-02T03:04:05.123Z');
    expect(shown({ type: 'float' }, -0.001)).toBe(-0.001);
  });
});
