/** The params a training run records: the request, the data, the split, and the model's own params. */
import type { TrainingPlan } from './training-plan.js';
import type { KeyValue } from './types.js';

export function runParams(plan: TrainingPlan): KeyValue[] {
  const s = plan.split.summary;
  const time = (v: number | undefined): string | undefined =>
    v === undefined ? undefined : plan.timeColumnType === 'timestamp' ? new Date(v).toISOString() : String(v);
  const own: Record<string, string | number | undefined> = {
    dataset: plan.datasetRef,
    target: plan.req.target,
    model: plan.req.model,
    task: plan.task,
    seed: plan.req.seed,
    'features.count': plan.featureNames.length,
    'data.rows': plan.datasetRows,
    'data.dropped_missing_target': plan.droppedRows,
    'classes.count': plan.classes?.length,
    'split.kind': s.kind,
    'split.seed': s.seed,
    'split.valid_fraction': s.validFraction,
    'split.test_fraction': s.testFraction,
    'split.train_rows': s.trainRows,
    'split.valid_rows': s.validRows,
    'split.test_rows': s.testRows,
    'split.time_column': s.timeColumn,
    'split.train_end': time(s.trainEnd),
    'split.valid_end': time(s.validEnd),
  };
  const params: KeyValue[] = Object.entries(own).filter(([, v]) => v !== undefined).map(([key, v]) => ({ key, value: String(v) }));
  // The model kind's params with their defaults filled in, under their own names (as MLflow
  // autologging does); one that shares a name with the trainer's gets a `model.` prefix.
  const taken = new Set(params.map((p) => p.key));
  const parsed = plan.req.params;
  if (typeof parsed === 'object' && parsed !== null) {
    for (const [k, v] of Object.entries(parsed)) {
      if (v === undefined || typeof v === 'function') continue;
      params.push({ key: taken.has(k) ? `model.${k}` : k, value: typeof v === 'object' ? JSON.stringify(v) : String(v) });
    }
  }
  return params;
}
