import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { inspectOnnx, type OnnxSummary } from '../../onnx/index.js';
import { commandGroup } from '../command-group.js';
import type { ContextFactory } from '../context.js';
import { printJson, printLine, printTable } from '../output.js';
import { runCommand } from '../run-command.js';

/** `keel models inspect FILE.onnx`: reads any ONNX file locally (no store or server needed). */
export function registerModelsInspectCommand(program: Command, context: ContextFactory): void {
  commandGroup(program, 'models', 'registered models and model files')
    .command('inspect <file>')
    .description('print the inputs, outputs, opsets, size, node count and parameter count of an ONNX file')
    .action(runCommand(context, async (ctx, _opts: Record<string, never>, file: string) => {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file));
      } catch (e) {
        throw new KeelError('NOT_FOUND', `file '${file}' cannot be read: ${(e as Error).message}`, { field: 'file', cause: e });
      }
      const summary = inspectOnnx(bytes);
      if (ctx.json) printJson({ file, ...summary });
      else printSummary(file, summary);
    }));
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

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
