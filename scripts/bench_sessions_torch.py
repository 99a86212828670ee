#!/usr/bin/python3
"""PyTorch's side of `./gru4j bench-sessions`: keyed streaming with nn.GRUCell/LSTMCell/RNNCell, one event at a time.

    /usr/bin/python3 scripts/bench_sessions_torch.py --keys 1000 --events 200000 [--hidden 64 --input 8 --threads 1]

Keeps one state tensor per key in a dict and steps the key's state with the cell under torch.no_grad(), as a
Python stream processor would. Prints events/s and per-event latency percentiles in the same last-line form as
gru4j: events_per_s=<n> p50_us=<n> p99_us=<n>.
"""
import argparse
import os
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--cell", default="gru")
p.add_argument("--input", type=int, default=8)
p.add_argument("--hidden", type=int, default=64)
p.add_argument("--keys", type=int, default=1000)
p.add_argument("--events", type=int, default=200000)
p.add_argument("--threads", type=int, default=1)
a = p.parse_args()
os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(a.threads)
cell = {"gru": torch.nn.GRUCell, "lstm": torch.nn.LSTMCell, "rnn": torch.nn.RNNCell}[a.cell](a.input, a.hidden)
rng = np.random.default_rng(42)
keys = rng.integers(0, a.keys, size=a.events)
xs = torch.randn(64, 1, a.input)
state = {}
with torch.no_grad():
    for k in range(a.keys):
        h = torch.zeros(1, a.hidden)
        state[k] = (h, torch.zeros(1, a.hidden)) if a.cell == "lstm" else h
    lat = np.empty(a.events)
    for phase in ("warm-up", "timed"):
        n = min(a.events, 20000) if phase == "warm-up" else a.events
        t_start = time.perf_counter()
        for i in range(n):
            k = int(keys[i])
            t0 = time.perf_counter_ns()
            state[k] = cell(xs[i & 63], state[k])
            lat[i] = time.perf_counter_ns() - t0
        wall = time.perf_counter() - t_start
lat.sort()
eps = a.events / wall
print(f"torch {torch.__version__} {a.cell} I={a.input} H={a.hidden} keys={a.keys} threads={a.threads}: "
      f"{eps:.0f} events/s, p50 {lat[len(lat) // 2] / 1e3:.2f} µs p99 {lat[int(len(lat) * 0.99)] / 1e3:.2f} µs")
print(f"events_per_s={eps:.0f} p50_us={lat[len(lat) // 2] / 1e3:.3f} p99_us={lat[int(len(lat) * 0.99)] / 1e3:.3f}")
