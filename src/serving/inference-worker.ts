/**
 * One inference worker thread: it holds an onnxruntime session per loaded model version and runs
 * whatever the pool sends it. Tensors arrive and leave as typed arrays whose buffers are
 * transferred, never serialized to JSON.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { datatypeFromOrt, ORT_TYPE, type NumericArray } from './datatypes.js';
import type { ModelSignature, Tensor, TensorSpec } from './tensor.js';
import { WORKER_READY, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

const sessions = new Map<string, ort.InferenceSession>();
const port = parentPort!;
// Loaded: the pool may now end this thread without cutting the native addon's start short.
port.postMessage(WORKER_READY);

port.on('message', (msg: WorkerRequest) => {
  handle(msg).then(
    ([reply, transfer]) => port.postMessage(reply, transfer),
    (e: unknown) => port.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
  );
});

async function handle(msg: WorkerRequest): Promise<[WorkerReply, ArrayBuffer[]]> {
  switch (msg.op) {
    case 'load': {
      const options: ort.InferenceSession.SessionOptions = {
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: msg.tuning.intraOpThreads,
        interOpNumThreads: msg.tuning.interOpThreads,
      };
      const session = 'path' in msg.source
        ? await ort.InferenceSession.create(msg.source.path, options)
        : await ort.InferenceSession.create(msg.source.bytes, options);
      sessions.set(msg.key, session);
      return [{ id: msg.id, ok: true, signature: signatureOf(session) }, []];
    }
    case 'run': {
      const session = sessions.get(msg.key);
      if (!session) throw new Error(`model '${msg.key}' is not loaded in this worker`);
      const feeds: Record<string, ort.Tensor> = {};
      for (const t of msg.inputs) {
        feeds[t.name] = new ort.Tensor(ORT_TYPE[t.datatype] as 'float32', t.data as Float32Array, t.shape as number[]);
      }
      const result = await session.run(feeds);
      const outputs: Tensor[] = [];
      const transfer: ArrayBuffer[] = [];
      for (const name of session.outputNames) {
        const v = result[name] as ort.Tensor;
        let data = v.data as NumericArray | string[];
        if (!Array.isArray(data)) {
          // Transfer only a buffer the view owns whole; copy a view into a shared one.
          if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength || !(data.buffer instanceof ArrayBuffer)) data = data.slice();
          transfer.push(data.buffer as ArrayBuffer);
        }
        outputs.push({ name, datatype: datatypeFromOrt(v.type), shape: [...v.dims], data });
      }
      return [{ id: msg.id, ok: true, outputs }, transfer];
    }
    case 'unload': {
      const session = sessions.get(msg.key);
      sessions.delete(msg.key);
      await session?.release();
      return [{ id: msg.id, ok: true }, []];
    }
  }
}

function signatureOf(session: ort.InferenceSession): ModelSignature {
  const spec = (m: ort.InferenceSession.ValueMetadata): TensorSpec => {
    if (!m.isTensor) throw new Error(`'${m.name}' is not a tensor; only tensor inputs and outputs can be served`);
    return { name: m.name, datatype: datatypeFromOrt(m.type), shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
  };
  return { inputs: session.inputMetadata.map(spec), outputs: session.outputMetadata.map(spec) };
}
