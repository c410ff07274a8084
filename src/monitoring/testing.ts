import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Table } from '../core/index.js';
import type { DriftReportLike, MonitorAnalyzers } from './types.js';
import type { PredictionRecord } from './prediction-log.js';
import { verifyWebhookSignature } from './webhook.js';

/** A prediction record for tests and examples, with defaults for what a test does not care about. */
export function makePrediction(over: Partial<PredictionRecord> & { requestId: string }): PredictionRecord {
  return {
    timestamp: 1_700_000_000_000,
    modelName: 'm',
    modelVersion: 1,
    deployment: 'd',
    variant: null,
    inputs: { x: 1 },
    outputs: { prediction: 0 },
    latencyMs: 1,
    ...over,
  };
}

/**
 * A stand-in for validation's drift detector in tests: a numeric column drifts when its mean
 * moved by more than `threshold` reference standard deviations. Good enough to drive windows and
 * alerts; the real tests live in validation/.
 */
export function meanShiftAnalyzers(references: Readonly<Record<string, Table>>, threshold = 1): MonitorAnalyzers & { referenceCalls: string[] } {
  const referenceCalls: string[] = [];
  const stats = (t: Table): Record<string, { mean: number; std: number }> => {
    const out: Record<string, { mean: number; std: number }> = {};
    for (const c of t.columns) {
      if (c.type === 'string') continue;
      const v = [...c.values].filter((x) => !Number.isNaN(x));
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      out[c.name] = { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1)) || 1 };
    }
    return out;
  };
  return {
    referenceCalls,
    async referenceFor(ref) {
      referenceCalls.push(ref);
      const t = references[ref];
      if (!t) throw new Error(`no dataset ${ref}`);
      return stats(t);
    },
    detectDrift(reference, current): DriftReportLike {
      const ref = isTable(reference) ? stats(reference) : (reference as Record<string, { mean: number; std: number }>);
      const cur = stats(current);
      const columns = Object.keys(cur).filter((k) => ref[k]).map((k) => {
        const statistic = Math.abs(cur[k]!.mean - ref[k]!.mean) / ref[k]!.std;
        return { column: k, test: 'mean_shift', statistic, threshold, drifted: statistic > threshold };
      });
      const share = columns.length ? columns.filter((c) => c.drifted).length / columns.length : 0;
      return { columns, driftedShare: share, datasetDrift: share >= 0.5 };
    },
  };
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && 'numRows' in v && 'columns' in v && Array.isArray((v as Table).columns);
}

export interface WebhookReceiver {
  readonly server: Server;
  readonly url: string;
  /** Every request, retries included: the raw body, the headers and whether the signature held. */
  readonly received: { body: string; headers: Record<string, string | string[] | undefined>; valid: boolean }[];
}

/** A local HTTP server taking webhooks: a valid signature gets `status` (204), any other 401. */
export function startWebhookReceiver(secret: string, status = 204): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const valid = verifyWebhookSignature({ secret, body, signature: req.headers['x-keel-signature'] as string, timestamp: req.headers['x-keel-timestamp'] as string, now: JSON.parse(body).timestamp });
      received.push({ body, headers: req.headers, valid });
      res.statusCode = valid ? status : 401;
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received })));
}
