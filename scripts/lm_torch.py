#!/usr/bin/python3
"""The PyTorch twin of `gru4j lm train`, for a like-for-like comparison of validation bits per character.

Same data split (the last 10% of the text held out, int(n * 0.1) characters), same vocabulary (the text's distinct
characters in code-point order), same lanes (B contiguous stretches of the training pairs, remainder dropped), same
truncated BPTT (chunks of --seq-len with the state carried, reset at each epoch), same model (Embedding(V, E) ->
nn.GRU/LSTM/RNN(E, H, L) -> Linear(H, V), PyTorch's default initialisation), same optimiser (Adam, lr 2e-3, clip by
global norm 1.0), same caps (--epochs passes, --minutes of wall-clock training, then evaluation), same evaluation
(the held-out pairs in S = min(B, max(1, N // seq_len)) contiguous stretches, state carried).

    /usr/bin/python3 scripts/lm_torch.py --text data/moby-dick/moby-dick.txt --minutes 2

The last line is val_bpc=<number>, as gru4j prints it. Threads: torch.set_num_threads(--threads, default 2).

BLAS and threads: Debian's torch calls whatever libblas.so.3 the alternatives system points at; where that is the
reference BLAS (~2 GFLOP/s, against OpenBLAS's ~48 on this machine with 2 threads) PyTorch would be handicapped, so
the script re-executes itself with Debian's OpenBLAS first on LD_LIBRARY_PATH when it is installed, as a pip torch
would run on MKL (--blas system keeps the machine's choice). It also sets OMP_WAIT_POLICY=PASSIVE unless set: with
OpenMP's default spin-waiting, 2 threads on a busy 2-core machine ran a training step 20x slower (4 s instead of 0.2).
"""
import argparse
import math
import os
import sys
import time

OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
if os.environ.get("LM_TORCH_ENV") != "1":
    env = dict(os.environ, LM_TORCH_ENV="1")
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if "--blas" not in sys.argv and os.path.isdir(OPENBLAS):
        env["LD_LIBRARY_PATH"] = OPENBLAS + ":" + os.environ.get("LD_LIBRARY_PATH", "")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import torch  # noqa: E402  (after the environment is set)
import torch.nn as nn  # noqa: E402


class CharLM(nn.Module):
    def __init__(self, cell, vocab, embedding, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding)
        rnn = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[cell]
        self.rnn = rnn(embedding, hidden, layers)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, h):          # x is (T,B) ids
        y, h = self.rnn(self.embedding(x), h)
        return self.head(y), h


def detach(h):
    if h is None:
        return None
    return tuple(s.detach() for s in h) if isinstance(h, tuple) else h.detach()


def bits_per_char(model, ids, lanes, chunk):
    pairs = len(ids) - 1
    S = min(lanes, max(1, pairs // chunk))
    q, r = divmod(pairs, S)
    longest = q + (1 if r else 0)
    starts = [b * q + min(b, r) for b in range(S)]
    lens = [q + (1 if b < r else 0) for b in range(S)]
    nats, h = 0.0, None
    with torch.no_grad():
        for t0 in range(0, longest, chunk):
            T = min(chunk, longest - t0)
            x = torch.zeros(T, S, dtype=torch.long)
            y = torch.full((T, S), -100, dtype=torch.long)
            for b in range(S):
                n = max(0, min(T, lens[b] - t0))
                if n:
                    s = starts[b] + t0
                    x[:n, b] = ids[s:s + n]
                    y[:n, b] = ids[s + 1:s + n + 1]
            logits, h = model(x, h)
            nats += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                                ignore_index=-100, reduction="sum").item()
    return nats / pairs / math.log(2)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--text", required=True)
    p.add_argument("--cell", default="gru", choices=["gru", "lstm", "rnn"])
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--seq-len", type=int, default=100)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--epochs", type=int)
    p.add_argument("--minutes", type=float)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--blas", choices=["system"], help="keep the system's libblas.so.3 (default: OpenBLAS when installed)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    epochs = a.epochs if a.epochs is not None else 0
    minutes = a.minutes if a.minutes is not None else (2 if a.epochs is None else 0)

    text = open(a.text, encoding="utf-8").read()
    if text.startswith("\ufeff"):
        text = text[1:]
    vocab = sorted(set(text))
    stoi = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = len(ids)
    n_val = int(n * 0.1)
    n_train = n - n_val
    train, val = ids[:n_train], ids[n_train:]
    pairs = n_train - 1
    lanes = min(a.batch, pairs)
    L = pairs // lanes
    x_all = train[:lanes * L].view(lanes, L).t().contiguous()           # (L, B)
    y_all = train[1:lanes * L + 1].view(lanes, L).t().contiguous()

    model = CharLM(a.cell, len(vocab), a.embedding, a.hidden, a.layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    deadline = start + minutes * 60 if minutes > 0 else math.inf
    step, epoch, done = 0, 0, False
    last_t, last_step, loss_sum, loss_n = start, 0, 0.0, 0
    while not done and (epochs == 0 or epoch < epochs):
        h = None
        for t0 in range(0, L, a.seq_len):
            x, y = x_all[t0:t0 + a.seq_len], y_all[t0:t0 + a.seq_len]
            logits, h = model(x, h)
            h = detach(h)
            loss = loss_fn(logits.reshape(-1, len(vocab)), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), a.clip) if a.clip > 0 else torch.tensor(float("nan"))
            opt.step()
            step += 1
            loss_sum += loss.item()
            loss_n += 1
            now = time.perf_counter()
            if step % 20 == 0:
                print(f"step {step} epoch {epoch + 1} loss {loss_sum / loss_n:.4f} bpc {loss_sum / loss_n / math.log(2):.3f} "
                      f"|g| {norm.item():.3g} {(step - last_step) / (now - last_t):.1f} steps/s", file=sys.stderr, flush=True)
                last_t, last_step, loss_sum, loss_n = now, step, 0.0, 0
            if now >= deadline:
                done = True
                break
        else:
            epoch += 1
    train_secs = time.perf_counter() - start
    bpc = bits_per_char(model, val, a.batch, a.seq_len)
    print(f"torch {a.cell} hidden={a.hidden} layers={a.layers} embedding={a.embedding}, {n} characters (vocabulary "
          f"{len(vocab)}), {sum(p.numel() for p in model.parameters())} parameters; {step} steps, {epoch} epochs "
          f"completed, {train_secs:.1f} s training, {time.perf_counter() - start:.1f} s in all")
    print(f"val_bpc={bpc:.4f}")


if __name__ == "__main__":
    main()
