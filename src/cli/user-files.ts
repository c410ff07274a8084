/** Files the user names on the command line (`--file`, `--schema`, an argument), read the same way everywhere. */
import { readFile } from 'node:fs/promises';
import { invalidArgument, unreadableFile } from '../core/index.js';

/** The text of `path`, or an INVALID_ARGUMENT naming `field` that says why it cannot be read. */
export function readUserFile(path: string, field: string): Promise<string> {
  return readFile(path, 'utf8').catch((e: unknown) => {
    throw unreadableFile(`'${path}'`, e, field);
  });
}

/** `path` parsed as JSON; an INVALID_ARGUMENT naming `field` when it cannot be read or is not JSON. */
export async function readJsonFile(path: string, field: string): Promise<unknown> {
  const text = await readUserFile(path, field);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw invalidArgument(field, `'${path}' is not JSON: ${(e as Error).message}`, e);
  }
}
