#!/usr/bin/python3
"""`./gru4j run` against PyTorch on random shapes, as an outside checker would run it.

    /usr/bin/python3 scripts/check_run_vs_torch.py [--cases 40] [--seed 1] [--tol 1e-4] [--keep DIR]

Each case draws a cell (GRU, LSTM, RNN tanh, RNN relu), input and hidden sizes from 1 to 300, 1-4 layers,
bidirectional or not, bias or not, an initial state or not, batch-first or not, T from 1 to 50 steps and B from 1 to
8 sequences; builds the torch.nn module (PyTorch's default initialization), saves it as a .pt (its state_dict, now and
then inside a checkpoint dict under 'model.rnn.') or as a hand-written .safetensors, runs

    ./gru4j run --model M --input X.npy --output Y.npy --hn HN.npy [--cn CN.npy] [--h0 H0.npy] [--c0 C0.npy]
                [--batch-first] [--nonlinearity relu]

and compares Y, HN (and CN) with what module(x, h0) returns in float32. It prints one line per case and the largest
absolute error seen (also against the same module run in float64, for scale), and exits 1 if any error is over --tol
or any run fails. Not part of `mvn test`: it needs Python, PyTorch and a built ./gru4j.
"""
import argparse
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((-(8 + len(h))) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def draw(rng):
    cell = rng.choice(["gru", "lstm", "rnn_tanh", "rnn_relu"])
    return dict(cell=cell, I=rng.randint(1, 300), H=rng.randint(1, 300), L=rng.randint(1, 4),
                bi=rng.random() < 0.5, bias=rng.random() < 0.75, h0=rng.random() < 0.5,
                batch_first=rng.random() < 0.5, T=rng.randint(1, 50), B=rng.randint(1, 8),
                fmt=rng.choice(["pt", "pt", "checkpoint", "safetensors"]))


def module(c):
    kw = dict(num_layers=c["L"], bidirectional=c["bi"], bias=c["bias"], batch_first=c["batch_first"])
    if c["cell"] == "gru":
        return torch.nn.GRU(c["I"], c["H"], **kw)
    if c["cell"] == "lstm":
        return torch.nn.LSTM(c["I"], c["H"], **kw)
    return torch.nn.RNN(c["I"], c["H"], nonlinearity=c["cell"][4:], **kw)


def run_case(k, c, d):
    torch.manual_seed(1000 + k)
    m = module(c).eval()
    D = 2 if c["bi"] else 1
    x = torch.randn(*((c["B"], c["T"], c["I"]) if c["batch_first"] else (c["T"], c["B"], c["I"])))
    lstm = c["cell"] == "lstm"
    state = None
    if c["h0"]:
        h0 = torch.randn(c["L"] * D, c["B"], c["H"])
        state = (h0, torch.randn(c["L"] * D, c["B"], c["H"])) if lstm else h0
    with torch.no_grad():
        y, hn = m(x, state)
        m64 = module(c).double()
        m64.load_state_dict(m.state_dict())
        y64, hn64 = m64(x.double(), None if state is None else
                        tuple(s.double() for s in state) if lstm else state.double())
    want = {"y": y, "hn": hn[0] if lstm else hn}
    want64 = {"y": y64, "hn": hn64[0] if lstm else hn64}
    if lstm:
        want["cn"], want64["cn"] = hn[1], hn64[1]

    sd = m.state_dict()
    if c["fmt"] == "safetensors":
        model = os.path.join(d, "m.safetensors")
        write_safetensors(model, sd)
    elif c["fmt"] == "checkpoint":
        model = os.path.join(d, "m.pt")
        torch.save({"lr": 0.01, "model": {"rnn." + k2: v for k2, v in sd.items()}, "epoch": 1}, model)   # a float first
    else:
        model = os.path.join(d, "m.pt")
        torch.save(sd, model)
    np.save(os.path.join(d, "x.npy"), x.numpy().astype(np.float32))
    args = [os.path.join(ROOT, "gru4j"), "run", "--model", model, "--input", os.path.join(d, "x.npy"),
            "--output", os.path.join(d, "y.npy"), "--hn", os.path.join(d, "hn.npy")]
    if lstm:
        args += ["--cn", os.path.join(d, "cn.npy")]
    if c["h0"]:
        np.save(os.path.join(d, "h0.npy"), (state[0] if lstm else state).numpy().astype(np.float32))
        args += ["--h0", os.path.join(d, "h0.npy")]
        if lstm:
            np.save(os.path.join(d, "c0.npy"), state[1].numpy().astype(np.float32))
            args += ["--c0", os.path.join(d, "c0.npy")]
    if c["batch_first"]:
        args.append("--batch-first")
    if c["cell"] == "rnn_relu":
        args += ["--nonlinearity", "relu"]
    for f in ("y.npy", "hn.npy", "cn.npy"):
        if os.path.exists(os.path.join(d, f)):
            os.remove(os.path.join(d, f))
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        return None, None, "exit %d: %s" % (p.returncode, p.stderr.strip())
    err, err64 = 0.0, 0.0
    for name, t in want.items():
        got = np.load(os.path.join(d, name + ".npy"))
        if got.shape != tuple(t.shape):
            return None, None, "%s has shape %s, PyTorch %s" % (name, got.shape, tuple(t.shape))
        err = max(err, float(np.abs(got.astype(np.float64) - t.numpy().astype(np.float64)).max(initial=0)))
        err64 = max(err64, float(np.abs(got.astype(np.float64) - want64[name].numpy()).max(initial=0)))
    return err, err64, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--keep", help="work in this directory and keep its files")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    d = a.keep or tempfile.mkdtemp(prefix="gru4j-check-")
    os.makedirs(d, exist_ok=True)
    worst, worst64, failed = 0.0, 0.0, 0
    start = time.time()
    for k in range(a.cases):
        c = draw(rng)
        err, err64, problem = run_case(k, c, d)
        desc = "%-8s I=%3d H=%3d L=%d %s %s %s %s T=%2d B=%d %-11s" % (
            c["cell"], c["I"], c["H"], c["L"], "bi" if c["bi"] else "  ", "bias" if c["bias"] else "    ",
            "h0" if c["h0"] else "  ", "bf" if c["batch_first"] else "  ", c["T"], c["B"], c["fmt"])
        if problem:
            failed += 1
            print("case %2d %s FAILED: %s" % (k, desc, problem))
            continue
        worst, worst64 = max(worst, err), max(worst64, err64)
        bad = err > a.tol
        failed += bad
        print("case %2d %s max|err| %.2e (vs float64 %.2e)%s" % (k, desc, err, err64, "  OVER TOLERANCE" if bad else ""))
    print("%d cases in %.0f s: largest abs error vs PyTorch float32 %.3e, vs float64 %.3e; %d failed (tol %.0e)"
          % (a.cases, time.time() - start, worst, worst64, failed, a.tol))
    if not a.keep:
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        os.rmdir(d)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
