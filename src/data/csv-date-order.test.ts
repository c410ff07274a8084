import { describe, expect, it } from 'vitest';
import { readsAs } from './csv-date-order.js';

describe('readsAs', () => {
  it('reads a date by its format only when its month and day exist (leap years by strptime’s %y)', () => {
    expect(readsAs('01/13/2024', '%m/%d/%Y')).toBe(true);
    expect(readsAs('01/13/2024', '%d/%m/%Y')).toBe(false);
    expect(readsAs('29/02/2024', '%d/%m/%Y')).toBe(true);
    expect(readsAs('29/02/2023', '%d/%m/%Y')).toBe(false);
    expect(readsAs('31/04/2024', '%d/%m/%Y')).toBe(false);
    // %y: 00-68 are 20xx (2024 a leap year), 69-99 19xx (1970 not one).
    expect(readsAs('02/29/24', '%m/%d/%y')).toBe(true);
    expect(readsAs('02/29/70', '%m/%d/%y')).toBe(false);
    expect(readsAs(' 13.01.2024 10:30 ', '%d.%m.%Y %H:%M')).toBe(true);
    // The shape is matched whole: no seconds where the format has none, no two-digit year for %Y.
    expect(readsAs('13.01.2024 10:30:00', '%d.%m.%Y %H:%M')).toBe(false);
    expect(readsAs('13/01/24', '%d/%m/%Y')).toBe(false);
    expect(readsAs('13-01-2024', '%d/%m/%Y')).toBe(false);
  });
});
