/**
 * A self-contained HTML drift report: inline CSS and inline SVG, no scripts, no external
 * resources, so it opens from a file, an email attachment or a CI artifact alike.
 */
import type { ColumnDrift, Distribution, DriftReport } from './drift.js';
import type { Anomaly } from './validate-table.js';

export interface HtmlReportInput {
  readonly title: string;
  /** e.g. "credit@3f2a9c1d0e4b". */
  readonly current: string;
  readonly reference: string;
  readonly drift: DriftReport;
  readonly anomalies?: readonly Anomaly[];
  readonly generatedAt?: number;
}

const REF_COLOR = '#4c78a8';
const CUR_COLOR = '#f58518';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const num = (v: number | undefined): string =>
  v === undefined ? '—' : !Number.isFinite(v) ? String(v) : Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential(3) : v.toFixed(4);

export function renderDriftHtml(input: HtmlReportInput): string {
  const { drift } = input;
  const drifted = drift.columns.filter((c) => c.drifted).length;
  const errors = input.anomalies?.filter((a) => a.severity === 'error').length ?? 0;
  const warnings = (input.anomalies?.length ?? 0) - errors;
  const verdict = drift.datasetDrift ? 'Dataset drift detected' : 'No dataset drift';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:20px}header p{margin:0;color:#c9cfdb}
main{padding:20px 28px;max-width:1200px}
.summary{display:flex;gap:14px;flex-wrap:wrap;margin-bottom:18px}
.card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:150px}
.card b{display:block;font-size:22px}.bad b{color:#c62828}.good b{color:#2e7d32}
table{border-collapse:collapse;width:100%;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.08);margin-bottom:20px}
th,td{padding:6px 10px;text-align:left;border-bottom:1px solid #eceef2}th{background:#eef0f4;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.tag{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.tag.drift,.tag.error{background:#fde2e1;color:#b71c1c}.tag.ok{background:#e3f4e4;color:#1b5e20}.tag.warning{background:#fff4d6;color:#8a6100}
.columns{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}
.column{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.column h3{margin:0 0 6px;font-size:16px}.column .meta{color:#566;font-size:13px;margin-bottom:6px}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}
svg text{font:10px system-ui,sans-serif;fill:#445}
</style></head><body>
<header><h1>${esc(input.title)}</h1><p>current <b>${esc(input.current)}</b> vs reference <b>${esc(input.reference)}</b>${input.generatedAt ? ` · ${esc(new Date(input.generatedAt).toISOString())}` : ''}</p></header>
<main>
<section class="summary">
<div class="card ${drift.datasetDrift ? 'bad' : 'good'}" id="dataset-verdict"><b>${verdict}</b>${drifted} of ${drift.columns.length} columns drifted (${(drift.driftedShare * 100).toFixed(1)}%, threshold ${(drift.datasetDriftShare * 100).toFixed(0)}%)</div>
${input.anomalies ? `<div class="card ${errors ? 'bad' : 'good'}"><b>${errors} error${errors === 1 ? '' : 's'}</b>${warnings} warning${warnings === 1 ? '' : 's'} in schema validation</div>` : ''}
</section>
${input.anomalies && input.anomalies.length ? anomalyTable(input.anomalies) : ''}
<h2>Columns</h2>
${summaryTable(drift.columns)}
${drift.skipped.length ? `<p>Not compared: ${drift.skipped.map((s) => `${esc(s.column)} (${esc(s.reason)})`).join(', ')}</p>` : ''}
<div class="columns">
${drift.columns.map(columnSection).join('\n')}
</div>
</main></body></html>
`;
}

function anomalyTable(anomalies: readonly Anomaly[]): string {
  const rows = anomalies.map((a) => `<tr><td>${esc(a.column)}</td><td>${esc(a.kind)}</td><td><span class="tag ${a.severity}">${a.severity}</span></td><td>${esc(a.description)}</td></tr>`);
  return `<h2>Anomalies</h2><table id="anomalies"><tr><th>Column</th><th>Kind</th><th>Severity</th><th>Description</th></tr>${rows.join('')}</table>`;
}

function summaryTable(columns: readonly ColumnDrift[]): string {
  const rows = columns.map((c) => `<tr><td><a href="#col-${esc(c.column)}">${esc(c.column)}</a></td><td>${esc(c.type)}</td><td>${c.test}</td><td class="n">${num(c.statistic)}</td><td class="n">${num(c.pValue)}</td><td class="n">${c.pValue === undefined ? '≥ ' : 'p < '}${c.threshold}</td><td>${tag(c)}</td></tr>`);
  return `<table id="drift-summary"><tr><th>Column</th><th>Type</th><th>Test</th><th>Statistic</th><th>p-value</th><th>Drift when</th><th>Verdict</th></tr>${rows.join('')}</table>`;
}

const tag = (c: ColumnDrift): string => (c.drifted ? '<span class="tag drift">Drift</span>' : '<span class="tag ok">No drift</span>');

function columnSection(c: ColumnDrift): string {
  const stat = c.pValue === undefined ? `${c.test} = ${num(c.statistic)} (drift when ≥ ${c.threshold})` : `${c.test} statistic ${num(c.statistic)}, p = ${num(c.pValue)} (drift when p < ${c.threshold})`;
  return `<section class="column" id="col-${esc(c.column)}" data-verdict="${c.drifted ? 'drift' : 'ok'}">
<h3>${esc(c.column)} ${tag(c)}</h3>
<div class="meta">${esc(c.type)} · ${esc(stat)} · reference ${c.referenceSize} values, current ${c.currentSize}</div>
<div class="legend"><span style="background:${REF_COLOR}"></span>reference<span style="background:${CUR_COLOR}"></span>current</div>
${c.distribution ? plot(c.distribution) : '<p>(no distribution data)</p>'}
</section>`;
}

/** Overlaid histograms (numeric) or side-by-side bars (categorical), shares of non-missing rows. */
export function plot(d: Distribution): string {
  const W = 500, H = 200, left = 40, bottom = 40, top = 8;
  const n = d.labels.length;
  const maxShare = Math.max(1e-12, ...d.reference, ...d.current);
  const plotW = W - left - 8, plotH = H - top - bottom;
  const bw = plotW / Math.max(1, n);
  const y = (v: number) => top + plotH - (v / maxShare) * plotH;
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = left + i * bw;
    const r = d.reference[i]!, c = d.current[i]!;
    const tip = `${d.labels[i]}: reference ${(r * 100).toFixed(2)}%, current ${(c * 100).toFixed(2)}%`;
    if (d.edges) {
      bars.push(`<g><title>${esc(tip)}</title><rect x="${f(x0)}" y="${f(y(r))}" width="${f(bw)}" height="${f(top + plotH - y(r))}" fill="${REF_COLOR}" fill-opacity="0.55"/><rect x="${f(x0)}" y="${f(y(c))}" width="${f(bw)}" height="${f(top + plotH - y(c))}" fill="${CUR_COLOR}" fill-opacity="0.55"/></g>`);
    } else {
      const w = Math.max(1, bw * 0.4);
      bars.push(`<g><title>${esc(tip)}</title><rect x="${f(x0 + bw * 0.1)}" y="${f(y(r))}" width="${f(w)}" height="${f(top + plotH - y(r))}" fill="${REF_COLOR}"/><rect x="${f(x0 + bw * 0.5)}" y="${f(y(c))}" width="${f(w)}" height="${f(top + plotH - y(c))}" fill="${CUR_COLOR}"/></g>`);
    }
  }
  const ticks: string[] = [];
  const every = Math.max(1, Math.ceil(n / (d.edges ? 6 : 12)));
  for (let i = 0; i < n; i += every) {
    const label = d.edges ? fmtEdge(d.edges[i]!) : truncate(d.labels[i]!, 10);
    const x = d.edges ? left + i * bw : left + (i + 0.5) * bw;
    ticks.push(`<text x="${f(x)}" y="${H - bottom + 14}" text-anchor="${d.edges ? 'start' : 'middle'}">${esc(label)}</text>`);
  }
  const yTicks = [0, 0.5, 1].map((t) => `<text x="${left - 4}" y="${f(y(t * maxShare) + 3)}" text-anchor="end">${(t * maxShare * 100).toFixed(maxShare < 0.1 ? 1 : 0)}%</text>`);
  return `<svg class="plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img">
<line x1="${left}" y1="${top + plotH}" x2="${W - 8}" y2="${top + plotH}" stroke="#99a"/><line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#99a"/>
${bars.join('')}${ticks.join('')}${yTicks.join('')}</svg>`;
}

const f = (v: number): string => (Math.round(v * 10) / 10).toString();
const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const fmtEdge = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : v.toPrecision(3));
