"""The PyTorch modules whose state_dict names and shapes match gru4j's exported .safetensors.

A bare recurrent module exports as nn.GRU / nn.LSTM / nn.RNN itself (weight_ih_l0, ...). An
org.gru4j.model.SequenceModel exports as SequenceModel below: attributes embedding (only with a vocabulary),
rnn and head, in that order, so `SequenceModel.from_metadata(meta).load_state_dict(tensors, strict=True)` takes
the file as it is. `meta` is the file's __metadata__ (gru4j writes its configuration there).

    import safetensors.torch, json
    tensors = safetensors.torch.load_file("model.safetensors")
    with safetensors.safe_open("model.safetensors", "pt") as f: meta = f.metadata()
    model = SequenceModel.from_metadata(meta); model.load_state_dict(tensors, strict=True)
"""
import torch
from torch import nn


def recurrent(cell, input, hidden, layers=1, bidirectional=False, bias=True, dropout=0.0):
    """nn.GRU / nn.LSTM / nn.RNN for gru4j's cell ids gru, lstm, rnn_tanh, rnn_relu."""
    kw = dict(num_layers=layers, bias=bias, dropout=dropout, bidirectional=bidirectional)
    if cell == "gru":
        return nn.GRU(input, hidden, **kw)
    if cell == "lstm":
        return nn.LSTM(input, hidden, **kw)
    return nn.RNN(input, hidden, nonlinearity="relu" if cell == "rnn_relu" else "tanh", **kw)


class SequenceModel(nn.Module):
    """[embedding] -> stacked recurrent layers (dropout between them) -> linear head, as gru4j's SequenceModel.

    x is (T,B,I) features, or (T,B) token ids when vocab > 0 (time-major, like gru4j).
    head 'per_step':  logits (T,B,O) = head(y)
    head 'last_step': logits (B,O)   = head(h_n of the last layer, directions concatenated: (B, D*H))
    """

    def __init__(self, cell, input, hidden, layers=1, bidirectional=False, bias=True, dropout=0.0, vocab=0,
                 outputs=1, head="per_step"):
        super().__init__()
        if vocab > 0:
            self.embedding = nn.Embedding(vocab, input)
        self.rnn = recurrent(cell, input, hidden, layers, bidirectional, bias, dropout)
        self.head = nn.Linear((2 if bidirectional else 1) * hidden, outputs)
        self.per_step = head == "per_step"

    def forward(self, x):
        if hasattr(self, "embedding"):
            x = self.embedding(x.long())
        y, state = self.rnn(x)
        hn = state[0] if isinstance(state, tuple) else state
        if self.per_step:
            return self.head(y), hn
        d = 2 if self.rnn.bidirectional else 1
        last = hn[-d:].permute(1, 0, 2).reshape(hn.shape[1], -1)
        return self.head(last), hn

    @staticmethod
    def from_metadata(meta):
        """The module for a gru4j .safetensors' __metadata__ (model=sequence)."""
        t = lambda k: meta[k] == "true"
        return SequenceModel(meta["cell"], int(meta["input"]), int(meta["hidden"]), int(meta["layers"]),
                             t("bidirectional"), t("bias"), float(meta["dropout"]), int(meta["vocab"]),
                             int(meta["outputs"]), meta["head"])
