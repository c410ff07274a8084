"""Writes tiny.onnx: y = x @ W + b with a dynamic batch, x float32[N,3] -> y float32[N,2], plus an
int64 output `label` (argmax). Run with /usr/bin/python3 (Debian python3-onnx)."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

W = numpy_helper.from_array(np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32), "W")
b = numpy_helper.from_array(np.array([0.5, -0.5], dtype=np.float32), "b")
graph = helper.make_graph(
    [
        helper.make_node("MatMul", ["x", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["y"]),
        helper.make_node("ArgMax", ["y"], ["label"], axis=1, keepdims=0),
    ],
    "tiny",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
    [
        helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2]),
        helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
    ],
    initializer=[W, b],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="keel-registry-test")
model.ir_version = 8
onnx.checker.check_model(model)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny.onnx")
with open(out, "wb") as f:
    f.write(model.SerializeToString())
print(out)
