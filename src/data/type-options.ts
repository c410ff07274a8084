/** Column types given to an add (the CLI's --type, the API's `types`, the SDK's `types`), parsed and checked. */
import { invalidArgument, LOGICAL_TYPES, splitList, type LogicalType } from '../core/index.js';

/** `zip=string,id=string`, or the items repeated (the CLI's --type and the API's `types`; a list as splitList reads it), as a record. */
export function parseTypeList(text: string | readonly string[], field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of splitList(text)) {
    const eq = part.lastIndexOf('=');
    if (eq <= 0 || eq === part.length - 1) throw invalidArgument(field, `expected COLUMN=TYPE, got '${part}'`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Given column types, checked: each a Keel logical type. */
export function resolveTypes(types: Readonly<Record<string, string>> | undefined): Map<string, LogicalType> {
  const out = new Map<string, LogicalType>();
  for (const [name, type] of Object.entries(types ?? {})) {
    if (!(LOGICAL_TYPES as readonly string[]).includes(type)) throw invalidArgument('types', `column '${name}': unknown type '${type}' (known: ${LOGICAL_TYPES.join(', ')})`);
    out.set(name, type as LogicalType);
  }
  return out;
}
