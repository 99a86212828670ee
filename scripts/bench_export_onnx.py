#!/usr/bin/python3
"""Exports the torch.nn modules of the ONNX Runtime side by side (issue 12's shapes) for gru4j-bench's OrtCompare.

    /usr/bin/python3 scripts/bench_export_onnx.py DIR

Writes DIR/<case>.onnx for every case below (torch.onnx.export, opset 14, seed 42): the input "x" is (T,B,I);
stream cases (T = B = 1) also take the state "h0" (L,1,H) (and "c0" for an LSTM) and return it as "hn" ("cn"), so
the caller carries it from step to step. DIR/cases.tsv lists them: name, cell, mode, I, H, B, T, layers, bidirectional.
gru4j reads the same files (OnnxImport), so both runtimes run the same weights.
"""
import os
import sys

import torch

CASES = [
    # name                  cell  mode     I    H    B   T    L  bidirectional
    ("gru_stream_32_128",    "gru",  "stream", 32, 128, 1, 1, 1, 0),
    ("gru_stream_32_512",    "gru",  "stream", 32, 512, 1, 1, 1, 0),
    ("gru_infer_64_256",     "gru",  "infer",  64, 256, 32, 100, 1, 0),
    ("lstm_infer_64_256",    "lstm", "infer",  64, 256, 32, 100, 1, 0),
    ("rnn_infer_64_256",     "rnn",  "infer",  64, 256, 32, 100, 1, 0),
    ("gru_infer_128_512",    "gru",  "infer",  128, 512, 64, 200, 1, 0),
    ("gru_infer_64_256_l2bi", "gru", "infer",  64, 256, 32, 100, 2, 1),
]


class Wrap(torch.nn.Module):
    """Names the state inputs and outputs: forward(x[, h0[, c0]]) -> y, hn[, cn]."""

    def __init__(self, inner, lstm, state):
        super().__init__()
        self.inner, self.lstm, self.state = inner, lstm, state

    def forward(self, x, *s):
        if self.lstm:
            y, (h, c) = self.inner(x, (s[0], s[1])) if s else self.inner(x)
            return y, h, c
        y, h = self.inner(x, s[0]) if s else self.inner(x)
        return y, h


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench_export_onnx.py DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(42)
    with open(os.path.join(out, "cases.tsv"), "w") as tsv:
        for name, cell, mode, I, H, B, T, L, bi in CASES:
            cls = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM, "rnn": torch.nn.RNN}[cell]
            m = cls(I, H, num_layers=L, bidirectional=bool(bi)).eval()
            lstm = cell == "lstm"
            stream = mode == "stream"
            D = 2 if bi else 1
            x = torch.rand(T, B, I) * 2 - 1
            args, names = (x,), ["x"]
            outs = ["y", "hn"] + (["cn"] if lstm else [])
            if stream:
                args += (torch.zeros(L * D, B, H),)
                names.append("h0")
                if lstm:
                    args += (torch.zeros(L * D, B, H),)
                    names.append("c0")
            path = os.path.join(out, name + ".onnx")
            with torch.no_grad():
                torch.onnx.export(Wrap(m, lstm, stream), args, path, input_names=names, output_names=outs, opset_version=14)
            tsv.write("\t".join(str(v) for v in (name, cell, mode, I, H, B, T, L, bi)) + "\n")
            print("wrote", path)


if __name__ == "__main__":
    main()
