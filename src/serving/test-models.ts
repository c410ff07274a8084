import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModel, makeModel, makeNode, makeTensor, makeTensorValueInfo } from '../onnx/index.js';

/** ONNX models built for serving tests, written to a temporary directory. */
export class TestModels {
  readonly dir = mkdtempSync(join(tmpdir(), 'keel-serving-'));

  private write(name: string, bytes: Uint8Array): string {
    const path = join(this.dir, `${name}.onnx`);
    writeFileSync(path, bytes);
    return path;
  }

  /** Identity on one input of each datatype the protocol carries: y_T = x_T. */
  identities(): string {
    const types: [string, string, (number | string)[]][] = [
      ['i64', 'int64', ['N', 2]], ['i32', 'int32', ['N']], ['u8', 'uint8', ['N']], ['b', 'bool', ['N']],
      ['f64', 'float64', ['N']], ['f32', 'float32', ['N', 3]], ['s', 'string', ['N']],
    ];
    return this.write('identities', encodeModel(makeModel({
      graph: {
        name: 'identities',
        nodes: types.map(([n]) => makeNode('Identity', [`x_${n}`], [`y_${n}`])),
        inputs: types.map(([n, t, shape]) => makeTensorValueInfo(`x_${n}`, t, shape)),
        outputs: types.map(([n, t, shape]) => makeTensorValueInfo(`y_${n}`, t, shape)),
      },
    })));
  }

  /** One [-1, 1] input per feature (as Keel's GBDT export has): y = 2a + b, shape [N, 1]. */
  featureColumns(): string {
    return this.write('columns', encodeModel(makeModel({
      graph: {
        name: 'columns',
        nodes: [makeNode('Mul', ['a', 'two'], ['a2']), makeNode('Add', ['a2', 'b'], ['y'])],
        inputs: [makeTensorValueInfo('a', 'float32', ['N', 1]), makeTensorValueInfo('b', 'float32', ['N', 1])],
        outputs: [makeTensorValueInfo('y', 'float32', ['N', 1])],
        initializers: [makeTensor('two', 'float32', [1], [2])],
      },
    })));
  }

  /** A chain of square MatMuls: slow enough per row to keep a worker busy for a while. */
  heavy(width = 512, layers = 8): string {
    const nodes = [];
    const inits = [];
    let prev = 'x';
    for (let l = 0; l < layers; l++) {
      const w = new Array<number>(width * width);
      for (let i = 0; i < w.length; i++) w[i] = ((i * 7919 + l * 104729) % 1000) / 1000 / width;
      inits.push(makeTensor(`w${l}`, 'float32', [width, width], w));
      const out = l === layers - 1 ? 'y' : `h${l}`;
      nodes.push(makeNode('MatMul', [prev, `w${l}`], [out]));
      prev = out;
    }
    return this.write(`heavy-${width}-${layers}`, encodeModel(makeModel({
      graph: {
        name: 'heavy', nodes, initializers: inits,
        inputs: [makeTensorValueInfo('x', 'float32', ['N', width])],
        outputs: [makeTensorValueInfo('y', 'float32', ['N', width])],
      },
    })));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
