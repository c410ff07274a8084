import type { Database } from '../storage/index.js';
import type { HistoryEntry, ModelLineage, ModelSignature, ModelStage, ModelVersion } from './types.js';

export type VersionRow = Database['model_versions'];
export type HistoryRow = Database['registry_history'];

/** JSON has no NaN or ±Infinity: they are stored as strings, as MLflow writes them. */
export function metricsToJson(metrics: Readonly<Record<string, number>>): string {
  return JSON.stringify(metrics, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

export function metricsFromJson(text: string): Record<string, number> {
  const raw = JSON.parse(text) as Record<string, number | string>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = typeof v === 'string' ? Number(v) : v;
  return out;
}

export function versionFromRow(row: VersionRow, tags: Readonly<Record<string, string>>, aliases: readonly string[]): ModelVersion {
  return {
    name: row.model_name,
    version: Number(row.version),
    artifactSha256: row.artifact_sha256,
    signature: JSON.parse(row.signature_json) as ModelSignature,
    metrics: metricsFromJson(row.metrics_json),
    lineage: JSON.parse(row.lineage_json) as ModelLineage,
    description: row.description,
    tags,
    aliases,
    stage: row.stage as ModelStage,
    status: 'READY',
    runId: row.run_id,
    source: row.source,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function historyFromRow(row: HistoryRow): HistoryEntry {
  const num = (v: string | null): number | null => (v === null ? null : Number(v));
  const base = { kind: row.kind, model: row.model_name, version: row.version === null ? null : Number(row.version), actor: row.actor, at: Number(row.at) };
  return row.kind === 'alias'
    ? { ...base, alias: row.alias ?? '', from: num(row.from_value), to: num(row.to_value) }
    : { ...base, from: row.from_value, to: row.to_value };
}
