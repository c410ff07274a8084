import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { invalidArgument, isKeelError, KeelError, unreadableFile } from '../../core/index.js';
import { decodeModel, inspectOnnx, type OnnxSummary } from '../../onnx/index.js';
import { commandGroup } from '../command-group.js';
import type { CliContext, ContextFactory } from '../context.js';
import { formatBytes, printJson, printLine, printTable } from '../output.js';
import { runCommand } from '../run-command.js';

/**
 * `keel models inspect FILE.onnx`: reads any ONNX file (no store or server needed). An argument
 * that is not a file is looked up as a registered model version (NAME/VERSION, NAME@ALIAS), on the
 * server with --server.
 */
export function registerModelsInspectCommand(program: Command, context: ContextFactory): void {
  commandGroup(program, 'models', 'registered models and model files')
    .command('inspect <file>')
    .description('print the inputs, outputs, opsets, size, node count and parameter count of an ONNX file')
    .action(runCommand(context, async (ctx, _opts: Record<string, never>, file: string) => {
      const bytes = await readModel(ctx, file);
      const summary = inspectOnnx(bytes);
      if (ctx.json) printJson({ file, ...summary });
      else printSummary(file, summary);
    }));
}

async function readModel(ctx: CliContext, file: string): Promise<Uint8Array> {
  // Without '/' or '@' it cannot be NAME/VERSION or NAME@ALIAS; ending in .onnx it names a file (a
  // missing one is then said so, not looked up as a model called '' or 'dir').
  if (existsSync(file) || !/[/@]/.test(file) || /\.onnx$/i.test(file)) return readOnnxFile(file);
  const notFound = (e: unknown) => {
    // A server or database that does not answer is said so, not taken for a name it lacks.
    if (isKeelError(e) && e.code !== 'NOT_FOUND' && e.code !== 'INVALID_ARGUMENT') throw e;
    const neither = `'${file}' is neither a file nor a registered model version (NAME/VERSION, NAME@ALIAS)`;
    // Not even a reference is bad input; a well-formed reference to a version that does not exist is NOT_FOUND.
    if (isKeelError(e) && e.code === 'INVALID_ARGUMENT') throw invalidArgument('file', neither, e);
    throw new KeelError('NOT_FOUND', neither, { field: 'file', cause: e });
  };
  if (ctx.isRemote) {
    const { registry } = ctx.client();
    const mv = await registry.resolve(file).catch(notFound);
    return registry.downloadOnnx(mv.name, mv.version);
  }
  const { registry } = await ctx.platform();
  const mv = await registry.resolve(file).catch(notFound);
  return registry.onnxBytes(mv);
}

function printSummary(file: string, s: OnnxSummary): void {
  printLine(`${file}: ${formatBytes(s.sizeBytes)}, IR version ${s.irVersion}, producer ${s.producer || '(none)'}${s.producerVersion ? ` ${s.producerVersion}` : ''}`);
  printLine(`opsets: ${s.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}`);
  printLine(`nodes: ${s.nodeCount}  parameters: ${s.parameterCount}`);
  printLine();
  const io = [
    ...s.inputs.map((t) => ({ io: 'input', name: t.name, type: t.type, shape: formatShape(t.shape) })),
    ...s.outputs.map((t) => ({ io: 'output', name: t.name, type: t.type, shape: formatShape(t.shape) })),
  ];
  printTable(io, ['io', 'name', 'type', 'shape']);
  printLine();
  printTable(Object.entries(s.opTypes).sort((a, b) => b[1] - a[1]).map(([op, count]) => ({ op, count })), ['op', 'count']);
  const meta = Object.entries(s.metadata);
  if (meta.length > 0) {
    printLine();
    printTable(meta.map(([key, value]) => ({ key, value })), ['key', 'value']);
  }
}

const formatShape = (shape: readonly number[]): string => `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;

/**
 * The bytes of the ONNX file the user named (`models inspect`, `models register`): one that cannot
 * be read, or is not an ONNX model, is refused naming the argument `file` and the path, locally and
 * with --server alike (the server would name its own field, source.onnx).
 */
export async function readOnnxFile(file: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw unreadableFile(`'${file}'`, e);
  }
  decodeModel(bytes, 'file', `'${file}'`);
  return bytes;
}
