import { rmSync } from 'node:fs';
import type { DuckDBAppender, DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { KeelError, invalidArgument, makeWorkDir } from '../core/index.js';
import type { ProgressEvent } from '../jobs/index.js';
import { allocate, type Datatype } from './datatypes.js';
import type { ModelSource } from './model-source.js';
import { elementCount, type ModelSignature, type Tensor } from './tensor.js';
import { InferencePool } from './worker-pool.js';

export interface BatchPredictOptions {
  readonly source: ModelSource;
  /** Model ref, as `keel serve` takes it. */
  readonly ref: string;
  /** A .parquet or .csv file. */
  readonly input: string;
  /** How errors name the input (the dataset ref whose stored Parquet `input` is); default `input`. */
  readonly inputName?: string;
  /** The Parquet file written: key columns, then one column per output value. */
  readonly output: string;
  /** Input columns copied to the output; default: every column that is not a model feature. */
  readonly keyColumns?: readonly string[];
  /** Rows per onnxruntime run (default 8192). */
  readonly batchSize?: number;
  readonly workers?: number;
  readonly intraOpThreads?: number;
  /** Run on this pool (left open) instead of starting one. */
  readonly pool?: InferencePool;
  /** DuckDB spills here when the output outgrows memory. */
  readonly tmpDir: string;
  readonly onProgress?: (e: ProgressEvent) => void;
}

export interface BatchPredictResult {
  readonly model: { readonly name: string; readonly version: string };
  readonly rows: number;
  readonly output: string;
  readonly outputColumns: readonly string[];
}

let runCounter = 0;
const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const s = (text: string): string => `'${text.replace(/'/g, "''")}'`;

const SQL_TYPE: Partial<Record<Datatype, string>> = { FP32: 'FLOAT', FP64: 'DOUBLE', INT64: 'BIGINT', INT32: 'INTEGER', BOOL: 'BOOLEAN', BYTES: 'VARCHAR' };

interface Batch {
  readonly keys: DuckDBValue[][];
  readonly rows: number;
  readonly outputs: Promise<Tensor[]>;
}

/**
 * Batch inference: streams a Parquet/CSV file through DuckDB in batches of `batchSize` rows,
 * runs them across the inference workers (at most two batches per worker in flight, so memory
 * stays bounded), appends key columns and predictions to a DuckDB table that spills to disk, and
 * writes it out as Parquet.
 */
export async function batchPredict(o: BatchPredictOptions): Promise<BatchPredictResult> {
  const batchSize = o.batchSize ?? 8192;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw invalidArgument('batchSize', `expected a positive integer, got ${batchSize}`);
  const resolved = await o.source.resolve(o.ref);
  const pool = o.pool ?? new InferencePool(o.workers ?? 1, { intraOpThreads: o.intraOpThreads ?? 1, interOpThreads: 1 });
  // Spills in a folder of its own, as openDuckDb's (src/data): DuckDB's spill files met those of
  // another process in a shared folder.
  const spill = await makeWorkDir(o.tmpDir, 'duckdb');
  // DuckDB's native binding loads here, once per job, rather than with every CLI command.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duck = await DuckDBInstance.create(':memory:', { temp_directory: spill });
  const conn = await duck.connect();
  // Times in UTC whatever the machine's zone, as openDuckDb's (src/data).
  await conn.run("SET GLOBAL TimeZone = 'UTC'");
  // The writer needs its own connection: a query on the reading one would end its stream.
  const writeConn = await duck.connect();
  let loadedKey: string | undefined;
  try {
    const key = `predict:${resolved.name}/${resolved.version}#${++runCounter}`;
    const signature = await pool.load(key, resolved.onnx);
    loadedKey = key;
    const reader = /\.csv$/i.test(o.input) ? `read_csv_auto(${s(o.input)})` : `read_parquet(${s(o.input)})`;
    const total = Number((await (await conn.run(`SELECT count(*) FROM ${reader}`)).getRows())[0]![0]);
    const result = await conn.stream(`SELECT * FROM ${reader}`);
    const columns = result.columnNames();
    const types = result.columnTypes();
    const plan = planFeatures(signature, columns, resolved.featureNames, o.keyColumns ?? []);
    const keyNames = o.keyColumns ?? columns.filter((c) => !plan.featureColumns.includes(c));
    const keyIdx = keyNames.map((k) => {
      const i = columns.indexOf(k);
      if (i < 0) throw invalidArgument('key', `no column '${k}' in ${o.inputName ?? o.input} (columns: ${columns.join(', ')})`);
      return i;
    });
    const featureIdx = plan.featureColumns.map((c) => columns.indexOf(c));
    const pending: Batch[] = [];
    const writer = new OutputWriter(writeConn, keyNames.map((k, i) => [k, types[keyIdx[i]!]!] as const));
    let done = 0;
    const drainOne = async () => {
      const b = pending.shift()!;
      await writer.append(b.keys, await b.outputs, b.rows);
      done += b.rows;
      o.onProgress?.({ task: 'predict', done, total });
    };
    let buf: { keys: DuckDBValue[][]; features: DuckDBValue[][]; rows: number } = { keys: keyIdx.map(() => []), features: featureIdx.map(() => []), rows: 0 };
    // Sends the first `rows` buffered rows as one batch and keeps the rest.
    const flush = (rows: number) => {
      if (rows === 0) return;
      const features = buf.features.map((c) => c.slice(0, rows));
      pending.push({ keys: buf.keys.map((c) => c.slice(0, rows)), rows, outputs: pool.run(key, plan.build(features, rows)) });
      buf = { keys: buf.keys.map((c) => c.slice(rows)), features: buf.features.map((c) => c.slice(rows)), rows: buf.rows - rows };
    };
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      keyIdx.forEach((ci, k) => buf.keys[k]!.push(...chunk.getColumnValues(ci)));
      featureIdx.forEach((ci, k) => buf.features[k]!.push(...chunk.getColumnValues(ci)));
      buf.rows += chunk.rowCount;
      while (buf.rows >= batchSize) {
        flush(batchSize);
        while (pending.length >= pool.size * 2) await drainOne();
      }
    }
    flush(buf.rows);
    while (pending.length > 0) await drainOne();
    const outputColumns = await writer.finish(o.output);
    return { model: { name: resolved.name, version: resolved.version }, rows: done, output: o.output, outputColumns };
  } finally {
    conn.closeSync();
    writeConn.closeSync();
    duck.closeSync();
    rmSync(spill, { recursive: true, force: true });
    if (o.pool) {
      if (loadedKey) await pool.unload(loadedKey);
    } else await pool.close();
  }
}

interface FeaturePlan {
  readonly featureColumns: readonly string[];
  build(values: readonly DuckDBValue[][], rows: number): Tensor[];
}

/** Which columns feed which inputs: one column per [-1, 1] input, or F columns for one [-1, F] input. */
function planFeatures(signature: ModelSignature, columns: readonly string[], featureNames: readonly string[] | undefined, keys: readonly string[]): FeaturePlan {
  const inputs = signature.inputs;
  const perColumn = inputs.every((i) => i.shape[0] === -1 && (i.shape.length === 1 || (i.shape.length === 2 && i.shape[1] === 1)));
  if (perColumn && inputs.every((i) => columns.includes(i.name))) {
    return {
      featureColumns: inputs.map((i) => i.name),
      build: (values, rows) => inputs.map((spec, k) => ({ name: spec.name, datatype: spec.datatype, shape: spec.shape.length === 1 ? [rows] : [rows, 1], data: fill(spec.datatype, values[k]!) })),
    };
  }
  const only = inputs[0];
  if (inputs.length === 1 && only && only.shape.length === 2 && only.shape[0] === -1 && only.shape[1]! > 0) {
    const width = only.shape[1]!;
    // Without feature names from the registry, every non-key column is a feature, in file order.
    const names = featureNames ?? columns.filter((c) => !keys.includes(c));
    const missing = names.filter((n) => !columns.includes(n));
    if (names.length !== width || missing.length > 0) {
      throw invalidArgument('input', `model input '${only.name}' takes ${width} features; ${missing.length ? `columns ${missing.join(', ')} are missing` : `the file has ${names.length} non-key columns (name the others with --key)`}`);
    }
    return {
      featureColumns: names,
      build: (values, rows) => {
        const flat: DuckDBValue[] = new Array(rows * width);
        for (let r = 0; r < rows; r++) for (let f = 0; f < width; f++) flat[r * width + f] = values[f]![r]!;
        return [{ name: only.name, datatype: only.datatype, shape: [rows, width], data: fill(only.datatype, flat) }];
      },
    };
  }
  if (perColumn) {
    const absent = inputs.filter((i) => !columns.includes(i.name)).map((i) => i.name);
    throw invalidArgument('input', `no column ${absent.map((n) => `'${n}'`).join(', ')} in the input; the model takes one column per input (${inputs.map((i) => i.name).join(', ')}), the input has ${columns.join(', ')}`);
  }
  throw new KeelError('INVALID_ARGUMENT', `cannot map columns (${columns.join(', ')}) onto the model inputs ${inputs.map((i) => `${i.name}[${i.shape.join(',')}]`).join(', ')}`, { field: 'input' });
}

/** Column values into a tensor array; SQL NULL becomes NaN for floats (the model decides). */
function fill(datatype: Datatype, values: readonly DuckDBValue[]) {
  const out = allocate(datatype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (datatype === 'BYTES') (out as string[])[i] = v === null ? '' : String(v);
    else if (datatype === 'INT64' || datatype === 'UINT64') (out as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v ?? 0)));
    else (out as Float32Array)[i] = v === null ? NaN : typeof v === 'boolean' ? Number(v) : Number(v);
  }
  return out;
}

/** Appends key columns and predictions to a DuckDB table, created once the first outputs are known. */
class OutputWriter {
  private appender: DuckDBAppender | undefined;
  private outCols: { name: string; tensor: number; offset: number; datatype: Datatype }[] = [];

  constructor(private readonly conn: DuckDBConnection, private readonly keys: readonly (readonly [string, DuckDBType])[]) {}

  async append(keys: readonly DuckDBValue[][], outputs: readonly Tensor[], rows: number): Promise<void> {
    if (!this.appender) {
      outputs.forEach((t, ti) => {
        const width = rows === 0 ? 1 : elementCount(t.shape) / rows;
        for (let j = 0; j < width; j++) this.outCols.push({ name: width === 1 ? t.name : `${t.name}_${j}`, tensor: ti, offset: j, datatype: t.datatype });
      });
      const defs = [...this.keys.map(([n, t]) => `${q(n)} ${t.toString()}`), ...this.outCols.map((c) => `${q(c.name)} ${SQL_TYPE[c.datatype] ?? 'DOUBLE'}`)];
      await this.conn.run(`CREATE TABLE predictions (${defs.join(', ')})`);
      this.appender = await this.conn.createAppender('predictions');
    }
    const a = this.appender;
    const widths = outputs.map((t) => (rows === 0 ? 1 : elementCount(t.shape) / rows));
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < this.keys.length; k++) a.appendValue(keys[k]![r]!, this.keys[k]![1]);
      for (const c of this.outCols) {
        const v = outputs[c.tensor]!.data[r * widths[c.tensor]! + c.offset]!;
        if (c.datatype === 'FP32') a.appendFloat(v as number);
        else if (c.datatype === 'INT64') a.appendBigInt(v as bigint);
        else if (c.datatype === 'INT32') a.appendInteger(v as number);
        else if (c.datatype === 'BOOL') a.appendBoolean(v !== 0);
        else if (c.datatype === 'BYTES') a.appendVarchar(v as string);
        else a.appendDouble(Number(v));
      }
      a.endRow();
    }
  }

  async finish(path: string): Promise<string[]> {
    if (!this.appender) throw new KeelError('INVALID_ARGUMENT', 'the input has no rows', { field: 'input' });
    this.appender.closeSync();
    await this.conn.run(`COPY predictions TO ${s(path)} (FORMAT parquet)`);
    return this.outCols.map((c) => c.name);
  }
}
