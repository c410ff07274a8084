import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCell, progressBar, renderTable } from './output.js';

describe('terminal output', () => {
  afterEach(() => vi.restoreAllMocks());

  it('draws a progress bar with the step, whole counts and an end line', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => written.push(String(s)) > 0);
    const bar = progressBar({ force: true });
    bar.update({ task: 'ingest', done: 37.6, total: 100, message: 'reading' });
    bar.done();
    expect(written[0]).toMatch(/^\ringest reading \[#{11}\.{19}\] 37\/100 \d+\.\ds eta /);
    expect(written.at(-1)).toBe('\n');
  });

  it('formats cells and aligns numbers right', () => {
    expect([formatCell(1.23456789), formatCell(5e-5), formatCell(null), formatCell(12)]).toEqual(['1.2346', '5.000e-5', '', '12']);
    expect(renderTable([{ a: 'x', n: 5 }, { a: 'yy', n: 123 }])).toBe('A     N\nx     5\nyy  123');
  });
});
