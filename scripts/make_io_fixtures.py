#!/usr/bin/python3
"""Writes the small files that the file-reader tests (Npy, TorchPickle) and the `gru4j run` tests read.

    /usr/bin/python3 scripts/make_io_fixtures.py      # from anywhere; Debian's python3-torch (1.13) and numpy

gru4j-core/src/test/resources/io-fixtures/
  npy/          .npy files written by numpy itself: float32 of shapes (), (0,), (3,), (2,3,4); Fortran order;
                big-endian '>f4'; format version 2.0; float64 and int64 (to be rejected)
  torch/        torch.save files: state_dicts (nn.GRU, bidirectional nn.LSTM), a training checkpoint, views
                (transposed, offset into a shared storage, stride 0), float16/bfloat16/float64/int64 tensors, a
                checkpoint whose float comes before large integers; and files to be refused: a whole pickled
                nn.Module, malicious pickles (os.system, builtins.eval, subprocess.Popen) in torch.save's zip
                layout, a TorchScript archive, the legacy non-zip format, a truncated zip
  expected/<case>/<name>.npy   every tensor of each readable torch/<case>.pt, as float32, from numpy
gru4j-cli/src/test/resources/run-fixtures/
  models and inputs for `gru4j run`, with what PyTorch's module(x, h0) returns for them

Every case is seeded; running the script again writes the same numbers.
"""
import io
import json
import os
import sys
import pickle
import shutil
import struct
import subprocess
import zipfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import write_safetensors  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
IO = os.path.join(ROOT, "gru4j-core", "src", "test", "resources", "io-fixtures")
RUN = os.path.join(ROOT, "gru4j-cli", "src", "test", "resources", "run-fixtures")
# What the malicious pickles would do if anything ran them; the tests check that it never appears.
MARKER = "/tmp/gru4j-pwned"


def f32(t):
    return t.detach().to(torch.float32).contiguous().numpy().astype(np.float32)


# ------------------------------------------------------------------------------------------------------ .npy
def npy_files(d):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 3, 4)).astype(np.float32)
    np.save(os.path.join(d, "f32_2x3x4.npy"), a)
    np.save(os.path.join(d, "f32_scalar.npy"), np.float32(3.5))
    np.save(os.path.join(d, "f32_empty.npy"), np.zeros((0,), np.float32))
    np.save(os.path.join(d, "f32_3.npy"), np.array([1.5, -2.25, 1e-3], np.float32))
    np.save(os.path.join(d, "f32_fortran_2x3x4.npy"), np.asfortranarray(a))
    assert np.load(os.path.join(d, "f32_fortran_2x3x4.npy")).flags.f_contiguous
    np.save(os.path.join(d, "f32_bigendian_2x3x4.npy"), a.astype(">f4"))
    with open(os.path.join(d, "f32_v2_2x3x4.npy"), "wb") as f:
        np.lib.format.write_array(f, a, version=(2, 0))
    np.save(os.path.join(d, "f64_2x3.npy"), rng.standard_normal((2, 3)))
    np.save(os.path.join(d, "i64_2x3.npy"), np.arange(6, dtype=np.int64).reshape(2, 3))


# ------------------------------------------------------------------------------------------- torch.save files
class Evil:
    """Pickles to a call of `func(*args)`: what a malicious checkpoint does on torch.load / pickle.load."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def torch_layout_zip(path, pkl):
    """A zip laid out as torch.save lays it out (<stem>/data.pkl, <stem>/version), holding the given pickle."""
    stem = os.path.splitext(os.path.basename(path))[0]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(stem + "/data.pkl", pkl)
        z.writestr(stem + "/version", "3\n")


def save_case(d, exp, name, obj, tensors):
    """torch.save(obj) as <name>.pt, and each float32 expectation as expected/<name>/<key>.npy."""
    torch.save(obj, os.path.join(d, name + ".pt"))
    os.makedirs(os.path.join(exp, name))
    for k, t in tensors.items():
        np.save(os.path.join(exp, name, k + ".npy"), f32(t))


def torch_files(d, exp):
    torch.manual_seed(7)
    gru = torch.nn.GRU(3, 5, num_layers=2)
    save_case(d, exp, "gru_state", gru.state_dict(), dict(gru.state_dict()))

    lstm = torch.nn.LSTM(4, 3, bidirectional=True)
    save_case(d, exp, "lstm_bi_state", lstm.state_dict(), dict(lstm.state_dict()))

    # A training checkpoint: the model's tensors come back as model.<name>; Adam's moments as optimizer.state.<i>.*
    opt = torch.optim.Adam(gru.parameters(), lr=1e-3)
    gru(torch.randn(4, 2, 3))[0].sum().backward()
    opt.step()
    ckpt = {"model": gru.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}
    expected = {"model." + k: v for k, v in gru.state_dict().items()}
    expected["optimizer.state.0.exp_avg"] = opt.state_dict()["state"][0]["exp_avg"]
    save_case(d, exp, "checkpoint", ckpt, expected)

    # A float (BINFLOAT, big-endian in the pickle) before integers of 2 and 4 bytes (sizes 300, memo > 255).
    model = {"tall": torch.randn(300, 1), "wide": torch.randn(1, 260)}
    model.update({f"p{i}": torch.randn(2) for i in range(60)})   # enough memo entries to need LONG_BINPUT
    ckpt = {"lr": 0.001, "model": model, "step": 70000}
    save_case(d, exp, "float_first", ckpt, {"model.tall": model["tall"], "model.wide": model["wide"], "model.p59": model["p59"]})

    # Views: saved with their whole storage, an offset and strides.
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
    views = {
        "base": base,
        "transposed": base.t(),                      # stride (1, 6)
        "offset": base.view(-1)[5:11],               # shares base's storage from element 5
        "columns": base[1:, ::2],                    # offset 6, stride (6, 2)
        "broadcast": torch.tensor([1.0, 2.0, 3.0]).expand(4, 3),  # stride (0, 1)
    }
    assert not views["transposed"].is_contiguous() and views["offset"].storage_offset() == 5
    save_case(d, exp, "views", views, views)

    dtypes = {
        "half": torch.tensor([[1.0, -2.5, 65504.0], [6.1e-5, 1e-7, 0.0]], dtype=torch.float16),
        "bfloat16": torch.tensor([1.0, -3.0e38, 0.1], dtype=torch.bfloat16),
        "double": torch.tensor([[0.1, -1e-30], [1e30, 2.0 ** 0.5]], dtype=torch.float64),
        "long": torch.tensor([-3, 0, 2 ** 40], dtype=torch.int64),
    }
    save_case(d, exp, "dtypes", dtypes, dtypes)

    # To be refused.
    torch.save(gru, os.path.join(d, "whole_module.pt"))
    torch.save(gru.state_dict(), os.path.join(d, "legacy.pt"), _use_new_zipfile_serialization=False)
    torch.jit.save(torch.jit.script(gru), os.path.join(d, "torchscript.pt"))
    with open(os.path.join(d, "gru_state.pt"), "rb") as f:
        whole = f.read()
    with open(os.path.join(d, "truncated.pt"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    evil = {
        "evil_os_system": Evil(os.system, ("echo pwned > " + MARKER,)),
        "evil_eval": Evil(eval, ("__import__('os').system('echo pwned > " + MARKER + "')",)),
        "evil_popen": Evil(subprocess.Popen, (["sh", "-c", "echo pwned > " + MARKER],)),
    }
    for name, obj in evil.items():
        # GLOBAL; without fix_imports protocol 2 would name Python 2's modules (__builtin__.eval, commands.Popen)
        torch_layout_zip(os.path.join(d, name + ".pt"), pickle.dumps(obj, protocol=2, fix_imports=False))
    torch_layout_zip(os.path.join(d, "evil_os_system_p4.pt"), pickle.dumps(evil["evil_os_system"], protocol=4))  # STACK_GLOBAL
    # Hidden inside an otherwise good state_dict, written by torch.save itself.
    sd = dict(gru.state_dict())
    sd["zzz"] = evil["evil_os_system"]
    torch.save(sd, os.path.join(d, "evil_nested.pt"))
    assert not os.path.exists(MARKER)


# --------------------------------------------------------------------------------------------- gru4j run cases
def run_files(d):
    torch.manual_seed(11)
    # h0 for the bundled example (examples/gru.pt: nn.GRU(8, 16, num_layers=2); x is (20, 3, 8)).
    gru = torch.nn.GRU(8, 16, num_layers=2)
    gru.load_state_dict(torch.load(os.path.join(ROOT, "examples", "gru.pt")))
    x = torch.from_numpy(np.load(os.path.join(ROOT, "examples", "x.npy")))
    h0 = torch.randn(2, 3, 16)
    with torch.no_grad():
        y, hn = gru(x, h0)
    for k, v in {"example_h0": h0, "example_y_h0": y, "example_hn_h0": hn}.items():
        np.save(os.path.join(d, k + ".npy"), f32(v))

    # An LSTM as .safetensors, batch-first, with h0 and c0.
    lstm = torch.nn.LSTM(5, 7, num_layers=2, bidirectional=True, batch_first=True)
    x = torch.randn(3, 6, 5)                            # (B, T, I)
    h0, c0 = torch.randn(4, 3, 7), torch.randn(4, 3, 7)
    with torch.no_grad():
        y, (hn, cn) = lstm(x, (h0, c0))
    write_safetensors(os.path.join(d, "lstm.safetensors"), list(lstm.state_dict().items()), {"made_by": "make_io_fixtures.py"})
    for k, v in {"lstm_x_bf": x, "lstm_h0": h0, "lstm_c0": c0, "lstm_y_bf": y, "lstm_hn": hn, "lstm_cn": cn}.items():
        np.save(os.path.join(d, k + ".npy"), f32(v))

    # A checkpoint whose GRU sits at model.gru. beside other layers.
    class Tagger(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Linear(4, 6)
            self.gru = torch.nn.GRU(6, 5)
            self.head = torch.nn.Linear(5, 2)

    tagger = Tagger()
    torch.save({"model": tagger.state_dict(), "epoch": 12}, os.path.join(d, "tagger.pt"))
    x = torch.randn(7, 2, 6)
    with torch.no_grad():
        y, hn = tagger.gru(x)
    for k, v in {"tagger_x": x, "tagger_y": y, "tagger_hn": hn}.items():
        np.save(os.path.join(d, k + ".npy"), f32(v))

    # Two recurrent modules: encoder (GRU 4->6) and decoder (RNN relu 4->3); --prefix picks one.
    class Seq2Seq(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = torch.nn.GRU(4, 6)
            self.decoder = torch.nn.RNN(4, 3, nonlinearity="relu", num_layers=2)

    s2s = Seq2Seq()
    torch.save(s2s.state_dict(), os.path.join(d, "seq2seq.pt"))
    x = torch.randn(5, 2, 4)
    with torch.no_grad():
        ye, _ = s2s.encoder(x)
        yd, hd = s2s.decoder(x)
    for k, v in {"seq2seq_x": x, "seq2seq_encoder_y": ye, "seq2seq_decoder_y": yd, "seq2seq_decoder_hn": hd}.items():
        np.save(os.path.join(d, k + ".npy"), f32(v))

    # Bad inputs for the error tests.
    np.save(os.path.join(d, "x_f64.npy"), np.zeros((20, 3, 8)))
    np.save(os.path.join(d, "x_2d.npy"), np.zeros((20, 8), np.float32))
    np.save(os.path.join(d, "x_7features.npy"), np.zeros((20, 3, 7), np.float32))
    np.save(os.path.join(d, "h0_wrong.npy"), np.zeros((1, 3, 16), np.float32))


def fresh(d):
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    return d


def main():
    keep = os.path.join(IO, "README.md")
    readme = open(keep).read() if os.path.exists(keep) else None
    fresh(IO)
    if readme is not None:
        open(keep, "w").write(readme)
    npy_files(fresh(os.path.join(IO, "npy")))
    torch_files(fresh(os.path.join(IO, "torch")), fresh(os.path.join(IO, "expected")))
    keep = os.path.join(RUN, "README.md")
    readme = open(keep).read() if os.path.exists(keep) else None
    fresh(RUN)
    if readme is not None:
        open(keep, "w").write(readme)
    run_files(RUN)
    for top in (IO, RUN):
        total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(top) for f in fs)
        print(f"{os.path.relpath(top, ROOT)}: {total // 1024} KB")


if __name__ == "__main__":
    main()
