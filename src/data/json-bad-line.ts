/**
 * The line of an NDJSON file that is not valid JSON. DuckDB names the line its parser stopped
 * at, which is the next one when a line leaves an object open (`{"a":2` then `{"a":3}`: line 3),
 * and one past the end when the last line does; Keel reads the lines up to there and names the
 * first that does not parse.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { KeelError } from '../core/index.js';
import { rewritten } from './advice-error.js';

/** The first line from `reported - 1` on (1-based) that is neither blank nor valid JSON, up to `reported`; undefined when all parse. */
export async function badJsonLine(file: string, reported: number): Promise<number | undefined> {
  const raw = createReadStream(file);
  const lines = createInterface({ input: /\.gz$/i.test(file) ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (n < reported - 1) continue;
      if (n > reported) break;
      if (line.trim() === '') continue;
      try {
        JSON.parse(line);
      } catch {
        return n;
      }
    }
  } finally {
    lines.close();
    raw.destroy();
  }
  return undefined;
}

/** sourceError's message of a malformed NDJSON line (source-sql.ts), with DuckDB's line. */
const MALFORMED = /^(file: '.*?' is not valid JSON at) line (\d+) \(or the line before it[^)]*\)(: .*)$/s;

/** `e` (sourceError's) with the line of `file` that does not parse, where DuckDB named the one after it; `e` itself otherwise. */
export async function withBadLine(e: KeelError, files: readonly string[]): Promise<KeelError> {
  const m = MALFORMED.exec(e.message);
  if (!m || files.length !== 1) return e;
  const line = await badJsonLine(files[0]!, Number(m[2])).catch(() => undefined);
  return line === undefined ? e : rewritten(e, () => `${m[1]} line ${line}${m[3]}`);
}
