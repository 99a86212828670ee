#!/usr/bin/python3
"""Whole recurrent models, as people export them, run by `./gru4j run` against PyTorch on random sizes.

    /usr/bin/python3 scripts/check_onnx_models_vs_torch.py [--rounds 3] [--seed 1] [--tol 1e-4]

Architectures (each round draws new sizes, an opset from 13 to 17, and exports with dynamic batch and time axes;
the model is then run at a batch and length other than the ones it was exported with):
- conv_gru:      Conv1d front-end (+ReLU, stride) → GRU → Linear head per step
- spec_conv_gru: Conv2d spectrogram front-end → BatchNorm2d → ReLU → MaxPool2d over frequency → GRU (2 layers) →
                 last step → Linear
- embed_gru:     Embedding (int64 token ids) → GRU → Linear scores → LogSoftmax, with an h0 input
- ln_lstm_attn:  LayerNorm → bidirectional LSTM → attention pooling (Linear, Softmax over time, weighted sum) →
                 Linear → Sigmoid
- gelu_conv_gru: depthwise + pointwise Conv1d, GELU, residual Add → GRU → mean over time → Linear
- grucell_loop:  a hand-written loop of nn.GRUCell steps, traced (unrolled: run at its export length)
- hand_gru_script: a GRU cell written out with two Linear maps, looped in TorchScript, which torch exports as an
                 ONNX Loop (run at another length than exported)
Each output is fetched by name (`--fetch NAME=FILE.npy`, other inputs `--feed NAME=FILE.npy`), compared with the
module's float32 output; prints one line per case, the largest absolute error, and exits 1 if any is over --tol or
any run fails. Not part of `mvn test`: it needs Python, PyTorch and a built ./gru4j.
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
import torch.nn as nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


class ConvGru(nn.Module):
    def __init__(self, c, h, k, s, out):
        super().__init__()
        self.conv = nn.Conv1d(c, h, k, stride=s, padding=k // 2)
        self.gru = nn.GRU(h, h, batch_first=True)
        self.head = nn.Linear(h, out)

    def forward(self, x):                      # x (B, C, T)
        f = torch.relu(self.conv(x)).transpose(1, 2)
        y, hn = self.gru(f)
        return self.head(y), hn


class SpecConvGru(nn.Module):
    def __init__(self, freq, ch, h, out):
        super().__init__()
        self.conv = nn.Conv2d(1, ch, (3, 3), padding=(1, 1))
        self.bn = nn.BatchNorm2d(ch)
        self.pool = nn.MaxPool2d((2, 1))
        self.gru = nn.GRU(ch * (freq // 2), h, num_layers=2, batch_first=True)
        self.head = nn.Linear(h, out)

    def forward(self, x):                      # x (B, 1, F, T)
        f = self.pool(torch.relu(self.bn(self.conv(x))))
        b, c, fr, t = f.shape
        f = f.permute(0, 3, 1, 2).reshape(b, t, c * fr)
        y, _ = self.gru(f)
        return self.head(y[:, -1])


class EmbedGru(nn.Module):
    def __init__(self, vocab, e, h):
        super().__init__()
        self.emb = nn.Embedding(vocab, e)
        self.gru = nn.GRU(e, h, batch_first=True)
        self.head = nn.Linear(h, vocab)

    def forward(self, ids, h0):
        y, hn = self.gru(self.emb(ids), h0)
        return torch.log_softmax(self.head(y), dim=-1), hn


class LnLstmAttn(nn.Module):
    def __init__(self, i, h):
        super().__init__()
        self.ln = nn.LayerNorm(i)
        self.lstm = nn.LSTM(i, h, batch_first=True, bidirectional=True)
        self.score = nn.Linear(2 * h, 1)
        self.head = nn.Linear(2 * h, 1)

    def forward(self, x):                      # x (B, T, I)
        y, _ = self.lstm(self.ln(x))
        w = torch.softmax(self.score(y), dim=1)
        pooled = (w * y).sum(dim=1)
        return torch.sigmoid(self.head(pooled))


class GeluConvGru(nn.Module):
    def __init__(self, c, h, out):
        super().__init__()
        self.dw = nn.Conv1d(c, c, 5, padding=2, groups=c)
        self.pw = nn.Conv1d(c, c, 1)
        self.gru = nn.GRU(c, h, batch_first=True)
        self.head = nn.Linear(h, out)

    def forward(self, x):                      # x (B, C, T)
        f = x + nn.functional.gelu(self.pw(self.dw(x)))
        y, _ = self.gru(f.transpose(1, 2))
        return self.head(y.mean(dim=1))


class CellLoop(nn.Module):
    def __init__(self, i, h):
        super().__init__()
        self.cell = nn.GRUCell(i, h)
        self.h = h

    def forward(self, x):                      # x (T, B, I)
        h = torch.zeros(x.size(1), self.h)
        for t in range(x.size(0)):
            h = self.cell(x[t], h)
        return h


class HandGruLoop(nn.Module):
    """A GRU cell written out (r, z, n gates from two Linear maps), looped over time in TorchScript: an ONNX Loop."""

    def __init__(self, i, h):
        super().__init__()
        self.ih = nn.Linear(i, 3 * h)
        self.hh = nn.Linear(h, 3 * h)
        self.h = h

    def forward(self, x):                      # x (T, B, I)
        h = torch.zeros(x.size(1), self.h)
        for t in range(x.size(0)):
            gi = self.ih(x[t])
            gh = self.hh(h)
            r = torch.sigmoid(gi[:, :self.h] + gh[:, :self.h])
            z = torch.sigmoid(gi[:, self.h:2 * self.h] + gh[:, self.h:2 * self.h])
            n = torch.tanh(gi[:, 2 * self.h:] + r * gh[:, 2 * self.h:])
            h = (1 - z) * n + z * h
        return h


def run_case(tmp, name, module, args, in_names, out_names, dyn, run_args, opset, script=False):
    module.eval()
    path = os.path.join(tmp, name + ".onnx")
    exported = torch.jit.script(module) if script else module
    torch.onnx.export(exported, args, path, input_names=in_names, output_names=out_names, opset_version=opset, dynamic_axes=dyn)
    with torch.no_grad():
        want = module(*run_args)
    if not isinstance(want, tuple):
        want = (want,)
    cmd = [os.path.join(ROOT, "gru4j"), "run", "--model", path]
    for n, v in zip(in_names, run_args):
        f = os.path.join(tmp, name + "_in_" + n + ".npy")
        np.save(f, v.numpy())
        cmd += ["--feed", "%s=%s" % (n, f)]
    for n in out_names:
        cmd += ["--fetch", "%s=%s" % (n, os.path.join(tmp, name + "_out_" + n + ".npy"))]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    err = 0.0
    for n, w in zip(out_names, want):
        got = np.load(os.path.join(tmp, name + "_out_" + n + ".npy"))
        if got.shape != tuple(w.shape):
            return None, "%s: shape %s, PyTorch %s" % (n, got.shape, tuple(w.shape))
        err = max(err, float(np.abs(got - w.numpy()).max()))
    return err, ""


def cases(rng):
    """(name, module, export args, input names, output names, dynamic axes, run args, script) for one round."""
    B, T = rng.randint(1, 3), rng.randint(4, 12)
    b, t = rng.randint(1, 5), rng.randint(4, 40)             # the run's sizes, other than the export's
    out = []
    c, h, k, s = rng.randint(1, 12), rng.randint(4, 48), rng.choice([3, 5]), rng.choice([1, 2])
    out.append(("conv_gru", ConvGru(c, h, k, s, rng.randint(2, 9)), (torch.randn(B, c, T),), ["x"], ["y", "hn"],
                {"x": {0: "b", 2: "t"}, "y": {0: "b", 1: "t"}, "hn": {1: "b"}}, (torch.randn(b, c, t),), False))
    fr, ch = 2 * rng.randint(2, 10), rng.randint(2, 8)
    m = SpecConvGru(fr, ch, rng.randint(4, 40), rng.randint(2, 6))
    with torch.no_grad():                      # non-trivial running statistics
        m.bn.running_mean.uniform_(-0.5, 0.5)
        m.bn.running_var.uniform_(0.5, 2.0)
    out.append(("spec_conv_gru", m, (torch.randn(B, 1, fr, T),), ["spec"], ["logits"],
                {"spec": {0: "b", 3: "t"}, "logits": {0: "b"}}, (torch.randn(b, 1, fr, t),), False))
    vocab, e, hh = rng.randint(5, 60), rng.randint(2, 16), rng.randint(4, 32)
    out.append(("embed_gru", EmbedGru(vocab, e, hh), (torch.randint(0, vocab, (B, T)), torch.randn(1, B, hh)), ["ids", "h0"],
                ["logp", "hn"], {"ids": {0: "b", 1: "t"}, "h0": {1: "b"}, "logp": {0: "b", 1: "t"}, "hn": {1: "b"}},
                (torch.randint(0, vocab, (b, t)), torch.randn(1, b, hh)), False))
    i = rng.randint(2, 24)
    out.append(("ln_lstm_attn", LnLstmAttn(i, rng.randint(3, 32)), (torch.randn(B, T, i),), ["x"], ["p"],
                {"x": {0: "b", 1: "t"}, "p": {0: "b"}}, (torch.randn(b, t, i),), False))
    c = rng.randint(2, 16)
    out.append(("gelu_conv_gru", GeluConvGru(c, rng.randint(4, 32), rng.randint(2, 5)), (torch.randn(B, c, T),), ["x"], ["y"],
                {"x": {0: "b", 2: "t"}, "y": {0: "b"}}, (torch.randn(b, c, t),), False))
    i, hh = rng.randint(2, 16), rng.randint(2, 24)
    xt = torch.randn(T, B, i)
    out.append(("grucell_loop", CellLoop(i, hh), (xt,), ["x"], ["h"], {"x": {1: "b"}, "h": {0: "b"}},
                (torch.randn(T, b, i),), False))
    out.append(("hand_gru_script", HandGruLoop(i, hh), (xt,), ["x"], ["h"], {"x": {0: "t", 1: "b"}, "h": {0: "b"}},
                (torch.randn(t, b, i),), True))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    torch.manual_seed(a.seed)
    worst, failed, n, t0 = 0.0, 0, 0, time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.rounds):
            for name, m, args, ins, outs, dyn, run_args, script in cases(rng):
                opset = rng.randint(13, 17)
                n += 1
                try:
                    err, msg = run_case(tmp, "%s_%d" % (name, r), m, args, ins, outs, dyn, run_args, opset, script)
                except Exception as e:   # an export torch itself cannot do is reported, not hidden
                    err, msg = None, "export failed: %s" % str(e).splitlines()[0]
                shapes = " ".join("x".join(str(d) for d in v.shape) for v in run_args)
                desc = "round %d %-14s opset %d  run at %-16s" % (r, name, opset, shapes)
                if err is None:
                    failed += 1
                    print(desc, "FAILED:", msg[:300])
                    continue
                worst = max(worst, err)
                if err > a.tol:
                    failed += 1
                print(desc, "max|err| %.2e%s" % (err, "  OVER TOLERANCE" if err > a.tol else ""))
    print("%d cases in %.0f s: largest abs error vs PyTorch %.3e; %d failed (tol %g)" % (n, time.time() - t0, worst, failed, a.tol))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
