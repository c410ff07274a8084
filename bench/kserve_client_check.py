#!/usr/bin/python3
"""Keel's Open Inference Protocol server checked by a client that no one on the team wrote:
Triton's official Python HTTP client (tritonclient.http). Run through bench/kserve-client-check.sh.

  /usr/bin/python3 bench/kserve_client_check.py export DIR
      -> DIR/kserve-mlp.onnx (a PyTorch MLP: 'features' FP32 [-1,16] -> 'probabilities' FP32 [-1,4]
         and 'label' INT64 [-1]) and DIR/kserve-mlp.pt (its weights)
  /usr/bin/python3 bench/kserve_client_check.py check HOST:PORT MODEL_NAME DIR
      -> one PASS/FAIL line per check against the served model; exit status 1 if any failed

tritonclient comes from TRITONCLIENT_PATH (a directory holding the `tritonclient` package) or
from the installed packages (`pip install tritonclient[http]`). Its dependencies on Debian:
python3-geventhttpclient python3-rapidjson python3-numpy; the export needs python3-torch python3-onnx.
"""
import inspect
import os
import sys

import numpy as np


def build_model():
    import torch
    from torch import nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 4))

        def forward(self, features):
            probs = torch.softmax(self.net(features), dim=1)
            return probs, torch.argmax(probs, dim=1)

    return Classifier()


def export(out):
    import torch
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(11)
    model = build_model().eval()
    # The TorchScript exporter: newer torch defaults to the dynamo one, older torch has no such flag.
    legacy = {'dynamo': False} if 'dynamo' in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(model, torch.zeros(1, 16), os.path.join(out, 'kserve-mlp.onnx'), input_names=['features'],
                      output_names=['probabilities', 'label'],
                      dynamic_axes={'features': {0: 'batch'}, 'probabilities': {0: 'batch'}, 'label': {0: 'batch'}},
                      opset_version=13, **legacy)
    torch.save(model.state_dict(), os.path.join(out, 'kserve-mlp.pt'))


def torch_outputs(out, x):
    import torch
    model = build_model()
    model.load_state_dict(torch.load(os.path.join(out, 'kserve-mlp.pt')))
    model.eval()
    with torch.no_grad():
        probs, label = model(torch.from_numpy(x))
    return probs.numpy(), label.numpy()


RESULTS = []


def check(name, fn):
    try:
        detail = fn()
        RESULTS.append(True)
        print(f'PASS  {name}' + (f'  ({detail})' if detail else ''))
    except Exception as e:  # every failure is reported, then the next check runs
        RESULTS.append(False)
        print(f'FAIL  {name}: {type(e).__name__}: {e}')


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def run_checks(url, model, out):
    import tritonclient.http as httpclient
    from tritonclient.utils import InferenceServerException

    client = httpclient.InferenceServerClient(url=url)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(5, 16)).astype(np.float32)
    want_probs, want_label = torch_outputs(out, x)

    def close(got_probs, got_label, rows=slice(None)):
        expect(got_probs.dtype == np.float32 and got_probs.shape == want_probs[rows].shape, f'probabilities {got_probs.dtype} {got_probs.shape}')
        err = float(np.max(np.abs(got_probs - want_probs[rows])))
        expect(err <= 1e-5, f'max |keel - torch| = {err}')
        expect(got_label.dtype == np.int64 and np.array_equal(got_label, want_label[rows]), f'label {got_label} vs torch {want_label[rows]}')
        return f'max |keel - torch| = {err:.2e}'

    def features(arr, binary, datatype='FP32', shape=None):
        inp = httpclient.InferInput('features', list(shape or arr.shape), datatype)
        inp.set_data_from_numpy(arr, binary_data=binary)
        return inp

    def infer_json():
        outs = [httpclient.InferRequestedOutput('probabilities', binary_data=False), httpclient.InferRequestedOutput('label', binary_data=False)]
        r = client.infer(model, [features(x, False)], outputs=outs)
        expect('parameters' not in r.get_output('probabilities'), 'JSON output carries binary_data_size')
        return close(r.as_numpy('probabilities'), r.as_numpy('label'))

    def infer_binary():
        outs = [httpclient.InferRequestedOutput('probabilities', binary_data=True), httpclient.InferRequestedOutput('label', binary_data=True)]
        r = client.infer(model, [features(x, True)], outputs=outs)
        expect(r.get_output('probabilities')['parameters']['binary_data_size'] == 5 * 4 * 4, 'binary_data_size of probabilities')
        return close(r.as_numpy('probabilities'), r.as_numpy('label'))

    def infer_default_outputs():
        # No outputs named: the client asks for every output as binary (binary_data_output).
        r = client.infer(model, [features(x[:1], True)])
        return close(r.as_numpy('probabilities'), r.as_numpy('label'), slice(0, 1))

    def infer_mixed():
        outs = [httpclient.InferRequestedOutput('label', binary_data=True), httpclient.InferRequestedOutput('probabilities', binary_data=False)]
        r = client.infer(model, [features(x, False)], outputs=outs, request_id='req-42')
        expect(r.get_response().get('id') == 'req-42', f"id {r.get_response().get('id')!r}")
        expect([o['name'] for o in r.get_response()['outputs']] == ['label', 'probabilities'], 'outputs in the requested order')
        return close(r.as_numpy('probabilities'), r.as_numpy('label'))

    def infer_one_output():
        r = client.infer(model, [features(x, True)], outputs=[httpclient.InferRequestedOutput('label')])
        expect(r.as_numpy('probabilities') is None, 'an output that was not requested came back')
        expect(np.array_equal(r.as_numpy('label'), want_label), 'label')

    def infer_version():
        meta = client.get_model_metadata(model)
        version = meta['versions'][0]
        r = client.infer(model, [features(x, True)], model_version=version)
        return close(r.as_numpy('probabilities'), r.as_numpy('label')) + f', version {version}'

    def infer_async():
        handles = [client.async_infer(model, [features(x[i:i + 1], True)]) for i in range(5)]
        got = [h.get_result() for h in handles]
        return close(np.concatenate([g.as_numpy('probabilities') for g in got]), np.concatenate([g.as_numpy('label') for g in got]))

    def infer_gzip():
        r = client.infer(model, [features(x, True)], request_compression_algorithm='gzip', response_compression_algorithm='gzip')
        return close(r.as_numpy('probabilities'), r.as_numpy('label'))

    def rejected(fn, statuses=('400',)):
        def run():
            try:
                fn()
            except InferenceServerException as e:
                expect(e.status() in statuses, f'status {e.status()}, expected {statuses}: {e.message()}')
                expect(isinstance(e.message(), str) and e.message() and 'exception occurred in the client' not in e.message(), f'no "error" body: {e.message()}')
                return f'{e.status()}: {e.message()}'
            raise AssertionError('the request was accepted')
        return run

    def post_raw(body, headers=None):
        response = client._post(f'v2/models/{model}/infer', body, headers or {'Content-Type': 'application/json'}, None)
        from tritonclient.http._utils import _raise_if_error
        _raise_if_error(response)

    def still_serving():
        r = client.infer(model, [features(x, True)])
        expect(client.is_server_live() and client.is_server_ready(), 'live and ready')
        return close(r.as_numpy('probabilities'), r.as_numpy('label'))

    check('is_server_live', lambda: expect(client.is_server_live(), 'not live'))
    check('is_server_ready', lambda: expect(client.is_server_ready(), 'not ready'))
    check('is_model_ready', lambda: expect(client.is_model_ready(model), 'model not ready'))
    check('is_model_ready(unknown) is False', lambda: expect(not client.is_model_ready('no-such-model'), 'unknown model ready'))

    def server_metadata():
        m = client.get_server_metadata()
        expect(isinstance(m.get('name'), str) and isinstance(m.get('version'), str) and isinstance(m.get('extensions'), list), str(m))
        return f"{m['name']} {m['version']} {m['extensions']}"
    check('get_server_metadata', server_metadata)

    def model_metadata():
        m = client.get_model_metadata(model)
        expect(m['name'] == model and len(m['versions']) >= 1, str(m))
        ins = {i['name']: (i['datatype'], list(i['shape'])) for i in m['inputs']}
        outs = {o['name']: (o['datatype'], list(o['shape'])) for o in m['outputs']}
        expect(ins == {'features': ('FP32', [-1, 16])}, f'inputs {ins}')
        expect(outs == {'probabilities': ('FP32', [-1, 4]), 'label': ('INT64', [-1])}, f'outputs {outs}')
        return f"versions {m['versions']}, platform {m.get('platform')}"
    check('get_model_metadata', model_metadata)
    check('get_model_metadata(version)', lambda: expect(client.get_model_metadata(model, client.get_model_metadata(model)['versions'][0])['name'] == model, 'by version'))
    check('infer, JSON inputs and outputs (5 rows)', infer_json)
    check('infer, binary inputs and outputs', infer_binary)
    check('infer, no outputs named (all binary)', infer_default_outputs)
    check('infer, JSON input, one binary + one JSON output, request id', infer_mixed)
    check('infer, one requested output only', infer_one_output)
    check('infer, explicit model_version', infer_version)
    check('async_infer x5', infer_async)
    check('infer, gzip request and response', infer_gzip)
    check('bad: wrong shape -> 400', rejected(lambda: client.infer(model, [features(x[:, :15].copy(), False)])))
    check('bad: wrong shape, binary -> 400', rejected(lambda: client.infer(model, [features(x[:, :15].copy(), True)])))
    check('bad: wrong datatype (FP64) -> 400', rejected(lambda: client.infer(model, [features(x.astype(np.float64), True, 'FP64')])))
    check('bad: wrong datatype (INT32 JSON) -> 400', rejected(lambda: client.infer(model, [features(np.ones((1, 16), np.int32), False, 'INT32')])))
    def unknown_input():
        inp = httpclient.InferInput('nope', [1, 16], 'FP32')
        inp.set_data_from_numpy(x[:1], binary_data=False)
        client.infer(model, [inp])
    check('bad: unknown input name -> 400', rejected(unknown_input))
    check('bad: missing input (none given) -> 400', rejected(lambda: client.infer(model, [])))
    check('bad: unknown model -> 404', rejected(lambda: client.infer('no-such-model', [features(x, True)]), ('404',)))
    check('bad: unknown output -> 400', rejected(lambda: client.infer(model, [features(x, True)], outputs=[httpclient.InferRequestedOutput('nope')])))
    check('bad: malformed JSON -> 400', rejected(lambda: post_raw(b'{"inputs": [{"name": "features", ')))
    check('bad: binary header longer than body -> 400', rejected(lambda: post_raw(b'{"inputs": []}', {'Inference-Header-Content-Length': '999'})))
    check('still serving after the bad requests', still_serving)
    client.close()
    failed = RESULTS.count(False)
    print(f'{len(RESULTS) - failed}/{len(RESULTS)} checks passed')
    return 1 if failed else 0


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'export':
        export(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == 'check':
        path = os.environ.get('TRITONCLIENT_PATH')
        if path:
            sys.path.insert(0, path)
        sys.exit(run_checks(sys.argv[2], sys.argv[3], sys.argv[4]))
    else:
        raise SystemExit(__doc__)
