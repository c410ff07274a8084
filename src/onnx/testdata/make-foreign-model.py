"""Writes foreign-model.onnx and foreign-model.json: a model Keel did not make, for inspect tests.

Run with Debian's python3-onnx: /usr/bin/python3 src/onnx/testdata/make-foreign-model.py
It uses what Keel's builder never writes: initializers also listed as graph inputs (old IR
style), named symbolic dims, a Constant node (tensor attribute), an If with two subgraphs,
int64_data/float_data fields instead of raw_data, and a ZipMap output of type seq(map(int64, float)).
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))

def map_int64_float():
    # onnx 1.12's helper has no make_map_type_proto.
    t = onnx.TypeProto()
    t.map_type.key_type = TensorProto.INT64
    t.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    return t


W = helper.make_tensor("W", TensorProto.FLOAT, [3, 2], [0.5, -1.0, 0.25, 2.0, -0.75, 1.5])
b = helper.make_tensor("b", TensorProto.FLOAT, [2], [0.1, -0.2])
shift = helper.make_tensor("shift", TensorProto.INT64, [1], [3])

then_graph = helper.make_graph(
    [helper.make_node("Identity", ["scores"], ["branch_out"])], "then_branch", [],
    [helper.make_tensor_value_info("branch_out", TensorProto.FLOAT, None)])
else_graph = helper.make_graph(
    [helper.make_node("Neg", ["scores"], ["branch_out"])], "else_branch", [],
    [helper.make_tensor_value_info("branch_out", TensorProto.FLOAT, None)])

nodes = [
    helper.make_node("MatMul", ["features", "W"], ["mm"]),
    helper.make_node("Add", ["mm", "b"], ["scores"]),
    helper.make_node("Constant", [], ["flag"], value=helper.make_tensor("flag_v", TensorProto.BOOL, [], [True])),
    helper.make_node("If", ["flag"], ["branched"], then_branch=then_graph, else_branch=else_graph),
    helper.make_node("Add", ["ids", "shift"], ["shifted_ids"]),
    helper.make_node("LinearClassifier", ["features"], ["label", "probs"], domain="ai.onnx.ml",
                     classlabels_ints=[0, 1], coefficients=[1.0, -1.0, 0.5, -0.5, 0.25, -0.25],
                     intercepts=[0.0, 0.1], post_transform="SOFTMAX"),
    helper.make_node("ZipMap", ["probs"], ["prob_map"], domain="ai.onnx.ml", classlabels_int64s=[0, 1]),
]
graph = helper.make_graph(
    nodes, "foreign",
    inputs=[
        helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 3]),
        helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch"]),
        helper.make_tensor_value_info("W", TensorProto.FLOAT, [3, 2]),
        helper.make_tensor_value_info("b", TensorProto.FLOAT, [2]),
        helper.make_tensor_value_info("shift", TensorProto.INT64, [1]),
    ],
    outputs=[
        helper.make_tensor_value_info("branched", TensorProto.FLOAT, ["batch", 2]),
        helper.make_tensor_value_info("shifted_ids", TensorProto.INT64, ["batch"]),
        helper.make_tensor_value_info("label", TensorProto.INT64, ["batch"]),
        helper.make_value_info("prob_map", helper.make_sequence_type_proto(map_int64_float())),
    ],
    initializer=[W, b, shift],
)
model = helper.make_model(graph, producer_name="python-onnx-helper", producer_version=onnx.__version__,
                          opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)])
model.ir_version = 8
helper.set_model_props(model, {"author": "keel-tests"})
onnx.checker.check_model(model)

data = model.SerializeToString()
with open(os.path.join(here, "foreign-model.onnx"), "wb") as f:
    f.write(data)

features = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], dtype=np.float32)
expected = {
    "producer": model.producer_name,
    "irVersion": model.ir_version,
    "sizeBytes": len(data),
    # Main graph nodes plus one node in each If branch.
    "nodeCount": len(nodes) + 2,
    # Initializers (6 + 2 + 1), the Constant's scalar (1), LinearClassifier floats (6 + 2).
    "parameterCount": 6 + 2 + 1 + 1 + 6 + 2,
    "features": features.tolist(),
    "scores": (features @ numpy_helper.to_array(W) + numpy_helper.to_array(b)).tolist(),
}
with open(os.path.join(here, "foreign-model.json"), "w") as f:
    json.dump(expected, f, indent=2)
