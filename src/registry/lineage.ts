import { invalidArgument, lookupFor } from '../core/index.js';
import type { DatasetLookup, ModelLineage } from './types.js';

/** The lineage given to createModelVersion, checked; the copy keeps only the known fields, so nothing else reaches lineage_json. */
export function checkLineage(lineage: ModelLineage | undefined): ModelLineage {
  if (lineage === undefined) return {};
  if (typeof lineage !== 'object' || lineage === null) throw invalidArgument('lineage', 'expected { runId?, datasetVersions?, codeVersion? }');
  const out: { runId?: string; datasetVersions?: string[]; codeVersion?: string } = {};
  if (lineage.runId !== undefined) {
    if (typeof lineage.runId !== 'string' || lineage.runId.length === 0 || lineage.runId.length > 64) throw invalidArgument('lineage.runId', 'expected a run id');
    out.runId = lineage.runId;
  }
  if (lineage.datasetVersions !== undefined) {
    if (!Array.isArray(lineage.datasetVersions) || !lineage.datasetVersions.every((d) => typeof d === 'string' && d.length > 0 && d.length <= 256)) {
      throw invalidArgument('lineage.datasetVersions', "expected dataset version references such as 'name@version'");
    }
    out.datasetVersions = [...lineage.datasetVersions];
  }
  if (lineage.codeVersion !== undefined) {
    if (typeof lineage.codeVersion !== 'string' || lineage.codeVersion.length > 256) throw invalidArgument('lineage.codeVersion', 'expected a string (e.g. a git commit)');
    out.codeVersion = lineage.codeVersion;
  }
  return out;
}


/**
 * Lineage names the data a model was trained on: each dataset version must exist (an unknown one is
 * NOT_FOUND, a malformed ref INVALID_ARGUMENT, naming `lineage.datasetVersions[i]`), else the model
 * points at data that nobody can find again. Each is recorded as `name@version`, the full id: a
 * ref such as `fraud`, `fraud@latest~1` or `fraud@0843` names another version once more are added.
 */
export async function pinLineageDatasets(lineage: ModelLineage, datasets: DatasetLookup | undefined): Promise<ModelLineage> {
  if (!datasets || !lineage.datasetVersions) return lineage;
  const pinned: string[] = [];
  for (const [i, ref] of lineage.datasetVersions.entries()) {
    const field = `lineage.datasetVersions[${i}]`;
    const v = await lookupFor(field, () => datasets.get(ref, field));
    pinned.push(`${v.name}@${v.version}`);
  }
  return { ...lineage, datasetVersions: pinned };
}
