import { invalidArgument, isValidName } from '../core/index.js';

/** `name` (the latest version) or `name@version`; `name@latest` is the same as `name`. */
export interface DatasetRef {
  readonly name: string;
  /** Undefined means the latest version. */
  readonly version: string | undefined;
}

const VERSION_RE = /^[0-9a-f]{12}$/;

export function assertDatasetName(name: string, field = 'name'): void {
  if (!isValidName(name)) {
    throw invalidArgument(field, `invalid dataset name '${name}': use letters, digits, '.', '_' and '-' (no path characters, at most 128)`);
  }
}

export function assertVersion(version: string, field = 'version'): void {
  if (!VERSION_RE.test(version)) throw invalidArgument(field, `invalid dataset version '${version}': expected 12 hex characters or 'latest'`);
}

export function parseDatasetRef(ref: string, field = 'ref'): DatasetRef {
  const at = ref.indexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? undefined : ref.slice(at + 1);
  assertDatasetName(name, field);
  if (version === undefined || version === 'latest') return { name, version: undefined };
  assertVersion(version, field);
  return { name, version };
}

export const formatDatasetRef = (ref: DatasetRef): string => (ref.version ? `${ref.name}@${ref.version}` : ref.name);
