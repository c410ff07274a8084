/**
 * The keys of a JSON file's rows (the objects of an array, or of NDJSON lines), found by a scan of
 * its bytes in JS: no value is parsed, strings are skipped quote to quote (a `\` escapes the byte
 * after it) and nesting is counted by brackets, so that only the rows' own keys are read. A key
 * already met costs a hash and a compare of its bytes. About 0.25 s of CPU for a 500,000-line,
 * 84 MB file, on one thread, where DuckDB's read of every value took 0.4 s of CPU on two
 * (json-late-keys.ts runs it beside the read that stores the file).
 */
import { open } from 'node:fs/promises';

/** The scan's state between chunks: indices into an Int32Array (its loop keeps them in locals). */
const DEPTH = 0, IN_STRING = 1, ESCAPE = 2, IN_KEY = 3, EXPECT_KEY = 4, KEY_DEPTH = 5, KEY_START = 6, KEY_END = 7, KEY_ESCAPED = 8, HASH = 9;

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;

/** Bytes read at a time, into one buffer (fresh buffers per chunk cost 0.25 s of page faults on the first pass). */
const CHUNK = 1 << 20;

/** The keys met so far as bytes, in an open-addressed table by hash (the scan's fast path). */
class KeyTable {
  private slots = new Int32Array(64).fill(-1);
  private hashes: number[] = [];
  private bytes: Buffer[] = [];
  readonly names = new Set<string>();

  /** Whether b[from, to), of hash h, is a key met before, byte for byte. */
  has(b: Uint8Array, from: number, to: number, h: number): boolean {
    const len = to - from;
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const k = this.slots[s]!;
      if (k === -1) return false;
      if (this.hashes[k] !== h) continue;
      const key = this.bytes[k]!;
      if (key.length !== len) continue;
      let x = 0;
      while (x < len && key[x] === b[from + x]) x++;
      if (x === len) return true;
    }
  }

  /** Adds a key: `raw` its bytes as written, `name` its text (escapes decoded). */
  add(raw: Buffer, h: number, name: string): void {
    this.names.add(name);
    if (this.bytes.length * 2 >= this.slots.length) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 2).fill(-1);
      for (let k = 0; k < this.bytes.length; k++) this.place(k);
    }
    this.bytes.push(Buffer.from(raw));
    this.hashes.push(h);
    this.place(this.bytes.length - 1);
  }

  private place(k: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[k]! & mask;
    while (this.slots[s] !== -1) s = (s + 1) & mask;
    this.slots[s] = k;
  }
}

/** The hash of a key's bytes, as the scan computes it. */
const step = (h: number, c: number): number => (Math.imul(h, 31) + c) | 0;

/**
 * Scans b[from, n) on from `st`. Returns -1 at the chunk's end, or 1 at a row's key (its hash in
 * st[HASH]) that is not in `keys` (its bytes: the same bytes are the same key, escaped or not), at b[st[KEY_START], st[KEY_END]) (KEY_START -1: it began in
 * an earlier chunk), for the caller to add; the scan goes on from st[KEY_END] + 1. All in one
 * function, its state in locals: calls per key or per byte cost more than the scan.
 */
function scan(b: Uint8Array, from: number, n: number, st: Int32Array, keys: KeyTable): 1 | -1 {
  let depth = st[DEPTH]!, expectKey = st[EXPECT_KEY]!;
  const keyDepth = st[KEY_DEPTH]!;
  let i = from;
  if (st[IN_STRING] === 1) {
    // A string begun in an earlier chunk (a key's hash is then not kept: it goes the slow way).
    let escape = st[ESCAPE]!, escaped = st[KEY_ESCAPED]!;
    for (; i < n; i++) {
      const c = b[i]!;
      if (escape === 1) escape = 0;
      else if (c === BACKSLASH) escape = escaped = 1;
      else if (c === QUOTE) break;
    }
    st[ESCAPE] = escape;
    st[KEY_ESCAPED] = escaped;
    if (i === n) return -1;
    st[IN_STRING] = 0;
    if (st[IN_KEY] === 1) {
      st[IN_KEY] = 0;
      st[KEY_START] = -1;
      st[KEY_END] = i;
      return 1;
    }
    i++;
  }
  for (; i < n; i++) {
    const c = b[i]!;
    if (c === QUOTE) {
      let j = i + 1;
      if (expectKey === 1 && depth === keyDepth) {
        expectKey = 0;
        let h = 0, escaped = 0;
        for (; j < n; j++) {
          const d = b[j]!;
          if (d === QUOTE) break;
          if (d === BACKSLASH) {
            escaped = 1;
            if (++j === n) {
              st[ESCAPE] = 1;
              break;
            }
          }
          h = step(h, d);
        }
        if (j < n && keys.has(b, i + 1, j, h)) {
          i = j;
          continue;
        }
        st[DEPTH] = depth;
        st[EXPECT_KEY] = 0;
        st[KEY_ESCAPED] = escaped;
        st[KEY_START] = i + 1;
        if (j >= n) {
          st[IN_STRING] = 1;
          st[IN_KEY] = 1;
          return -1;
        }
        st[KEY_END] = j;
        st[HASH] = h;
        return 1;
      }
      for (; j < n; j++) {
        const d = b[j]!;
        if (d === QUOTE) break;
        if (d === BACKSLASH && ++j === n) st[ESCAPE] = 1;
      }
      if (j >= n) {
        st[IN_STRING] = 1;
        st[IN_KEY] = 0;
        break;
      }
      i = j;
    } else if (c === OPEN_OBJECT) {
      depth++;
      expectKey = 1;
    } else if (c === COMMA) expectKey = 1;
    else if (c === COLON) expectKey = 0;
    else if (c === OPEN_ARRAY) {
      depth++;
      expectKey = 0;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      expectKey = 0;
    }
  }
  st[DEPTH] = depth;
  st[EXPECT_KEY] = expectKey;
  return -1;
}

/** A scan that can be stopped (its answer is then undefined). */
export interface KeyScan {
  readonly keys: Promise<ReadonlySet<string> | undefined>;
  stop(): void;
}

/**
 * The distinct keys of the rows of an uncompressed JSON file: NDJSON's objects (`lines`), else an
 * array's objects when the file starts with `[` or objects one after another when it starts with
 * `{`; undefined when it starts otherwise (DuckDB then says what the file is). Not a validation:
 * a file that is not valid JSON is DuckDB's to refuse.
 */
export function scanRowKeys(file: string, lines: boolean): KeyScan {
  let stopped = false;
  const keys = (async () => {
    const table = new KeyTable();
    const st = new Int32Array(10);
    const buffer = Buffer.allocUnsafe(CHUNK);
    let partial: Buffer | undefined;
    let started = false;
    const fh = await open(file, 'r');
    try {
      for (;;) {
        if (stopped) return undefined;
        const { bytesRead: n } = await fh.read(buffer, 0, CHUNK, null);
        if (n === 0) return table.names;
        let from = 0;
        if (!started) {
          while (from < n && (buffer[from] === 0x20 || buffer[from] === 0x0a || buffer[from] === 0x0d || buffer[from] === 0x09)) from++;
          if (from === n) continue;
          if (buffer[from] !== OPEN_OBJECT && (lines || buffer[from] !== OPEN_ARRAY)) return undefined;
          st[KEY_DEPTH] = buffer[from] === OPEN_ARRAY ? 2 : 1;
          started = true;
        }
        for (;;) {
          if (scan(buffer, from, n, st, table) === -1) {
            if (st[IN_STRING] === 1 && st[IN_KEY] === 1) {
              const part = buffer.subarray(Math.max(0, st[KEY_START]!), n);
              partial = partial ? Buffer.concat([partial, part]) : Buffer.from(part);
              st[KEY_START] = -1;
            }
            break;
          }
          const end = st[KEY_END]!;
          const split = st[KEY_START] === -1;
          const raw = split ? Buffer.concat([partial!, buffer.subarray(0, end)]) : buffer.subarray(st[KEY_START]!, end);
          partial = undefined;
          const text = raw.toString('utf8');
          // An escaped key (`"\u0061"`) is the text it stands for, as DuckDB reads it; one that is
          // not valid JSON is left to DuckDB's read to refuse.
          let name = text;
          if (st[KEY_ESCAPED] === 1) {
            try {
              name = JSON.parse(`"${text}"`) as string;
            } catch {
              return undefined;
            }
          }
          // A key split between chunks has no hash: it comes back here when met again.
          if (split) table.names.add(name);
          else table.add(raw, st[HASH]!, name);
          st[KEY_ESCAPED] = 0;
          from = end + 1;
        }
      }
    } finally {
      await fh.close();
    }
  })();
  return {
    keys,
    stop: () => void (stopped = true),
  };
}
