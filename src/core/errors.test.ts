import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, KeelError } from './errors.js';

describe('KeelError', () => {
  it('maps codes to HTTP statuses and exit codes', () => {
    const e = new KeelError('NOT_FOUND', 'dataset x not found');
    expect(e.httpStatus).toBe(404);
    expect(e.exitCode).toBe(3);
    expect(new KeelError('INVALID_ARGUMENT', 'bad', { field: 'name' }).toJSON()).toEqual({ code: 'INVALID_ARGUMENT', message: 'bad', field: 'name' });
  });

  it('docs/errors.md lists every code (and no other)', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    const fix = 'update docs/errors.md: one row "| `CODE` | status | exit | description |" per code in src/core/errors.ts';
    expect(documented, fix).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
