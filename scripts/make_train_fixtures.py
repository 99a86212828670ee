#!/usr/bin/python3
"""Writes the PyTorch training fixtures: five optimizer steps of a small recurrent model with a linear head.

    /usr/bin/python3 scripts/make_train_fixtures.py      # Debian's python3-torch (1.13)

One case per file, gru4j-core/src/test/resources/train-fixtures/<case>.safetensors (written by hand), all float32:
  - "init.<name>": the model's initial state_dict (PyTorch's default initialisation, seeded), names
    embedding.weight, rnn.weight_ih_l0, ..., head.weight, head.bias (the module attributes embedding, rnn, head),
  - "x": the batch, (T,B,I) features or (T,B) token ids; "target": (T,B,O) / (B,O) values or (T,B) / (B) classes
    (-100 where ignored); "lengths" (B) when sequences have different lengths,
  - "step<k>.<name>" for k = 1..5: every parameter after the k-th optimizer step,
  - "loss" (5) and "grad_norm" (5): the loss before each step and the gradient norm clip_grad_norm_ returned.
Each step: zero_grad, forward, loss, backward, clip_grad_norm_(max_norm) [, clip_grad_value_], optimizer.step() — in float32, as a user
trains. The configuration is in __metadata__.

The head reads every step (per_step: logits (T,B,O)) or the last layer's final states, directions concatenated
(last_step: logits (B,O)). Padded steps come from pack_padded_sequence / pad_packed_sequence (zeros there).
"""
import json
import os
import sys
import struct

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import write_safetensors  # noqa: E402
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "gru4j-core", "src", "test", "resources", "train-fixtures")
STEPS = 5


class Model(nn.Module):
    """[embedding] -> nn.GRU / nn.LSTM -> nn.Linear, as gru4j's SequenceModel."""

    def __init__(self, cell, vocab, inp, hidden, layers, bidirectional, outputs, head):
        super().__init__()
        if vocab:
            self.embedding = nn.Embedding(vocab, inp)
        self.vocab, self.cell, self.head_kind = vocab, cell, head
        self.dirs = 2 if bidirectional else 1
        if cell.startswith("rnn_"):
            self.rnn = nn.RNN(inp, hidden, layers, nonlinearity=cell[4:], bidirectional=bidirectional)
        else:
            self.rnn = {"gru": nn.GRU, "lstm": nn.LSTM}[cell](inp, hidden, layers, bidirectional=bidirectional)
        self.head = nn.Linear(self.dirs * hidden, outputs)

    def forward(self, x, lengths):
        T = x.shape[0]
        if self.vocab:
            x = self.embedding(x.long())
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, enforce_sorted=False)
        y, state = self.rnn(x)
        hn = state[0] if self.cell == "lstm" else state
        if self.head_kind == "per_step":
            if lengths is not None:
                y, _ = pad_packed_sequence(y, total_length=T)
            return self.head(y)
        last = torch.cat([hn[hn.shape[0] - self.dirs + d] for d in range(self.dirs)], dim=-1)
        return self.head(last)


def case(name, seed, cell, inp, hidden, layers, outputs, head, loss, optimizer, T=7, B=4, vocab=0,
         bidirectional=False, lengths=None, max_norm=1.0, clip_value=0.0, lr=0.01, **opt):
    """max_norm 0: no clipping by norm (the norm is still measured); clip_value > 0: clip_grad_value_ after it."""
    torch.manual_seed(seed)
    model = Model(cell, vocab, inp, hidden, layers, bidirectional, outputs, head)
    init = [("init." + k, v.clone()) for k, v in model.state_dict().items()]
    if vocab:
        x = torch.randint(0, vocab, (T, B)).float()
    else:
        x = torch.randn(T, B, inp)
    shape = (T, B) if head == "per_step" else (B,)
    if loss == "cross_entropy":
        target = torch.randint(0, outputs, shape).float()
        if lengths is not None and head == "per_step":
            for b, n in enumerate(lengths):
                target[n:, b] = -100
    else:
        target = torch.randn(*shape, outputs)
    L = torch.tensor(lengths) if lengths is not None else None
    params = list(model.parameters())
    if optimizer == "adam":
        opt_ = torch.optim.Adam(params, lr=lr, **opt)
    elif optimizer == "adamw":
        opt_ = torch.optim.AdamW(params, lr=lr, **opt)
    elif optimizer == "sgd":
        opt_ = torch.optim.SGD(params, lr=lr, **opt)
    tensors = list(init) + [("x", x), ("target", target)]
    if L is not None:
        tensors.append(("lengths", L.float()))
    losses, norms = [], []
    for k in range(1, STEPS + 1):
        opt_.zero_grad()
        out = model(x, L)
        if loss == "cross_entropy":
            value = nn.functional.cross_entropy(out.reshape(-1, outputs), target.reshape(-1).long(), ignore_index=-100)
        elif loss == "mse":
            if L is not None and head == "per_step":
                mask = (torch.arange(T)[:, None] < L[None, :]).float()[..., None].expand_as(out)
                value = ((out - target) ** 2 * mask).sum() / mask.sum()
            else:
                value = nn.functional.mse_loss(out, target)
        elif loss == "mae":
            value = nn.functional.l1_loss(out, target)
        elif loss == "huber":
            value = nn.functional.huber_loss(out, target, delta=0.5)
        value.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, max_norm if max_norm > 0 else float("inf"))
        if clip_value > 0:
            torch.nn.utils.clip_grad_value_(params, clip_value)
        opt_.step()
        losses.append(value.item())
        norms.append(norm.item())
        tensors += [("step%d.%s" % (k, n), v.clone()) for n, v in model.state_dict().items()]
    tensors += [("loss", torch.tensor(losses)), ("grad_norm", torch.tensor(norms))]
    group = opt_.param_groups[0]
    meta = {"cell": cell, "vocab": vocab, "input": inp, "hidden": hidden, "layers": layers,
            "bidirectional": str(bidirectional).lower(), "outputs": outputs, "head": head, "loss": loss,
            "optimizer": optimizer, "lr": lr, "max_norm": max_norm, "clip_value": clip_value, "steps": STEPS,
            "weight_decay": group.get("weight_decay", 0), "momentum": group.get("momentum", 0),
            "nesterov": str(group.get("nesterov", False)).lower(), "dampening": group.get("dampening", 0),
            "beta1": group.get("betas", (0, 0))[0], "beta2": group.get("betas", (0, 0))[1], "eps": group.get("eps", 0),
            "torch": torch.__version__}
    write_safetensors(os.path.join(OUT, name + ".safetensors"), tensors, meta)
    print("%-28s losses %s  norms %s" % (name, " ".join("%.4f" % v for v in losses), " ".join("%.3f" % v for v in norms)))


def main():
    os.makedirs(OUT, exist_ok=True)
    # clip at 0.1 so that clipping acts on every step
    case("gru_mse_seq2seq_adam", 1, "gru", 3, 5, 2, 2, "per_step", "mse", "adam", max_norm=0.1)
    case("gru_mse_seq2seq_len_adam", 2, "gru", 3, 5, 1, 2, "per_step", "mse", "adam", lengths=[7, 5, 3, 6], lr=0.05)
    case("lstm_ce_seq2one_adam", 3, "lstm", 3, 6, 1, 4, "last_step", "cross_entropy", "adam", lr=0.05)
    case("lstm_ce_seq2seq_adam", 4, "lstm", 3, 4, 2, 3, "per_step", "cross_entropy", "adam", max_norm=0.5,
         bidirectional=True)
    case("gru_ce_nexttoken_adamw", 5, "gru", 4, 5, 1, 11, "per_step", "cross_entropy", "adamw", vocab=11,
         lengths=[7, 5, 3, 6], lr=0.02, weight_decay=0.1)
    case("gru_huber_seq2one_bi_sgd_nesterov", 6, "gru", 3, 5, 1, 2, "last_step", "huber", "sgd", bidirectional=True,
         lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    case("gru_mse_seq2seq_sgd_momentum_clipvalue", 8, "gru", 3, 4, 1, 2, "per_step", "mse", "sgd", max_norm=0,
         clip_value=0.05, lr=0.2, momentum=0.8, dampening=0.1)
    case("rnn_tanh_mae_seq2seq_adam", 9, "rnn_tanh", 3, 5, 2, 2, "per_step", "mae", "adam", lr=0.02)
    case("lstm_mse_seq2one_adam_wd", 7, "lstm", 2, 3, 2, 1, "last_step", "mse", "adam", lengths=[7, 2, 4, 6],
         lr=0.03, weight_decay=0.05, max_norm=0.3)


if __name__ == "__main__":
    main()
