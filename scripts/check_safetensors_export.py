#!/usr/bin/python3
"""Checks that gru4j's .safetensors export loads into PyTorch as it is, and computes what gru4j computes.

    /usr/bin/python3 scripts/check_safetensors_export.py       # Debian's python3-torch; ./gru4j builds itself

For each configuration (every cell; layers, directions, bias; the GRU's other update convention; sequence models
with embeddings and both heads) random weights are written as a native .gru4j file (safetensors + gru4j's config
metadata), `./gru4j convert m.gru4j m.safetensors` exports it with PyTorch's names, the file is loaded into
nn.GRU / nn.LSTM / nn.RNN (or scripts/gru4j_torch.py's SequenceModel) with load_state_dict(strict=True), and
PyTorch's outputs are compared with gru4j's own: `./gru4j run --model m.gru4j` for a recurrent module (the native
model, before any conversion), `./gru4j run --model m.onnx` (converted from the same .gru4j) for a sequence model.
The safetensors files are read with safetensors.torch when it is installed, else with the 10-line reader below
(the format is a JSON header and raw little-endian bytes). Prints the largest difference; exits 1 above 1e-5.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from gru4j_torch import SequenceModel, recurrent  # noqa: E402

root = os.path.join(here, "..")
GATES = {"gru": 3, "lstm": 4, "rnn_tanh": 1, "rnn_relu": 1}
T, B = 7, 3


def write_safetensors(path, tensors, meta):
    header, off, blobs = {"__metadata__": meta}, 0, []
    for name, a in tensors.items():
        b = np.ascontiguousarray(a, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    try:
        import safetensors
        import safetensors.torch
        with safetensors.safe_open(path, "pt") as f:
            return safetensors.torch.load_file(path), f.metadata()
    except ImportError:
        data = open(path, "rb").read()
        n = struct.unpack("<Q", data[:8])[0]
        header = json.loads(data[8:8 + n])
        meta = header.pop("__metadata__", {})
        assert all(v["dtype"] == "F32" for v in header.values())
        return {k: torch.from_numpy(np.frombuffer(data[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], "<f4")
                                    .reshape(v["shape"]).copy()) for k, v in header.items()}, meta


def gru4j(*args):
    r = subprocess.run([os.path.join(root, "gru4j"), *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("gru4j " + " ".join(args) + " failed: " + r.stderr.strip())
    return r.stdout


def native(cfg, rng):
    """A .gru4j state_dict with random weights and its metadata, for cfg (ModelFile's field names)."""
    g, h, layers, d = GATES[cfg["cell"]], cfg["hidden"], cfg["layers"], 2 if cfg["bidirectional"] else 1
    sd, pre = {}, "rnn." if cfg["model"] == "sequence" else ""
    if cfg.get("vocab", 0) > 0:
        sd["embedding.weight"] = rng.standard_normal((cfg["vocab"], cfg["input"]))
    for l in range(layers):
        i = cfg["input"] if l == 0 else d * h
        for sfx in ["_l%d" % l, "_l%d_reverse" % l][:d]:
            sd[pre + "weight_ih" + sfx] = rng.standard_normal((g * h, i)) * 0.5
            sd[pre + "weight_hh" + sfx] = rng.standard_normal((g * h, h)) * 0.5
            if cfg["bias"]:
                sd[pre + "bias_ih" + sfx] = rng.standard_normal(g * h) * 0.5
                sd[pre + "bias_hh" + sfx] = rng.standard_normal(g * h) * 0.5
    if cfg["model"] == "sequence":
        sd["head.weight"] = rng.standard_normal((cfg["outputs"], d * h))
        sd["head.bias"] = rng.standard_normal(cfg["outputs"])
    meta = {"format": "gru4j", "format_version": "1", **{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in cfg.items()}}
    return sd, meta


def configs():
    out = []
    for cell in ["gru", "lstm", "rnn_tanh", "rnn_relu"]:
        for layers, bi, bias in [(1, False, True), (2, True, True), (2, False, False)]:
            out.append(dict(model="recurrent", cell=cell, input=4, hidden=5, layers=layers, bidirectional=bi, bias=bias,
                            reset_after=True, z_keeps_state=True))
    for layers, bi, bias in [(1, False, True), (2, True, False)]:   # the seed's update convention, negated on export
        out.append(dict(model="recurrent", cell="gru", input=4, hidden=5, layers=layers, bidirectional=bi, bias=bias,
                        reset_after=True, z_keeps_state=False))
    seq = [("gru", 9, "per_step", True, False), ("lstm", 0, "last_step", True, True), ("rnn_relu", 0, "per_step", False, True),
           ("gru", 0, "last_step", False, True), ("rnn_tanh", 6, "last_step", True, True), ("lstm", 7, "per_step", False, True)]
    for cell, vocab, head, bi, keeps in seq:
        out.append(dict(model="sequence", cell=cell, input=4, hidden=5, layers=2, bidirectional=bi, bias=True,
                        reset_after=True, z_keeps_state=keeps, vocab=vocab, dropout=0.25, head=head, outputs=3))
    return out


def main():
    rng = np.random.default_rng(7)
    worst, n = 0.0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for k, cfg in enumerate(configs()):
            sd, meta = native(cfg, rng)
            native_file, st = os.path.join(tmp, "m%d.gru4j" % k), os.path.join(tmp, "m%d.safetensors" % k)
            write_safetensors(native_file, sd, meta)
            gru4j("convert", native_file, st)
            tensors, exported_meta = read_safetensors(st)
            if cfg.get("vocab", 0) > 0:
                x = rng.integers(0, cfg["vocab"], (T, B)).astype(np.float32)
            else:
                x = rng.standard_normal((T, B, cfg["input"])).astype(np.float32)
            xf = os.path.join(tmp, "x.npy")
            np.save(xf, x)
            if cfg["model"] == "recurrent":
                m = recurrent(cfg["cell"], cfg["input"], cfg["hidden"], cfg["layers"], cfg["bidirectional"], cfg["bias"])
                m.load_state_dict(tensors, strict=True)
                gru4j("run", "--model", native_file, "--input", xf, "--output", os.path.join(tmp, "y.npy"), "--hn", os.path.join(tmp, "hn.npy"))
            else:
                m = SequenceModel.from_metadata(exported_meta)
                m.load_state_dict(tensors, strict=True)
                onnx = os.path.join(tmp, "m%d.onnx" % k)
                gru4j("convert", native_file, onnx)
                gru4j("run", "--model", onnx, "--input", xf, "--output", os.path.join(tmp, "y.npy"), "--hn", os.path.join(tmp, "hn.npy"))
            m.eval()
            with torch.no_grad():
                y, state = m(torch.from_numpy(x))
            hn = state[0] if isinstance(state, tuple) else state
            d = max(np.abs(y.numpy() - np.load(os.path.join(tmp, "y.npy"))).max(),
                    np.abs(hn.numpy() - np.load(os.path.join(tmp, "hn.npy"))).max())
            print("%-9s %-8s layers=%d bi=%-5s bias=%-5s z_keeps_state=%-5s %s max|diff| %.3g" % (
                cfg["model"], cfg["cell"], cfg["layers"], cfg["bidirectional"], cfg["bias"], cfg["z_keeps_state"],
                ("vocab=%d head=%s" % (cfg["vocab"], cfg["head"])) if cfg["model"] == "sequence" else "", d))
            worst, n = max(worst, d), n + 1
    print("checked=%d largest_difference=%.3g (load_state_dict strict=True each time)" % (n, worst))
    sys.exit(0 if worst <= 1e-5 else 1)


if __name__ == "__main__":
    main()
