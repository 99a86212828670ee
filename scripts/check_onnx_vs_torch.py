#!/usr/bin/python3
"""`./gru4j run --model M.onnx` against PyTorch on random shapes and opsets, as an outside checker would run it.

    /usr/bin/python3 scripts/check_onnx_vs_torch.py [--cases 20] [--seed 1] [--tol 1e-4]

Each case draws a cell (GRU, LSTM, RNN tanh/relu), I and H from 1 to 200, 1-4 layers, either direction, bias or not,
an h0 (and c0) graph input or not, batch_first or not, T 1-30, B 1-6 and an opset from 9 to 17; exports the torch.nn
module with torch.onnx.export (the h0 input named "h0", c0 "c0"; the outputs Y and HN, and CN for an LSTM), runs

    ./gru4j run --model M.onnx --input X.npy --output Y.npy --hn HN.npy [--h0 H0.npy] [--c0 C0.npy]

and compares Y and HN with what module(x, h0) returns in float32. The graph's own layout applies (no --batch-first).
Prints one line per case, the largest absolute error, and exits 1 if any is over --tol or any run fails.
Not part of `mvn test`: it needs Python, PyTorch, onnx and a built ./gru4j.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    torch.manual_seed(a.seed)
    worst, failed, t0 = 0.0, 0, time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.cases):
            cell = rng.choice(["gru", "lstm", "rnn_tanh", "rnn_relu"])
            I, H, L = rng.randint(1, 200), rng.randint(1, 200), rng.randint(1, 4)
            bi, bias, use_h0, bf = rng.random() < 0.5, rng.random() < 0.75, rng.random() < 0.5, rng.random() < 0.5
            T, B, opset = rng.randint(1, 30), rng.randint(1, 6), rng.choice([9, 10, 11, 12, 13, 14, 15, 16, 17])
            kw = dict(num_layers=L, bidirectional=bi, bias=bias, batch_first=bf)
            if cell == "gru":
                m = torch.nn.GRU(I, H, **kw)
            elif cell == "lstm":
                m = torch.nn.LSTM(I, H, **kw)
            else:
                m = torch.nn.RNN(I, H, nonlinearity=cell[4:], **kw)
            m.eval()
            D = 2 if bi else 1
            x = torch.randn(B, T, I) if bf else torch.randn(T, B, I)
            h0 = torch.randn(L * D, B, H) if use_h0 else None
            c0 = torch.randn(L * D, B, H) if use_h0 and cell == "lstm" else None
            state = (h0, c0) if cell == "lstm" else h0
            with torch.no_grad():
                y, hn = m(x, state) if use_h0 else m(x)
            if cell == "lstm":
                hn = hn[0]
            path = os.path.join(tmp, "m%d.onnx" % i)
            names = ["x"] + (["h0", "c0"] if use_h0 and cell == "lstm" else ["h0"] if use_h0 else [])
            outs = ["y", "hn"] + (["cn"] if cell == "lstm" else [])

            class Wrap(torch.nn.Module):
                def __init__(self, inner):
                    super().__init__()
                    self.inner = inner

                def forward(self, x, *s):
                    if cell == "lstm":
                        yy, (hh, cc) = self.inner(x, (s[0], s[1])) if s else self.inner(x)
                        return yy, hh, cc
                    return self.inner(x, s[0]) if s else self.inner(x)

            args = (x,) + tuple(t for t in (h0, c0) if t is not None)
            torch.onnx.export(Wrap(m), args, path, input_names=names, output_names=outs, opset_version=opset)
            np.save(os.path.join(tmp, "x.npy"), x.numpy().astype(np.float32))
            cmd = [os.path.join(ROOT, "gru4j"), "run", "--model", path, "--input", os.path.join(tmp, "x.npy"),
                   "--output", os.path.join(tmp, "y.npy"), "--hn", os.path.join(tmp, "hn.npy")]
            if use_h0:
                np.save(os.path.join(tmp, "h0.npy"), h0.numpy().astype(np.float32))
                cmd += ["--h0", os.path.join(tmp, "h0.npy")]
                if c0 is not None:
                    np.save(os.path.join(tmp, "c0.npy"), c0.numpy().astype(np.float32))
                    cmd += ["--c0", os.path.join(tmp, "c0.npy")]
            r = subprocess.run(cmd, capture_output=True, text=True)
            desc = "case %2d %-8s I=%3d H=%3d L=%d %s %s %s %s T=%2d B=%d opset %2d" % (
                i, cell, I, H, L, "bi" if bi else "  ", "bias" if bias else "    ", "h0" if use_h0 else "  ",
                "bf" if bf else "  ", T, B, opset)
            if r.returncode != 0:
                failed += 1
                print(desc, "FAILED:", r.stderr.strip())
                continue
            err = max(float(np.abs(np.load(os.path.join(tmp, "y.npy")) - y.numpy()).max()),
                      float(np.abs(np.load(os.path.join(tmp, "hn.npy")) - hn.numpy()).max()))
            worst = max(worst, err)
            if err > a.tol:
                failed += 1
            print(desc, "max|err| %.2e%s" % (err, "  OVER TOLERANCE" if err > a.tol else ""))
    print("%d cases in %.0f s: largest abs error vs PyTorch %.3e; %d failed (tol %g)" % (a.cases, time.time() - t0, worst, failed, a.tol))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
