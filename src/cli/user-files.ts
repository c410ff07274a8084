/** Files the user names on the command line (`--file`, `--schema`, an argument), read the same way everywhere. */
import { readFile } from 'node:fs/promises';
import { invalidArgument, isKeelError, unreadableFile } from '../core/index.js';
import { decodeModel } from '../onnx/index.js';

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

/**
 * The bytes of an ONNX file (`keel models inspect FILE`, `models register NAME FILE`); an
 * INVALID_ARGUMENT naming `field` and the file when it cannot be read or is not an ONNX model,
 * where the decoder's own error named `onnx` (or the registry's `source.onnx`), which the user never typed.
 */
export async function readOnnxFile(path: string, field: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw unreadableFile(`'${path}'`, e, field);
  }
  try {
    decodeModel(bytes);
  } catch (e) {
    if (!isKeelError(e) || e.code !== 'INVALID_ARGUMENT') throw e;
    const why = /\((.*)\)$/.exec(e.message)?.[1];
    throw invalidArgument(field, `'${path}' is not an ONNX model${why ? ` (${why})` : ''}`, e);
  }
  return bytes;
}
