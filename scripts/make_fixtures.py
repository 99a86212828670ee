#!/usr/bin/python3
"""Writes the PyTorch reference fixtures the Java tests compare against.

    /usr/bin/python3 scripts/make_fixtures.py      # Debian's python3-torch (1.13) and numpy

One case per file, gru4j-core/src/test/resources/fixtures/<case>.safetensors (written by hand: there is no
safetensors package here). Each file holds, all float32:
  - the module's state_dict under PyTorch's names (weight_ih_l0, ..., bias_hh_l1_reverse),
  - "input" (T,B,I) time-major, "h0" (and "c0" for LSTM) (L*D,B,H) when the case uses an initial state,
  - "output" (T,B,D*H) (zero past each sequence's end when lengths are given), "h_n" (and "c_n"),
  - upstream gradients "grad_output", "grad_h_n" (and "grad_c_n"), random normal,
  - "grad.input", "grad.h0" ("grad.c0") and "grad.<param>" for every parameter: the autograd gradients of
    loss = (output*grad_output).sum() + (h_n*grad_h_n).sum() [+ (c_n*grad_c_n).sum()].
Weights and inputs are drawn in float32 (what is saved is exactly what was used); the computation runs in
float64 and its results are rounded to float32 once, when saved.

"gru_reset_before" is the GRU of Chung et al. (ONNX linear_before_reset=0), n = tanh(W_in x + b_in +
W_hn (r*h) + b_hn), which PyTorch has no module for: it is computed here by hand on nn.GRU's parameters.
"""
import copy
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "gru4j-core", "src", "test", "resources", "fixtures")


# ----------------------------------------------------------------------------------------------- safetensors
def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, torch.Tensor); everything stored as contiguous little-endian float32. The one writer
    the fixture scripts share (make_io_fixtures, make_train_fixtures, make_onnx_fixtures import it)."""
    header = {"__metadata__": {str(k): str(v) for k, v in metadata.items()}} if metadata else {}
    blobs, offset = [], 0
    for name, t in tensors:
        t = t.detach().to(torch.float32).contiguous()
        # tolist() rather than .numpy(): Debian's torch may be built against another numpy.
        data = np.asarray(t.reshape(-1).tolist(), dtype="<f4").tobytes()
        assert len(data) == 4 * t.numel()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((-(8 + len(h))) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__")
    data = raw[8 + n:]
    out, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, e = info["data_offsets"]
        assert info["dtype"] == "F32" and b == end, name  # contiguous, no holes, no overlaps
        out[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(info["shape"])
        end = e
    assert end == len(data)
    return meta, out


# ------------------------------------------------------------------------------------- hand-written GRU scan
def gru_cell_reset_before(x, h, w_ih, w_hh, b_ih, b_hh):
    H = h.shape[-1]
    gi = x @ w_ih.t() + (b_ih if b_ih is not None else 0)
    wr, wz, wn = w_hh[:H], w_hh[H:2 * H], w_hh[2 * H:]
    br, bz, bn = (b_hh[:H], b_hh[H:2 * H], b_hh[2 * H:]) if b_hh is not None else (0, 0, 0)
    r = torch.sigmoid(gi[:, :H] + h @ wr.t() + br)
    z = torch.sigmoid(gi[:, H:2 * H] + h @ wz.t() + bz)
    n = torch.tanh(gi[:, 2 * H:] + (r * h) @ wn.t() + bn)
    return (1 - z) * n + z * h


def gru_cell_reset_after(x, h, w_ih, w_hh, b_ih, b_hh):  # PyTorch's form, only to check the scan below
    H = h.shape[-1]
    gi = x @ w_ih.t() + (b_ih if b_ih is not None else 0)
    gh = h @ w_hh.t() + (b_hh if b_hh is not None else 0)
    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h


def gru_scan(cell, gru, x, h0, lengths):
    """Runs nn.GRU's stacking/direction/length logic with an arbitrary cell. x (T,B,I); returns (output, h_n)."""
    T, B, _ = x.shape
    L, D, H = gru.num_layers, 2 if gru.bidirectional else 1, gru.hidden_size
    p = dict(gru.named_parameters())
    if h0 is None:
        h0 = x.new_zeros(L * D, B, H)
    lens = torch.tensor(lengths if lengths is not None else [T] * B)
    valid = [(t < lens).to(x.dtype).unsqueeze(1) for t in range(T)]  # (B,1) masks
    inp, h_n = x, []
    for layer in range(L):
        outs = []
        for d in range(D):
            sfx = "_l%d%s" % (layer, "_reverse" if d else "")
            w = (p["weight_ih" + sfx], p["weight_hh" + sfx], p.get("bias_ih" + sfx), p.get("bias_hh" + sfx))
            h = h0[layer * D + d]
            ys = [None] * T
            for t in (range(T - 1, -1, -1) if d else range(T)):
                m = valid[t]
                h = m * cell(inp[t], h, *w) + (1 - m) * h  # past the end: state held (so reverse starts at len-1)
                ys[t] = m * h
            outs.append(torch.stack(ys))
            h_n.append(h)
        inp = torch.cat(outs, dim=2)
    return inp, torch.stack(h_n)


# ------------------------------------------------------------------------------------------------------ cases
def run_case(name, cell, I, H, L, bi, bias, use_h0, T, B, lengths, seed):
    torch.manual_seed(seed)
    D = 2 if bi else 1
    if cell in ("gru", "gru_reset_before"):
        m32 = torch.nn.GRU(I, H, num_layers=L, bidirectional=bi, bias=bias)
    elif cell == "lstm":
        m32 = torch.nn.LSTM(I, H, num_layers=L, bidirectional=bi, bias=bias)
    else:
        m32 = torch.nn.RNN(I, H, num_layers=L, bidirectional=bi, bias=bias,
                           nonlinearity="relu" if cell == "rnn_relu" else "tanh")
    with torch.no_grad():  # nn's default init, scaled up so deep stacks do not fade to near-zero outputs
        for prm in m32.parameters():
            prm.mul_(SCALE[cell])
    x32 = torch.randn(T, B, I)
    h032 = torch.randn(L * D, B, H) * 0.5 if use_h0 else None
    c032 = torch.randn(L * D, B, H) * 0.5 if use_h0 and cell == "lstm" else None

    m = copy.deepcopy(m32).double()
    x = x32.double().requires_grad_()
    h0 = h032.double().requires_grad_() if use_h0 else None
    c0 = c032.double().requires_grad_() if c032 is not None else None

    if cell == "gru_reset_before":
        out, h_n = gru_scan(gru_cell_reset_before, m, x, h0, lengths)
        c_n = None
    else:
        state = (h0, c0) if cell == "lstm" else h0
        if not use_h0:
            state = None
        if lengths is not None:
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
            pout, st = m(packed, state)
            out, _ = torch.nn.utils.rnn.pad_packed_sequence(pout, total_length=T)
        else:
            out, st = m(x, state)
        h_n, c_n = st if cell == "lstm" else (st, None)
        if cell == "gru":  # check the hand-written scan against nn.GRU on the same case
            ref_out, ref_hn = gru_scan(gru_cell_reset_after, m, x.detach(),
                                       h0.detach() if use_h0 else None, lengths)
            assert torch.allclose(ref_out, out.detach(), atol=1e-12), name
            assert torch.allclose(ref_hn, h_n.detach(), atol=1e-12), name

    assert out.shape == (T, B, D * H) and h_n.shape == (L * D, B, H)
    g_out = torch.randn(out.shape)
    g_hn = torch.randn(h_n.shape)
    g_cn = torch.randn(c_n.shape) if c_n is not None else None
    loss = (out * g_out.double()).sum() + (h_n * g_hn.double()).sum()
    if c_n is not None:
        loss = loss + (c_n * g_cn.double()).sum()
    loss.backward()

    tensors = list(m32.state_dict().items())
    tensors.append(("input", x32))
    if use_h0:
        tensors.append(("h0", h032))
        if c032 is not None:
            tensors.append(("c0", c032))
    tensors += [("output", out), ("h_n", h_n)]
    if c_n is not None:
        tensors.append(("c_n", c_n))
    tensors += [("grad_output", g_out), ("grad_h_n", g_hn)]
    if g_cn is not None:
        tensors.append(("grad_c_n", g_cn))
    tensors.append(("grad.input", x.grad))
    if use_h0:
        tensors.append(("grad.h0", h0.grad))
        if c0 is not None:
            tensors.append(("grad.c0", c0.grad))
    for pname, prm in m.named_parameters():
        tensors.append(("grad." + pname, prm.grad))

    meta = {"cell": cell, "input_size": I, "hidden_size": H, "num_layers": L,
            "bidirectional": str(bi).lower(), "bias": str(bias).lower(), "h0": str(use_h0).lower(),
            "lengths": ",".join(str(v) for v in lengths) if lengths is not None else "",
            "steps": T, "batch": B, "torch_version": torch.__version__}
    path = os.path.join(OUT, name + ".safetensors")
    write_safetensors(path, tensors, meta)

    # read back and compare every tensor
    rmeta, rt = read_safetensors(path)
    assert rmeta == {k: str(v) for k, v in meta.items()}
    assert list(rt) == [n for n, _ in tensors]
    for n, t in tensors:
        want = np.asarray(t.detach().to(torch.float32).reshape(-1).tolist(), dtype=np.float32)
        assert rt[n].shape == tuple(t.shape) and np.array_equal(rt[n].reshape(-1), want), (name, n)
    return path


SCALE = {"gru": 1.5, "gru_reset_before": 1.5, "lstm": 2.5, "rnn_tanh": 1.0, "rnn_relu": 1.0}
CELLS = ["gru", "lstm", "rnn_tanh", "rnn_relu", "gru_reset_before"]
# (structure, I, H, L, bi, bias, h0, T, B, lengths). Sizes differ from each other (and from L*D) so that a
# swapped dimension fails; a length equal to T and a length of 1 are both present.
SHAPES = [
    ("l1",    3,  5, 1, False, True,  False, 7,  2, None),
    ("l1",    3,  5, 1, False, False, True,  7,  2, None),
    ("l1",    6,  5, 1, False, True,  True,  7,  3, [7, 3, 5]),
    ("l2_bi", 3,  5, 2, True,  True,  True,  7,  3, [7, 3, 5]),
    ("l2_bi", 6,  5, 2, True,  False, False, 7,  3, [3, 7, 1]),
    ("l3",    3,  5, 3, False, True,  True,  7,  2, None),
    ("l3",    6,  5, 3, False, False, False, 7,  4, [7, 2, 5, 1]),
    ("l1_big",    40, 17, 1, False, True, True, 12, 2, None),
    ("l2_bi_big", 12,  9, 2, True,  True, True, 10, 3, [10, 4, 1]),
]


def case_name(cell, shape):
    s, _, _, _, _, bias, h0, _, _, lengths = shape
    return "_".join([cell, s] + (["bias"] if bias else ["nobias"]) + (["h0"] if h0 else [])
                    + (["len"] if lengths is not None else []))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".safetensors"):
            os.remove(os.path.join(OUT, f))
    total, seed = 0, 1000
    shapes = [(c, s) for c in CELLS for s in SHAPES] + [("gru", ("l1_h33", 13, 33, 1, False, True, False, 10, 2,
                                                                 None))]
    names = set()
    for cell, shape in shapes:
        name = case_name(cell, shape)
        assert name not in names, name
        names.add(name)
        s, I, H, L, bi, bias, h0, T, B, lengths = shape
        seed += 1
        path = run_case(name, cell, I, H, L, bi, bias, h0, T, B, lengths, seed)
        size = os.path.getsize(path)
        assert size < 60 * 1024, (name, size)
        total += size
        print("%-40s %7d bytes" % (os.path.basename(path), size))
    assert total < 1.5 * 1024 * 1024, total
    print("%d files, %d bytes in %s" % (len(shapes), total, os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
