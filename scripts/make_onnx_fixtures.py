#!/usr/bin/python3
"""Writes the ONNX fixtures the gru4j-onnx tests run: real exports from PyTorch and models built with onnx.helper.

    /usr/bin/python3 scripts/make_onnx_fixtures.py      # Debian's python3-torch (1.13) and python3-onnx (1.12)

Each case is gru4j-onnx/src/test/resources/onnx-fixtures/<case>.onnx beside <case>.safetensors, which holds, as
float32: "in.<name>" for every graph input (integer inputs such as sequence_lens stored as float) and
"out.<name>" for every graph output, the expected values; __metadata__ describes the case.
- torch_*: nn.GRU / nn.LSTM / nn.RNN (and a GRU with a Linear head) exported by torch.onnx.export at opsets
  9, 11, 13, 14, 17, with and without h0 inputs, batch_first both, some with dynamic axes. The expected outputs are
  the module's, run in float64 on the same float32 weights and inputs.
- helper_*: single GRU / LSTM / RNN nodes built with onnx.helper for what exporters rarely write
  (linear_before_reset=0, clip, reverse, sequence_lens, layout=1, activations, peepholes, external data). Their
  expected outputs come from ref_* below, numpy in float64, written from the ONNX operator specification.
"""
import json
import os
import struct
import sys
import warnings

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "gru4j-onnx", "src", "test", "resources", "onnx-fixtures")


def to_np(t):
    # tolist() rather than .numpy(): Debian's torch may be built against another numpy
    return np.array(t.detach().tolist(), dtype=np.float64).reshape(tuple(t.shape))


def save(name, model_path_written, inputs, outputs, meta):
    tensors = [("in." + k, torch.tensor(np.asarray(v, dtype=np.float64).tolist(), dtype=torch.float64).reshape(np.shape(v)))
               for k, v in inputs.items()]
    tensors += [("out." + k, torch.tensor(np.asarray(v, dtype=np.float64).tolist(), dtype=torch.float64).reshape(np.shape(v)))
                for k, v in outputs.items()]
    write_safetensors(os.path.join(OUT, name + ".safetensors"), tensors, meta)


# ------------------------------------------------------------------------------------------- torch exports
class GruHead(torch.nn.Module):
    """A GRU with a Linear head on every step (MatMul + Add) and a log-softmax over classes."""

    def __init__(self, I, H, L, C, bidirectional):
        super().__init__()
        self.gru = torch.nn.GRU(I, H, L, batch_first=True, bidirectional=bidirectional)
        self.head = torch.nn.Linear(H * (2 if bidirectional else 1), C)

    def forward(self, x):
        y, hn = self.gru(x)
        return torch.log_softmax(self.head(y), dim=-1), hn


class GruLast(torch.nn.Module):
    """A GRU whose last step feeds a Linear (Gather/Slice + Gemm) and a softmax."""

    def __init__(self, I, H, C):
        super().__init__()
        self.gru = torch.nn.GRU(I, H, 2)
        self.head = torch.nn.Linear(H, C)

    def forward(self, x, h0):
        y, hn = self.gru(x, h0)
        return torch.softmax(self.head(y[-1]), dim=1), hn


def torch_case(name, module, opset, T, B, use_h0, dynamic, rng):
    module.eval()
    core = module if isinstance(module, torch.nn.RNNBase) else module.gru
    bf = core.batch_first
    I, H, L, D = core.input_size, core.hidden_size, core.num_layers, 2 if core.bidirectional else 1
    x = torch.tensor(rng.standard_normal((B, T, I) if bf else (T, B, I)).tolist(), dtype=torch.float32)
    lstm = isinstance(core, torch.nn.LSTM)
    names, args = ["x"], [x]
    h0 = c0 = None
    if use_h0:
        h0 = torch.tensor(rng.standard_normal((L * D, B, H)).tolist(), dtype=torch.float32)
        names.append("h0")
        if lstm:
            c0 = torch.tensor(rng.standard_normal((L * D, B, H)).tolist(), dtype=torch.float32)
            names.append("c0")
    if isinstance(module, GruLast):
        args = (x, h0)
    elif lstm and use_h0:
        args = (x, (h0, c0))
    elif use_h0:
        args = (x, h0)
    else:
        args = (x,)
    outs = ["y", "hn"] + (["cn"] if lstm else [])
    dyn = None
    if dynamic:
        dyn = {"x": {0: "batch", 1: "steps"} if bf else {0: "steps", 1: "batch"}, "y": {0: "a", 1: "b"}}
        for n in names[1:]:
            dyn[n] = {1: "batch"}
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(module, args, path, opset_version=opset, input_names=names, output_names=outs,
                      dynamic_axes=dyn, do_constant_folding=True)
    # expected: the same module in float64
    m64 = __import__("copy").deepcopy(module).double()
    with torch.no_grad():
        a64 = tuple(a.double() if isinstance(a, torch.Tensor) else tuple(t.double() for t in a) for a in args)
        res = m64(*a64)
    flat = []
    for r in res:
        if isinstance(r, tuple):
            flat.extend(r)
        else:
            flat.append(r)
    inputs = {"x": to_np(x)}
    if h0 is not None:
        inputs["h0"] = to_np(h0)
    if c0 is not None:
        inputs["c0"] = to_np(c0)
    g = onnx.load(path).graph
    ops = sorted({n.op_type for n in g.node})
    save(name, path, inputs, {o: to_np(t) for o, t in zip(outs, flat)},
         {"source": "torch.onnx.export", "opset": opset, "module": type(module).__name__, "input_size": I,
          "hidden_size": H, "num_layers": L, "bidirectional": core.bidirectional, "bias": core.bias,
          "batch_first": bf, "h0": use_h0, "dynamic_axes": dynamic, "steps": T, "batch": B, "ops": " ".join(ops)})
    return ops


# --------------------------------------------------------------------------------- numpy references (ONNX spec)
ACT = {"Sigmoid": lambda v: 1 / (1 + np.exp(-v)), "Tanh": np.tanh, "Relu": lambda v: np.maximum(v, 0),
       "Softsign": lambda v: v / (1 + np.abs(v)), "HardSigmoid": lambda v: np.clip(0.2 * v + 0.5, 0, 1)}


def ref_rnn(kind, X, W, R, B, lens, h0, c0, P, direction, lbr, clip, acts, input_forget=0):
    """X (T,B,I) time-major, W (D,GH,I), R (D,GH,H), B (D,2GH) or None; returns Y (T,D,B,H), Y_h, Y_c (D,B,H)."""
    T, Bt, I = X.shape
    D, GH, _ = W.shape
    H = R.shape[2]
    G = GH // H
    per = {"GRU": 2, "LSTM": 3, "RNN": 1}[kind]
    cl = (lambda v: np.clip(v, -clip, clip)) if clip else (lambda v: v)
    Y = np.zeros((T, D, Bt, H))
    Yh = np.zeros((D, Bt, H))
    Yc = np.zeros((D, Bt, H))
    for d in range(D):
        rev = direction == "reverse" or (direction == "bidirectional" and d == 1)
        a = [ACT[n] for n in acts[d * per:(d + 1) * per]]
        Wb = B[d, :GH] if B is not None else np.zeros(GH)
        Rb = B[d, GH:] if B is not None else np.zeros(GH)
        for b in range(Bt):
            L = T if lens is None else int(lens[b])
            h = h0[d, b].copy() if h0 is not None else np.zeros(H)
            c = c0[d, b].copy() if c0 is not None else np.zeros(H)
            for s in range(L):
                t = L - 1 - s if rev else s
                xw = W[d] @ X[t, b] + Wb
                hr = R[d] @ h + Rb
                if kind == "GRU":
                    z = a[0](cl(xw[:H] + hr[:H]))
                    r = a[0](cl(xw[H:2 * H] + hr[H:2 * H]))
                    if lbr:
                        hh = a[1](cl(xw[2 * H:] + r * hr[2 * H:]))
                    else:
                        hh = a[1](cl(xw[2 * H:] + R[d][2 * H:] @ (r * h) + Rb[2 * H:]))
                    h = (1 - z) * hh + z * h
                elif kind == "LSTM":
                    p = P[d] if P is not None else np.zeros(3 * H)
                    i = a[0](cl(xw[:H] + hr[:H] + p[:H] * c))
                    f = 1 - i if input_forget else a[0](cl(xw[2 * H:3 * H] + hr[2 * H:3 * H] + p[2 * H:] * c))
                    g = a[1](cl(xw[3 * H:] + hr[3 * H:]))
                    c = f * c + i * g
                    o = a[0](cl(xw[H:2 * H] + hr[H:2 * H] + p[H:2 * H] * c))
                    h = o * a[2](c)  # clip acts on gate inputs only, not on C (as ONNX Runtime)
                else:
                    h = a[0](cl(xw + hr))
                Y[t, d, b] = h
            if L > 0:
                Yh[d, b] = h
                Yc[d, b] = c
    return Y, Yh, Yc


def helper_case(name, kind, T, B, I, H, rng, direction="forward", lbr=None, clip=None, acts=None, layout=0,
                lens=None, use_h0=False, bias=True, peephole=False, external=False, input_forget=0):
    D = 2 if direction == "bidirectional" else 1
    G = {"GRU": 3, "LSTM": 4, "RNN": 1}[kind]
    per = {"GRU": 2, "LSTM": 3, "RNN": 1}[kind]
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    X = f32(rng.standard_normal((T, B, I)))
    W = f32(rng.standard_normal((D, G * H, I)) * 0.5)
    R = f32(rng.standard_normal((D, G * H, H)) * 0.5)
    Bv = f32(rng.standard_normal((D, 2 * G * H)) * 0.5) if bias else None
    P = f32(rng.standard_normal((D, 3 * H)) * 0.5) if peephole else None
    h0 = f32(rng.standard_normal((D, B, H))) if use_h0 else None
    c0 = f32(rng.standard_normal((D, B, H))) if use_h0 and kind == "LSTM" else None
    defaults = {"GRU": ["Sigmoid", "Tanh"], "LSTM": ["Sigmoid", "Tanh", "Tanh"], "RNN": ["Tanh"]}[kind]
    act_list = acts if acts is not None else defaults * D
    Y, Yh, Yc = ref_rnn(kind, X.astype(np.float64), W.astype(np.float64), R.astype(np.float64),
                        None if Bv is None else Bv.astype(np.float64), lens,
                        None if h0 is None else h0.astype(np.float64), None if c0 is None else c0.astype(np.float64),
                        None if P is None else P.astype(np.float64), direction, lbr if lbr is not None else 0, clip,
                        act_list, input_forget)
    # graph: inputs X (and h0, c0, seq_lens); W, R, B, P initializers
    Xin = X if layout == 0 else X.transpose(1, 0, 2)
    graph_inputs = [helper.make_tensor_value_info("X", TensorProto.FLOAT, list(Xin.shape))]
    feeds = {"X": Xin}
    inits = [numpy_helper.from_array(W, "W"), numpy_helper.from_array(R, "R")]
    node_in = ["X", "W", "R", "B" if bias else "", "", ""]
    if bias:
        inits.append(numpy_helper.from_array(Bv, "B"))
    if lens is not None:
        node_in[4] = "sequence_lens"
        graph_inputs.append(helper.make_tensor_value_info("sequence_lens", TensorProto.INT32, [B]))
        feeds["sequence_lens"] = np.asarray(lens, dtype=np.float64)
    st = lambda a: a if layout == 0 else a.transpose(1, 0, 2)
    if use_h0:
        node_in[5] = "initial_h"
        graph_inputs.append(helper.make_tensor_value_info("initial_h", TensorProto.FLOAT, list(st(h0).shape)))
        feeds["initial_h"] = st(h0)
    if kind == "LSTM":
        node_in += ["", ""]
        if c0 is not None:
            node_in[6] = "initial_c"
            graph_inputs.append(helper.make_tensor_value_info("initial_c", TensorProto.FLOAT, list(st(c0).shape)))
            feeds["initial_c"] = st(c0)
        if P is not None:
            node_in[7] = "P"
            inits.append(numpy_helper.from_array(P, "P"))
    while node_in and node_in[-1] == "":
        node_in.pop()
    attrs = {"hidden_size": H, "direction": direction}
    if lbr is not None:
        attrs["linear_before_reset"] = lbr
    if clip is not None:
        attrs["clip"] = clip
    if acts is not None:
        attrs["activations"] = acts
    if layout:
        attrs["layout"] = layout
    if input_forget:
        attrs["input_forget"] = input_forget
    outs = ["Y", "Y_h"] + (["Y_c"] if kind == "LSTM" else [])
    node = helper.make_node(kind, node_in, outs, name=name + "_node", **attrs)
    Yout = Y if layout == 0 else Y.transpose(2, 0, 1, 3)
    expected = {"Y": Yout, "Y_h": st(Yh)}
    if kind == "LSTM":
        expected["Y_c"] = st(Yc)
    graph_outputs = [helper.make_tensor_value_info(o, TensorProto.FLOAT, list(expected[o].shape)) for o in outs]
    g = helper.make_graph([node], name, graph_inputs, graph_outputs, inits)
    opset = 14 if layout else 13
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="gru4j-fixtures")
    m.ir_version = 8
    onnx.checker.check_model(m)
    path = os.path.join(OUT, name + ".onnx")
    if external:
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=name + ".weights", size_threshold=0)
    else:
        onnx.save_model(m, path)
    save(name, path, feeds, expected,
         {"source": "onnx.helper", "opset": opset, "op": kind, "direction": direction, "hidden_size": H,
          "input_size": I, "steps": T, "batch": B, "layout": layout, "clip": clip, "activations": act_list,
          "linear_before_reset": lbr, "sequence_lens": None if lens is None else list(lens), "peephole": peephole,
          "external_data": external, "input_forget": input_forget})


def invalid_models():
    """Models the loader must refuse with a clear message (checked by OnnxErrorsTest)."""
    d = os.path.join(OUT, "invalid")
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])

    def put(name, nodes, inits=(), inputs=(x,), outputs=(y,)):
        g = helper.make_graph(nodes, name, list(inputs), list(outputs), list(inits))
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
        with open(os.path.join(d, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())
        return m

    put("unsupported_op", [helper.make_node("Det", ["x"], ["y"], name="det_0")])
    put("missing_initializer", [helper.make_node("Add", ["x", "bias"], ["y"], name="add_bias")])
    put("cycle", [helper.make_node("Add", ["x", "b"], ["a"], name="first"),
                  helper.make_node("Identity", ["a"], ["b"], name="second"),
                  helper.make_node("Identity", ["a"], ["y"], name="third")])
    neg = TensorProto(name="bias", data_type=TensorProto.FLOAT, dims=[-3, 2])
    put("negative_dim", [helper.make_node("Add", ["x", "bias"], ["y"], name="add_bias")], [neg])
    huge = TensorProto(name="bias", data_type=TensorProto.FLOAT, dims=[1 << 20, 1 << 20])
    put("huge_dim", [helper.make_node("Add", ["x", "bias"], ["y"], name="add_bias")], [huge])
    esc = TensorProto(name="bias", data_type=TensorProto.FLOAT, dims=[2, 3], data_location=TensorProto.EXTERNAL)
    for k, v in (("location", "../../../../etc/passwd"), ("offset", "0"), ("length", "24")):
        e = esc.external_data.add()
        e.key, e.value = k, v
    put("external_escape", [helper.make_node("Add", ["x", "bias"], ["y"], name="add_bias")], [esc])
    with open(os.path.join(d, "not_onnx.onnx"), "wb") as f:
        f.write(b"\x0a\xff\xff\xff\xff\x0f garbage")


def glue_case(name, rng):
    """A graph in tf2onnx's manner around one GRU, for the glue operators torch exports rarely use: Shape, Gather,
    Range, Sub, Cast, Expand, ConstantOfShape, Slice with a negative step, Squeeze with axes as input, Greater,
    Where, Neg, Gemm, Softmax, Sigmoid, Tanh, Relu, Mul, Div, Flatten, Identity. X has dynamic steps and batch."""
    T, B, I, H, C = 6, 3, 4, 5, 3
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    X = f32(rng.standard_normal((T, B, I)))
    W, R = f32(rng.standard_normal((1, 3 * H, I)) * 0.5), f32(rng.standard_normal((1, 3 * H, H)) * 0.5)
    Bv = f32(rng.standard_normal((1, 6 * H)) * 0.5)
    Wh, bh = f32(rng.standard_normal((C, H))), f32(rng.standard_normal(C))
    i64 = lambda n, v: numpy_helper.from_array(np.asarray(v, dtype=np.int64), n)
    inits = [numpy_helper.from_array(W, "W"), numpy_helper.from_array(R, "R"), numpy_helper.from_array(Bv, "B"),
             numpy_helper.from_array(Wh, "Wh"), numpy_helper.from_array(bh, "bh"),
             i64("zero", 0), i64("one", 1), i64("minus1", [-1]), i64("far", [-(1 << 40)]), i64("axis0", [0]),
             i64("axis1", [1]), i64("hidden", [H]), i64("dir", [1]), numpy_helper.from_array(np.float32(2), "two"),
             numpy_helper.from_array(np.float32(0), "fzero")]
    N = helper.make_node
    nodes = [
        N("Shape", ["X"], ["shape"], name="shape"),
        N("Gather", ["shape", "zero"], ["t"], name="steps", axis=0),
        N("Gather", ["shape", "one"], ["b"], name="batch", axis=0),
        N("Range", ["zero", "t", "one"], ["steps_range"], name="range"),
        N("Shape", ["steps_range"], ["t1"], name="t1"),
        N("Unsqueeze", ["b", "axis0"], ["b1"], name="b1"),
        N("Expand", ["t1", "b1"], ["lens64"], name="lens_expand"),
        N("Cast", ["lens64"], ["lens"], name="lens_cast", to=TensorProto.INT32),
        N("Concat", ["dir", "b1", "hidden"], ["h0_shape"], name="h0_shape", axis=0),
        N("ConstantOfShape", ["h0_shape"], ["h0"], name="h0",
          value=numpy_helper.from_array(np.zeros(1, dtype=np.float32))),
        N("Slice", ["X", "minus1", "far", "axis0", "minus1"], ["Xrev"], name="reverse_time"),
        N("GRU", ["Xrev", "W", "R", "B", "lens", "h0"], ["Y", "Y_h"], name="gru", hidden_size=H, linear_before_reset=1),
        N("Squeeze", ["Y", "axis1"], ["Ysq"], name="squeeze_dirs"),
        N("Greater", ["Ysq", "fzero"], ["pos"], name="positive"),
        N("Neg", ["Ysq"], ["negY"], name="neg"),
        N("Where", ["pos", "Ysq", "negY"], ["absY"], name="abs"),
        N("Identity", ["absY"], ["out_abs"], name="identity"),
        N("Sub", ["t", "one"], ["last_t"], name="last_t"),
        N("Gather", ["Ysq", "last_t"], ["last"], name="last_step", axis=0),
        N("Flatten", ["last"], ["last2d"], name="flatten", axis=1),
        N("Gemm", ["last2d", "Wh", "bh"], ["logits"], name="head", transB=1),
        N("Softmax", ["logits"], ["out_softmax"], name="softmax", axis=1),
        N("Sigmoid", ["logits"], ["sg"], name="sigmoid"),
        N("Tanh", ["logits"], ["th"], name="tanh"),
        N("Mul", ["sg", "th"], ["prod"], name="mul"),
        N("Div", ["prod", "two"], ["half"], name="div"),
        N("Relu", ["logits"], ["rl"], name="relu"),
        N("Add", ["half", "rl"], ["out_mix"], name="add"),
    ]
    Y, _, _ = ref_rnn("GRU", X[::-1].astype(np.float64), W.astype(np.float64), R.astype(np.float64),
                      Bv.astype(np.float64), None, None, None, None, "forward", 1, None, ["Sigmoid", "Tanh"])
    Ysq = Y[:, 0]
    logits = Ysq[-1] @ Wh.astype(np.float64).T + bh
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    sig = 1 / (1 + np.exp(-logits))
    expected = {"out_abs": np.abs(Ysq), "out_softmax": e / e.sum(axis=1, keepdims=True),
                "out_mix": sig * np.tanh(logits) / 2 + np.maximum(logits, 0)}
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["steps", "batch", I])],
                          [helper.make_tensor_value_info("out_abs", TensorProto.FLOAT, ["steps", "batch", H]),
                           helper.make_tensor_value_info("out_softmax", TensorProto.FLOAT, ["batch", C]),
                           helper.make_tensor_value_info("out_mix", TensorProto.FLOAT, ["batch", C])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gru4j-fixtures")
    m.ir_version = 8
    onnx.checker.check_model(m)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save_model(m, path)
    save(name, path, {"X": X}, expected, {"source": "onnx.helper", "opset": 13, "ops": " ".join(sorted({n.op_type for n in nodes}))})


def main():
    os.makedirs(OUT, exist_ok=True)
    invalid_models()
    for f in os.listdir(OUT):
        if f.endswith((".onnx", ".safetensors", ".weights")):
            os.remove(os.path.join(OUT, f))
    rng = np.random.default_rng(20261126)
    torch.manual_seed(1)
    ops, n = set(), 0
    # (module kind, layers, bidirectional, bias, h0, batch_first, opset, dynamic)
    plan = [
        ("GRU", 1, False, True, False, False, 9, False),
        ("GRU", 2, True, True, True, True, 9, False),
        ("GRU", 3, False, False, True, False, 11, True),
        ("GRU", 1, True, True, False, True, 13, True),
        ("GRU", 2, False, True, True, False, 14, False),
        ("GRU", 1, False, True, True, True, 17, True),
        ("LSTM", 1, False, True, False, False, 9, False),
        ("LSTM", 2, True, True, True, False, 11, False),
        ("LSTM", 1, True, False, False, True, 13, True),
        ("LSTM", 3, False, True, True, True, 14, False),
        ("LSTM", 2, True, True, True, True, 17, True),
        ("RNN_TANH", 1, False, True, True, False, 9, False),
        ("RNN_RELU", 2, True, True, False, True, 11, True),
        ("RNN_TANH", 3, False, False, True, True, 13, False),
        ("RNN_RELU", 1, True, True, True, False, 14, False),
        ("RNN_TANH", 2, True, True, False, False, 17, True),
    ]
    for kind, L, bi, bias, h0, bf, opset, dyn in plan:
        I, H = int(rng.integers(2, 9)), int(rng.integers(3, 13))
        T, B = int(rng.integers(2, 9)), int(rng.integers(1, 5))
        if kind == "GRU":
            m = torch.nn.GRU(I, H, L, bias=bias, batch_first=bf, bidirectional=bi)
        elif kind == "LSTM":
            m = torch.nn.LSTM(I, H, L, bias=bias, batch_first=bf, bidirectional=bi)
        else:
            m = torch.nn.RNN(I, H, L, nonlinearity="relu" if kind == "RNN_RELU" else "tanh", bias=bias,
                             batch_first=bf, bidirectional=bi)
        name = "torch_%s_L%d%s%s%s%s_op%d%s" % (kind.lower(), L, "_bi" if bi else "", "" if bias else "_nobias",
                                                "_h0" if h0 else "", "_bf" if bf else "", opset, "_dyn" if dyn else "")
        ops |= set(torch_case(name, m, opset, T, B, h0, dyn, rng))
        n += 1
    ops |= set(torch_case("torch_gru_head_op13", GruHead(5, 7, 2, 4, True), 13, 6, 3, False, True, rng))
    ops |= set(torch_case("torch_gru_last_op9", GruLast(4, 6, 3), 9, 5, 2, True, False, rng))
    ops |= set(torch_case("torch_gru_last_op17", GruLast(3, 8, 5), 17, 4, 3, True, True, rng))
    n += 3

    helper_case("helper_gru_lbr0", "GRU", 6, 3, 4, 5, rng, lbr=0, use_h0=True)
    helper_case("helper_gru_lbr0_bi_nobias", "GRU", 5, 2, 3, 4, rng, direction="bidirectional", lbr=0, bias=False)
    helper_case("helper_gru_lbr1_reverse", "GRU", 7, 3, 4, 6, rng, direction="reverse", lbr=1, use_h0=True)
    helper_case("helper_gru_clip", "GRU", 6, 2, 5, 4, rng, lbr=1, clip=0.7)
    helper_case("helper_gru_seqlens_bi", "GRU", 7, 4, 3, 5, rng, direction="bidirectional", lbr=1, lens=[7, 3, 0, 5], use_h0=True)
    helper_case("helper_gru_seqlens_reverse_lbr0", "GRU", 6, 3, 3, 4, rng, direction="reverse", lbr=0, lens=[2, 6, 4])
    helper_case("helper_gru_layout1", "GRU", 5, 3, 4, 5, rng, lbr=1, layout=1, use_h0=True, direction="bidirectional")
    helper_case("helper_gru_activations", "GRU", 5, 2, 3, 4, rng, lbr=0, acts=["HardSigmoid", "Softsign"])
    helper_case("helper_gru_external", "GRU", 4, 2, 3, 5, rng, lbr=1, external=True)
    helper_case("helper_lstm_peephole", "LSTM", 5, 2, 3, 4, rng, peephole=True, use_h0=True)
    helper_case("helper_lstm_clip", "LSTM", 5, 2, 3, 4, rng, clip=0.8, use_h0=True)
    helper_case("helper_lstm_peephole_clip", "LSTM", 6, 3, 4, 5, rng, peephole=True, clip=1.5, use_h0=True)
    helper_case("helper_lstm_reverse_seqlens", "LSTM", 6, 3, 4, 4, rng, direction="reverse", lens=[6, 1, 4], use_h0=True)
    helper_case("helper_lstm_layout1_bi", "LSTM", 5, 2, 3, 4, rng, direction="bidirectional", layout=1, use_h0=True)
    helper_case("helper_lstm_input_forget", "LSTM", 5, 2, 3, 4, rng, input_forget=1)
    helper_case("helper_rnn_relu_reverse", "RNN", 6, 2, 3, 5, rng, direction="reverse", acts=["Relu"], use_h0=True)
    helper_case("helper_rnn_bi_acts", "RNN", 5, 3, 4, 4, rng, direction="bidirectional", acts=["Tanh", "Relu"], clip=2.0)
    glue_case("helper_glue_ops", rng)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("%d torch exports, 17 helper nodes, 1 glue graph; ops %s; %d bytes" % (n, sorted(ops), total))


class EmbedGru(torch.nn.Module):
    """Token ids → Embedding → GRU (initial state given) → Linear scores: a graph whose first input is int64."""

    def __init__(self, V, E, H, C):
        super().__init__()
        self.emb = torch.nn.Embedding(V, E)
        self.gru = torch.nn.GRU(E, H, batch_first=True)
        self.head = torch.nn.Linear(H, C)

    def forward(self, ids, state):
        y, hn = self.gru(self.emb(ids), state)
        return self.head(y), hn


def embed_case():
    """torch_embed_gru_op13: for the CLI's integer --input and --feed/--fetch (gru4j-cli OnnxRunFeedTest)."""
    torch.manual_seed(3)
    m = EmbedGru(11, 4, 5, 3).eval()
    ids = torch.tensor([[1, 5, 10, 0, 3], [7, 7, 2, 9, 4]], dtype=torch.int64)
    h0 = torch.randn(1, 2, 5)
    path = os.path.join(OUT, "torch_embed_gru_op13.onnx")
    torch.onnx.export(m, (ids, h0), path, opset_version=13, input_names=["ids", "state"], output_names=["scores", "hn"],
                      dynamic_axes={"ids": {0: "batch", 1: "steps"}, "state": {1: "batch"}, "scores": {0: "batch", 1: "steps"}})
    m64 = __import__("copy").deepcopy(m).double()
    with torch.no_grad():
        scores, hn = m64(ids, h0.double())
    save("torch_embed_gru_op13", path, {"ids": to_np(ids), "state": to_np(h0)}, {"scores": to_np(scores), "hn": to_np(hn)},
         {"source": "torch.onnx.export", "opset": 13, "module": "EmbedGru"})


def op_models():
    """Single-operator (and small control-flow) models for OpsOrtTest: gru4j and ONNX Runtime run each on the same
    random inputs. Written to onnx-fixtures/ops/<case>.onnx; inputs are declared with fixed shapes (the test draws
    them), int64 inputs named idx* hold indices below the declared 'high' in doc_string."""
    d = os.path.join(OUT, "ops")
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL

    def vi(name, shape, t=F):
        return helper.make_tensor_value_info(name, t, shape)

    def const(name, arr, t=I64):
        return helper.make_tensor(name, t, [len(arr)] if np.ndim(arr) == 1 else list(np.shape(arr)),
                                  np.asarray(arr).flatten().tolist())

    def put(name, nodes, inputs, outputs, opset, inits=(), doc=""):
        g = helper.make_graph(nodes, name, inputs, outputs, list(inits))
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        m.doc_string = doc

        onnx.save(m, os.path.join(d, name + ".onnx"))

    def unary(name, op, shape, opset, **attrs):
        put(name, [helper.make_node(op, ["x"], ["y"], **attrs)], [vi("x", shape)], [vi("y", None)], opset)

    n = 0
    # --- convolution
    convs = [
        ("conv1d_basic", [2, 3, 11], [4, 3, 3], {}),
        ("conv1d_pad_stride_dil", [2, 4, 17], [6, 4, 3], dict(pads=[2, 1], strides=[2], dilations=[2])),
        ("conv1d_group2", [1, 4, 9], [6, 2, 3], dict(group=2, pads=[1, 1])),
        ("conv1d_depthwise_same_upper", [2, 5, 10], [5, 1, 4], dict(group=5, auto_pad="SAME_UPPER", strides=[3])),
        ("conv1d_same_lower", [1, 2, 8], [3, 2, 4], dict(auto_pad="SAME_LOWER")),
        ("conv1d_valid", [1, 3, 12], [2, 3, 5], dict(auto_pad="VALID", strides=[2])),
        ("conv2d_basic", [2, 3, 7, 6], [4, 3, 3, 3], dict(pads=[1, 1, 1, 1])),
        ("conv2d_stride_dil_asym", [1, 2, 13, 11], [3, 2, 3, 2], dict(pads=[0, 2, 1, 0], strides=[2, 3], dilations=[2, 1])),
        ("conv2d_group_depthwise", [2, 6, 8, 8], [6, 1, 3, 3], dict(group=6, pads=[1, 1, 1, 1], strides=[2, 2])),
        ("conv2d_same_upper", [1, 3, 9, 7], [5, 3, 4, 3], dict(auto_pad="SAME_UPPER", strides=[2, 2])),
        ("conv2d_spectrogram", [2, 1, 40, 25], [8, 1, 5, 3], dict(strides=[2, 1], pads=[2, 1, 2, 1])),
    ]
    for name, xs, ws, attrs in convs:
        put(name, [helper.make_node("Conv", ["x", "w", "b"], ["y"], **attrs)],
            [vi("x", xs), vi("w", ws), vi("b", [ws[0]])], [vi("y", None)], 13)
        n += 1
    put("conv1d_nobias_op9", [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1])],
        [vi("x", [2, 3, 6]), vi("w", [2, 3, 3])], [vi("y", None)], 9)
    cts = [
        ("convtranspose1d_basic", [2, 3, 5], [3, 4, 3], {}),
        ("convtranspose1d_stride_pad", [1, 4, 7], [4, 2, 4], dict(strides=[2], pads=[1, 2], output_padding=[1])),
        ("convtranspose1d_group_dil", [2, 4, 6], [4, 3, 3], dict(group=2, dilations=[2], strides=[3])),
        ("convtranspose1d_output_shape", [1, 2, 5], [2, 3, 3], dict(strides=[2], output_shape=[10])),
        ("convtranspose2d_basic", [1, 2, 4, 5], [2, 3, 3, 2], dict(strides=[2, 1], pads=[1, 0, 0, 1])),
    ]
    for name, xs, ws, attrs in cts:
        mult = attrs.get("group", 1)
        put(name, [helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], **attrs)],
            [vi("x", xs), vi("w", ws), vi("b", [ws[1] * mult])], [vi("y", None)], 13)
        n += 1
    # --- pooling
    pools = [
        ("maxpool1d", "MaxPool", [2, 3, 11], dict(kernel_shape=[3], strides=[2], pads=[1, 1])),
        ("maxpool2d_ceil_dil", "MaxPool", [1, 2, 9, 8], dict(kernel_shape=[3, 2], strides=[2, 2], ceil_mode=1, dilations=[1, 2])),
        ("maxpool2d_same_upper", "MaxPool", [1, 3, 7, 6], dict(kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")),
        ("avgpool1d_exclude_pad", "AveragePool", [2, 3, 10], dict(kernel_shape=[4], strides=[2], pads=[2, 1])),
        ("avgpool2d_include_pad", "AveragePool", [1, 2, 7, 7], dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1)),
        ("avgpool2d_ceil", "AveragePool", [1, 2, 8, 7], dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
    ]
    for name, op, xs, attrs in pools:
        put(name, [helper.make_node(op, ["x"], ["y"], **attrs)], [vi("x", xs)], [vi("y", None)], 13)
        n += 1
    put("maxpool2d_indices", [helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 2], strides=[2, 2])],
        [vi("x", [2, 2, 6, 4])], [vi("y", None), vi("i", None, I64)], 13)
    unary("globalavgpool", "GlobalAveragePool", [2, 3, 5, 4], 13)
    unary("globalmaxpool", "GlobalMaxPool", [2, 3, 7], 13)
    # --- normalisation
    put("batchnorm", [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1e-3)],
        [vi("x", [2, 3, 5, 4]), vi("s", [3]), vi("b", [3]), vi("m", [3])], [vi("y", None)], 15,
        inits=[helper.make_tensor("v", F, [3], [0.5, 1.5, 2.0])])
    put("layernorm_op17", [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], axis=-1, epsilon=1e-5)],
        [vi("x", [3, 4, 6]), vi("s", [6]), vi("b", [6])], [vi("y", None)], 17)
    put("layernorm_op17_axis1", [helper.make_node("LayerNormalization", ["x", "s"], ["y", "mean", "inv"], axis=1)],
        [vi("x", [2, 3, 5]), vi("s", [3, 5])], [vi("y", None), vi("mean", None), vi("inv", None)], 17)
    put("instancenorm", [helper.make_node("InstanceNormalization", ["x", "s", "b"], ["y"], epsilon=1e-4)],
        [vi("x", [2, 3, 7]), vi("s", [3]), vi("b", [3])], [vi("y", None)], 13)
    # torch's LayerNorm before opset 17: ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add
    put("layernorm_pattern_op13", [
        helper.make_node("ReduceMean", ["x"], ["m"], axes=[-1]),
        helper.make_node("Sub", ["x", "m"], ["d"]),
        helper.make_node("Pow", ["d", "two"], ["d2"]),
        helper.make_node("ReduceMean", ["d2"], ["v"], axes=[-1]),
        helper.make_node("Add", ["v", "eps"], ["ve"]),
        helper.make_node("Sqrt", ["ve"], ["sd"]),
        helper.make_node("Div", ["d", "sd"], ["z"]),
        helper.make_node("Mul", ["z", "s"], ["zs"]),
        helper.make_node("Add", ["zs", "b"], ["y"])],
        [vi("x", [3, 5, 8]), vi("s", [8]), vi("b", [8])], [vi("y", None)], 13,
        inits=[helper.make_tensor("two", F, [], [2.0]), helper.make_tensor("eps", F, [], [1e-5])])
    n += 6
    # --- reductions
    for op in ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceL1",
               "ReduceLogSumExp", "ReduceSumSquare"]:
        if op == "ReduceSum":
            put("reducesum_op13_input", [helper.make_node(op, ["x", "axes"], ["y"], keepdims=0)], [vi("x", [3, 4, 5])],
                [vi("y", None)], 13, inits=[const("axes", [0, 2])])
            put("reducesum_op13_noaxes", [helper.make_node(op, ["x"], ["y"])], [vi("x", [3, 4])], [vi("y", None)], 13)
        else:
            put(op.lower() + "_op13_attr", [helper.make_node(op, ["x"], ["y"], axes=[1], keepdims=1)],
                [vi("x", [3, 4, 5])], [vi("y", None)], 13)
            put(op.lower() + "_op18_input", [helper.make_node(op, ["x", "axes"], ["y"], keepdims=0)],
                [vi("x", [2, 3, 4])], [vi("y", None)], 18, inits=[const("axes", [-1, 0])])
        n += 2
    put("reducemean_op18_noop", [helper.make_node("ReduceMean", ["x", "axes"], ["y"], noop_with_empty_axes=1)],
        [vi("x", [2, 3])], [vi("y", None)], 18, inits=[helper.make_tensor("axes", I64, [0], [])])
    put("argmax_keep", [helper.make_node("ArgMax", ["x"], ["y"], axis=1, keepdims=1)], [vi("x", [3, 5, 2])], [vi("y", None, I64)], 13)
    put("argmin_last", [helper.make_node("ArgMin", ["x"], ["y"], axis=-1, keepdims=0, select_last_index=1)],
        [vi("x", [4, 6])], [vi("y", None, I64)], 13)
    put("topk", [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1, largest=1)], [vi("x", [3, 7])],
        [vi("v", None), vi("i", None, I64)], 11, inits=[const("k", [3])])
    put("topk_smallest", [helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=0, largest=0)], [vi("x", [6, 2])],
        [vi("v", None), vi("i", None, I64)], 11, inits=[const("k", [2])])
    put("cumsum", [helper.make_node("CumSum", ["x", "a"], ["y"])], [vi("x", [3, 4])], [vi("y", None)], 14,
        inits=[helper.make_tensor("a", I64, [], [1])])
    put("cumsum_excl_rev", [helper.make_node("CumSum", ["x", "a"], ["y"], exclusive=1, reverse=1)], [vi("x", [5, 2])],
        [vi("y", None)], 14, inits=[helper.make_tensor("a", I64, [], [0])])
    n += 7
    # --- elementwise
    for op in ["Sqrt", "Exp", "Log", "Abs", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Erf", "Softplus", "Softsign",
               "HardSwish", "Neg", "Relu", "Sigmoid", "Tanh"]:
        unary("u_" + op.lower(), op, [3, 5], 14)
        n += 1
    unary("u_leakyrelu", "LeakyRelu", [3, 5], 13, alpha=0.2)
    unary("u_elu", "Elu", [3, 5], 13, alpha=0.7)
    unary("u_selu", "Selu", [3, 5], 13)
    unary("u_hardsigmoid", "HardSigmoid", [3, 5], 13, alpha=0.3, beta=0.4)
    unary("u_gelu_op20", "Gelu", [3, 5], 20)
    unary("u_gelu_tanh_op20", "Gelu", [3, 5], 20, approximate="tanh")
    put("clip_op13", [helper.make_node("Clip", ["x", "lo", "hi"], ["y"])], [vi("x", [4, 3])], [vi("y", None)], 13,
        inits=[helper.make_tensor("lo", F, [], [-0.5]), helper.make_tensor("hi", F, [], [0.7])])
    put("clip_op9", [helper.make_node("Clip", ["x"], ["y"], min=-0.2, max=0.3)], [vi("x", [4, 3])], [vi("y", None)], 9)
    for op in ["Pow", "Min", "Max", "Add", "Sub", "Mul", "Div", "PRelu"]:
        put("b_" + op.lower(), [helper.make_node(op, ["a", "b"], ["y"])], [vi("a", [2, 3, 4]), vi("b", [3, 1] if op != "PRelu" else [3, 1])],
            [vi("y", None)], 13)
    put("b_mod_fmod", [helper.make_node("Mod", ["a", "b"], ["y"], fmod=1)], [vi("a", [3, 4]), vi("b", [4])], [vi("y", None)], 13)
    put("b_mod_int", [helper.make_node("Mod", ["idx_a", "idx_b"], ["y"])], [vi("idx_a", [3, 4], I64), vi("idx_b", [4], I64)],
        [vi("y", None, I64)], 13, doc="high=7 low=-7 nonzero")
    for op in ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"]:
        put("c_" + op.lower(), [helper.make_node(op, ["a", "b"], ["c"]), helper.make_node("Cast", ["c"], ["y"], to=F)],
            [vi("a", [2, 3]), vi("b", [3])], [vi("y", None)], 16)
    for op in ["And", "Or", "Xor"]:
        put("l_" + op.lower(), [helper.make_node("Greater", ["a", "z"], ["p"]), helper.make_node("Less", ["b", "z"], ["q"]),
                                helper.make_node(op, ["p", "q"], ["c"]), helper.make_node("Not", ["c"], ["nc"]),
                                helper.make_node("Cast", ["nc"], ["y"], to=F)],
            [vi("a", [4, 3]), vi("b", [3])], [vi("y", None)], 13, inits=[helper.make_tensor("z", F, [], [0.0])])
    put("where_broadcast", [helper.make_node("Greater", ["a", "z"], ["c"]), helper.make_node("Where", ["c", "x", "w"], ["y"])],
        [vi("a", [3, 1]), vi("x", [1, 4]), vi("w", [])], [vi("y", None)], 16, inits=[helper.make_tensor("z", F, [], [0.0])])
    n += 30
    # --- shapes
    for mode in ["constant", "reflect", "edge"]:
        put("pad_" + mode, [helper.make_node("Pad", ["x", "p", "v"], ["y"], mode=mode)], [vi("x", [3, 4])], [vi("y", None)], 13,
            inits=[const("p", [1, 2, 2, 3]), helper.make_tensor("v", F, [], [0.25])])
    put("pad_op18_axes", [helper.make_node("Pad", ["x", "p", "", "ax"], ["y"], mode="reflect")], [vi("x", [2, 5, 4])],
        [vi("y", None)], 18, inits=[const("p", [2, 1, 0, 3]), const("ax", [1, -1])])
    put("pad_op9_negative", [helper.make_node("Pad", ["x"], ["y"], pads=[0, -1, 1, 2], value=1.5)], [vi("x", [3, 4])],
        [vi("y", None)], 9)
    put("tile", [helper.make_node("Tile", ["x", "r"], ["y"])], [vi("x", [2, 3])], [vi("y", None)], 13, inits=[const("r", [2, 3])])
    put("size", [helper.make_node("Size", ["x"], ["s"]), helper.make_node("Cast", ["s"], ["y"], to=F)], [vi("x", [2, 3, 4])],
        [vi("y", None)], 13)
    put("split_op13_input", [helper.make_node("Split", ["x", "s"], ["a", "b", "c"], axis=1)], [vi("x", [2, 7])],
        [vi("a", None), vi("b", None), vi("c", None)], 13, inits=[const("s", [2, 4, 1])])
    put("split_op18_num_outputs", [helper.make_node("Split", ["x"], ["a", "b", "c"], axis=0, num_outputs=3)], [vi("x", [7, 2])],
        [vi("a", None), vi("b", None), vi("c", None)], 18)
    put("split_op11_attr", [helper.make_node("Split", ["x"], ["a", "b"], axis=-1, split=[1, 3])], [vi("x", [2, 4])],
        [vi("a", None), vi("b", None)], 11)
    put("squeeze_unsqueeze_op13", [helper.make_node("Unsqueeze", ["x", "u"], ["t"]), helper.make_node("Squeeze", ["t", "s"], ["y"])],
        [vi("x", [3, 1, 4])], [vi("y", None)], 13, inits=[const("u", [0, -1]), const("s", [0, 2])])
    put("slice_negative_steps", [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])], [vi("x", [5, 6, 4])],
        [vi("y", None)], 13, inits=[const("st", [-1, 4, 0]), const("en", [-1000, 0, 10]), const("ax", [0, 1, 2]), const("sp", [-2, -1, 3])])
    put("gatherelements", [helper.make_node("GatherElements", ["x", "idx"], ["y"], axis=1)], [vi("x", [3, 5]), vi("idx", [3, 4], I64)],
        [vi("y", None)], 13, doc="high=5")
    put("scatternd", [helper.make_node("ScatterND", ["x", "idx", "u"], ["y"])], [vi("x", [4, 3, 2]), vi("u", [2, 3, 2])],
        [vi("y", None)], 13, inits=[helper.make_tensor("idx", I64, [2, 1], [3, 1])])
    put("scatternd_add", [helper.make_node("ScatterND", ["x", "idx", "u"], ["y"], reduction="add")], [vi("x", [4, 3]), vi("u", [3])],
        [vi("y", None)], 16, inits=[helper.make_tensor("idx", I64, [3, 2], [0, 1, 3, 2, 0, 1])])
    put("nonzero", [helper.make_node("Greater", ["x", "z"], ["c"]), helper.make_node("NonZero", ["c"], ["y"])], [vi("x", [3, 4])],
        [vi("y", None, I64)], 13, inits=[helper.make_tensor("z", F, [], [0.0])])
    for name, eq, shapes in [("einsum_bmm", "bij,bjk->bik", [[2, 3, 4], [2, 4, 5]]), ("einsum_attn", "bhd,bd->bh", [[3, 5, 4], [3, 4]]),
                             ("einsum_outer_sum", "ij,kj->ik", [[3, 4], [5, 4]]), ("einsum_ellipsis", "...ij,...jk->...ik", [[2, 2, 3], [2, 3, 4]]),
                             ("einsum_sumout", "ijk,k->i", [[2, 3, 4], [4]]), ("einsum_transpose", "ij->ji", [[3, 4]])]:
        ins = [vi("x%d" % k, s) for k, s in enumerate(shapes)]
        put(name, [helper.make_node("Einsum", [v.name for v in ins], ["y"], equation=eq)], ins, [vi("y", None)], 12)
    n += 25
    # --- control flow: If with outer-scope values and nesting, Loop as torch writes it, Scan as tf2onnx writes it
    then_inner = helper.make_graph([helper.make_node("Mul", ["x", "two"], ["t"])], "then_inner", [], [vi("t", None)])
    else_inner = helper.make_graph([helper.make_node("Neg", ["x"], ["t"])], "else_inner", [], [vi("t", None)])
    then_g = helper.make_graph([helper.make_node("ReduceMax", ["x"], ["mx"], keepdims=0),
                                helper.make_node("Greater", ["mx", "half"], ["c2"]),
                                helper.make_node("If", ["c2"], ["t2"], then_branch=then_inner, else_branch=else_inner),
                                helper.make_node("Add", ["t2", "x"], ["o"])], "then", [], [vi("o", None)])
    else_g = helper.make_graph([helper.make_node("Sub", ["x", "two"], ["o"])], "else", [], [vi("o", None)])
    put("if_nested_outer", [helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
                            helper.make_node("Greater", ["s", "zero"], ["c"]),
                            helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
        [vi("x", [3, 4])], [vi("y", None)], 13,
        inits=[helper.make_tensor("two", F, [], [2.0]), helper.make_tensor("half", F, [], [0.5]), helper.make_tensor("zero", F, [], [0.0])])
    # Loop: h_{t+1} = tanh(W·h_t + x[t]), scan output h per step, trip count from the shape of x (torch's form)
    body = helper.make_graph([
        helper.make_node("Gather", ["x", "i"], ["xt"], axis=0),
        helper.make_node("MatMul", ["h", "w"], ["hw"]),
        helper.make_node("Add", ["hw", "xt"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h2"]),
        helper.make_node("Identity", ["cond_in"], ["cond_out"]),
        helper.make_node("Identity", ["h2"], ["h_scan"])],
        "loop_body", [vi("i", [], I64), vi("cond_in", [], B), vi("h", None)],
        [vi("cond_out", [], B), vi("h2", None), vi("h_scan", None)])
    put("loop_rnn", [helper.make_node("Shape", ["x"], ["sx"]),
                     helper.make_node("Gather", ["sx", "zero_i"], ["T"], axis=0),
                     helper.make_node("Loop", ["T", "true", "h0"], ["hT", "hs"], body=body)],
        [vi("x", [5, 2, 3]), vi("h0", [2, 3]), vi("w", [3, 3])], [vi("hT", None), vi("hs", None)], 13,
        inits=[helper.make_tensor("zero_i", I64, [], [0]), helper.make_tensor("true", B, [], [1])])
    # Loop ending on its condition: keep doubling while the sum stays below 50 (at most 20 trips)
    body2 = helper.make_graph([
        helper.make_node("Mul", ["v", "two"], ["v2"]),
        helper.make_node("ReduceSum", ["v2"], ["s"], keepdims=0),
        helper.make_node("Less", ["s", "fifty"], ["c"])],
        "loop_cond_body", [vi("i", [], I64), vi("cond_in", [], B), vi("v", None)], [vi("c", [], B), vi("v2", None)])
    put("loop_condition", [helper.make_node("Abs", ["x"], ["ax"]), helper.make_node("Loop", ["M", "", "ax"], ["y"], body=body2)],
        [vi("x", [2, 3])], [vi("y", None)], 13,
        inits=[helper.make_tensor("M", I64, [], [20]), helper.make_tensor("two", F, [], [2.0]), helper.make_tensor("fifty", F, [], [50.0])])
    # Scan: a running sum and a per-step output, one input scanned in reverse along axis 1
    sbody = helper.make_graph([helper.make_node("Add", ["acc", "xt"], ["acc2"]), helper.make_node("Mul", ["acc2", "xt"], ["yt"])],
                              "scan_body", [vi("acc", None), vi("xt", None)], [vi("acc2", None), vi("yt", None)])
    put("scan_reverse_axis1", [helper.make_node("Scan", ["s0", "x"], ["sT", "ys"], body=sbody, num_scan_inputs=1,
                                                scan_input_axes=[1], scan_input_directions=[1], scan_output_axes=[1])],
        [vi("s0", [2]), vi("x", [2, 6])], [vi("sT", None), vi("ys", None)], 11)
    n += 4
    print("%d operator models in %s" % (len(os.listdir(d)), d))


if __name__ == "__main__":
    if sys.argv[1:] == ["--ops"]:
        op_models()
        embed_case()
    else:
        main()
        op_models()
        embed_case()
