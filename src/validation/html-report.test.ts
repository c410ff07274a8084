import { describe, expect, it } from 'vitest';
import { makeTable } from '../core/index.js';
import { detectDrift } from './drift.js';
import { renderDriftHtml } from './html-report.js';

function ramp(n: number, shift: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n + shift);
}

describe('renderDriftHtml', () => {
  it('is self-contained and has a plot and a verdict per column', () => {
    const ref = makeTable([
      { name: 'amount', type: 'float', values: ramp(500, 0) },
      { name: 'stable', type: 'float', values: ramp(500, 0) },
      { name: 'country', type: 'string', codes: Int32Array.from({ length: 500 }, (_, i) => i % 3), dictionary: ['FR', 'DE', '<US>'] },
    ]);
    const cur = makeTable([
      { name: 'amount', type: 'float', values: ramp(400, 0.4) },
      { name: 'stable', type: 'float', values: ramp(400, 0) },
      { name: 'country', type: 'string', codes: Int32Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? 1 : 0)), dictionary: ['FR', 'DE', '<US>'] },
    ]);
    const drift = detectDrift(ref, cur, { distributions: true });
    const html = renderDriftHtml({ title: 'Drift', current: 'cur@1', reference: 'ref@1', drift, anomalies: [{ column: 'country', kind: 'new_values', severity: 'error', description: 'x', details: {} }] });
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    const sections = [...html.matchAll(/<section class="column" id="col-([^"]+)" data-verdict="(\w+)">[\s\S]*?<\/section>/g)];
    expect(sections.map((m) => [m[1], m[2]])).toEqual([['amount', 'drift'], ['stable', 'ok'], ['country', 'drift']]);
    for (const s of sections) expect(s[0]).toMatch(/<svg class="plot"[\s\S]*<rect/);
    expect(html).toContain('Dataset drift detected');
    expect(html).toContain('&lt;US&gt;');
    expect(html).toContain('<td>ks</td>');
    expect(html).toMatch(/id="anomalies"[\s\S]*new_values/);
  });
});
