#!/usr/bin/python3
"""Exports small PyTorch MLPs to ONNX for Keel's serving tests and benchmark.

  /usr/bin/python3 src/serving/testdata/make-torch-model.py test  src/serving/testdata
      -> torch-mlp.onnx (4 float features -> 8 -> 3 class probabilities + INT64 label)
         torch-mlp-expected.json (fixed inputs and PyTorch's outputs for them)
  /usr/bin/python3 src/serving/testdata/make-torch-model.py bench DIR
      -> DIR/bench-mlp.onnx (64 float inputs -> 256 -> 128 -> 1) and DIR/bench-mlp.pt (the same weights)

Needs Debian's python3-torch and python3-onnx (apt-get install -y python3-torch python3-onnx).
"""
import json
import os
import sys

import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))

    def forward(self, features):
        probs = torch.softmax(self.net(features), dim=1)
        return probs, torch.argmax(probs, dim=1)


def bench_mlp():
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 1))


def export(model, example, path, input_name, output_names):
    model.eval()
    axes = {input_name: {0: 'batch'}}
    for name in output_names:
        axes[name] = {0: 'batch'}
    torch.onnx.export(model, example, path, input_names=[input_name], output_names=output_names,
                      dynamic_axes=axes, opset_version=13)


def main():
    kind, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(7)
    if kind == 'test':
        model = Classifier()
        export(model, torch.zeros(1, 4), os.path.join(out, 'torch-mlp.onnx'), 'features', ['probabilities', 'label'])
        inputs = [[0.5, -1.25, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0], [-3.5, 0.25, 0.75, -0.5], [10.0, -10.0, 5.0, 2.5]]
        with torch.no_grad():
            probs, label = model(torch.tensor(inputs, dtype=torch.float32))
        with open(os.path.join(out, 'torch-mlp-expected.json'), 'w') as f:
            json.dump({'torch': torch.__version__, 'inputs': inputs, 'probabilities': probs.tolist(),
                       'label': label.tolist()}, f, indent=1)
    elif kind == 'bench':
        model = bench_mlp()
        export(model, torch.zeros(1, 64), os.path.join(out, 'bench-mlp.onnx'), 'input', ['output'])
        torch.save(model.state_dict(), os.path.join(out, 'bench-mlp.pt'))
    else:
        raise SystemExit(f'unknown kind {kind!r}: expected test or bench')


if __name__ == '__main__':
    main()
