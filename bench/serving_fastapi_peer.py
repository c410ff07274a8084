"""The peer of bench/serving.ts: the same MLP in PyTorch behind FastAPI, speaking the same Open
Inference Protocol JSON. Run with Debian's uvicorn, 2 workers:
  KEEL_BENCH_MODEL_DIR=/tmp/keel-bench-serving /usr/bin/python3 -m uvicorn --app-dir bench \
      serving_fastapi_peer:app --port 18102 --workers 2 --log-level warning
"""
import os
from typing import Any, List, Optional

import torch
from fastapi import FastAPI
from pydantic import BaseModel
from torch import nn

torch.set_num_threads(1)
model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 1))
model.load_state_dict(torch.load(os.path.join(os.environ.get('KEEL_BENCH_MODEL_DIR', '/tmp/keel-bench-serving'), 'bench-mlp.pt')))
model.eval()


class RequestInput(BaseModel):
    name: str
    shape: List[int]
    datatype: str
    data: List[Any]


class InferRequest(BaseModel):
    id: Optional[str] = None
    inputs: List[RequestInput]


app = FastAPI()


@app.post('/v2/models/{name}/infer')
async def infer(name: str, request: InferRequest):
    x = request.inputs[0]
    with torch.no_grad():
        y = model(torch.tensor(x.data, dtype=torch.float32).reshape(x.shape))
    return {'model_name': name, 'model_version': '1',
            'outputs': [{'name': 'output', 'datatype': 'FP32', 'shape': list(y.shape), 'data': y.flatten().tolist()}]}
