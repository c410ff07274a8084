import { invalidArgument, isValidName } from '../core/index.js';

/**
 * `name` (the latest version) or `name@version`; `name@latest` is the same as `name`. A version may
 * also be given as the start of its id (4 to 11 hex characters, as git takes a commit's), or as
 * `latest~N`, the Nth version before the latest (in the order they were added).
 */
export interface DatasetRef {
  readonly name: string;
  /** Undefined means the latest version (or, with `back`, the one `back` versions before it). */
  readonly version: string | undefined;
  /** The start of a version id, for the one version whose id starts with it. */
  readonly prefix?: string;
  /** `latest~N`: N versions before the latest (1: the one before it). */
  readonly back?: number;
}

const VERSION_RE = /^[0-9a-f]{12}$/;
const PREFIX_RE = /^[0-9a-f]{4,11}$/;
const BACK_RE = /^latest~([0-9]{1,6})$/;

export function assertDatasetName(name: string, field = 'name'): void {
  if (!isValidName(name)) {
    throw invalidArgument(field, `invalid dataset name '${name}': use letters, digits, '.', '_' and '-' (no path characters, at most 128)`);
  }
}

export function assertVersion(version: string, field = 'version'): void {
  if (!VERSION_RE.test(version)) throw invalidArgument(field, `invalid dataset version '${version}': expected 12 hex characters (or the first 4 or more of them), 'latest' or 'latest~N'`);
}

export function parseDatasetRef(ref: string, field = 'ref'): DatasetRef {
  const at = ref.indexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? undefined : ref.slice(at + 1);
  assertDatasetName(name, field);
  if (version === undefined || version === 'latest') return { name, version: undefined };
  const back = BACK_RE.exec(version);
  if (back) return Number(back[1]) === 0 ? { name, version: undefined } : { name, version: undefined, back: Number(back[1]) };
  if (PREFIX_RE.test(version)) return { name, version: undefined, prefix: version };
  assertVersion(version, field);
  return { name, version };
}

export const formatDatasetRef = (ref: DatasetRef): string =>
  ref.version ? `${ref.name}@${ref.version}` : ref.prefix ? `${ref.name}@${ref.prefix}` : ref.back ? `${ref.name}@latest~${ref.back}` : ref.name;
