/** The AST of MLflow's search filter language: a conjunction of comparisons. */
export type EntityType = 'metric' | 'param' | 'tag' | 'attribute';

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

export interface Comparison {
  readonly type: EntityType;
  readonly key: string;
  readonly comparator: Comparator;
  /** A number for metrics and numeric attributes, a list for IN, null for IS [NOT] NULL. */
  readonly value: string | number | readonly string[] | null;
}

/** Comparisons joined by AND (MLflow's language has no OR). */
export type FilterAst = readonly Comparison[];

export interface OrderByClause {
  readonly type: EntityType;
  readonly key: string;
  readonly ascending: boolean;
}

/** Attributes a run filter may name; `created` is MLflow's alias of start_time. */
export const RUN_STRING_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage'] as const;
export const RUN_NUMERIC_ATTRIBUTES = ['start_time', 'end_time'] as const;
export const ATTRIBUTE_ALIASES: Readonly<Record<string, string>> = { created: 'start_time', Created: 'start_time', run_uuid: 'run_id' };
