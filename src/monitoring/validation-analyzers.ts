import type { Table } from '../core/index.js';
import type { DatasetVersion } from '../data/index.js';
import { computeReference, detectDrift, inferSchema, validateTable, type ReferenceStats, type Schema } from '../validation/index.js';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/index.js';
import { MonitorStore } from './monitor-store.js';
import type { AnomalyLike, DriftReportLike, MonitorAnalyzers } from './types.js';

export interface ValidationAnalyzersDeps {
  readonly db: Kysely<Database>;
  readonly datasets: { get(ref: string): Promise<DatasetVersion>; loadTable(ref: string, options?: { largeInts?: 'nearest' }): Promise<Table> };
  /** Registry lineage: the datasets a model version was trained on. */
  readonly registry?: { getModelVersion(name: string, version: number): Promise<{ readonly lineage: { readonly datasetVersions?: readonly string[] } }> };
  /**
   * validation's service: its stored reference statistics (one copy per dataset version for the
   * whole platform) and the dataset's saved, user-edited schema. Without it, statistics are kept
   * in `monitor_references` and the schema is inferred from the version's profile.
   */
  readonly validation?: {
    referenceFor(ref: string): Promise<ReferenceStats>;
    getSchema?(dataset: string): Promise<{ readonly schema: Schema }>;
  };
  readonly now?: () => number;
}

/**
 * The monitor's analyzers on validation/: Evidently-default drift tests against reference
 * statistics that are computed once per dataset version and kept in `monitor_references`, and
 * schema checks against a schema inferred from the version's stored profile.
 */
export function validationAnalyzers(deps: ValidationAnalyzersDeps): MonitorAnalyzers {
  const store = new MonitorStore(deps.db);
  const schemas = new Map<string, Promise<Schema>>();
  const canonical = async (ref: string): Promise<string> => {
    const v = await deps.datasets.get(ref);
    return `${v.name}@${v.version}`;
  };
  return {
    async referenceFor(ref) {
      if (deps.validation) return deps.validation.referenceFor(ref);
      // `name@latest` resolves to one version first, so the stored statistics are per version.
      const key = await canonical(ref);
      const stored = await store.getReference(key);
      if (stored) return JSON.parse(stored) as ReferenceStats;
      const stats = computeReference(await deps.datasets.loadTable(key, { largeInts: 'nearest' }));
      // Exact sorted values are a Float64Array in memory; stored as a plain array.
      const json = JSON.stringify(stats, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));
      await store.putReference(key, json, (deps.now ?? Date.now)());
      return JSON.parse(json) as ReferenceStats;
    },
    detectDrift(reference, current): DriftReportLike {
      return detectDrift(reference as ReferenceStats | Table, current);
    },
    async validate(ref, current): Promise<readonly AnomalyLike[]> {
      let schema = schemas.get(ref);
      if (!schema) {
        schema = deps.datasets.get(ref).then(async (v) => {
          // The user's saved schema wins over one inferred from the profile.
          const saved = await deps.validation?.getSchema?.(v.name).catch(() => undefined);
          return saved ? saved.schema : inferSchema(v);
        });
        schemas.set(ref, schema);
        schema.catch(() => schemas.delete(ref));
      }
      const full = await schema;
      // Live inputs never carry the training target: only columns the traffic has are checked
      // (features that stop arriving show up as missing rates instead).
      const present = new Set(current.columns.map((c) => c.name));
      const report = validateTable({ ...full, columns: full.columns.filter((c) => present.has(c.name)) }, current);
      return report.anomalies.map((a) => ({ column: a.column, kind: a.kind, severity: a.severity, description: a.description }));
    },
    ...(deps.registry
      ? {
          async trainingDataset(name: string, version: number) {
            const mv = await deps.registry!.getModelVersion(name, version);
            return mv.lineage.datasetVersions?.[0];
          },
        }
      : {}),
  };
}
