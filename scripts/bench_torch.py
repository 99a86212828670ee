#!/usr/bin/python3
"""Times one recurrent case in PyTorch, as `./gru4j bench` times it in gru4j; the last line is median_ms=<number>.

    /usr/bin/python3 scripts/bench_torch.py --cell gru --mode train --batch 32 --steps 100 --input 64 --hidden 256 --threads 1

infer: y = module(x), x (T,B,I), under no_grad. train: forward, backward of y.sum() (dy = 1), params -= lr*grads,
zero grads. stream: one step of one stream (batch 1, T=1), state carried, under no_grad; the time is per step.

Debian's python3-torch calls whatever libblas.so.3 the system points at; the reference BLAS there is ~15x slower than
OpenBLAS, which would make any comparison meaningless. When Debian's OpenBLAS is installed
(`apt-get install libopenblas0-pthread`) this script runs torch on it (through LD_LIBRARY_PATH, without changing
the system's choice); TORCH_BLAS=reference keeps whatever the system points at. The `blas:` line says which one
was used.
"""
import argparse
import os
import sys

OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cell", default="gru", choices=["gru", "lstm", "rnn"])
    ap.add_argument("--mode", default="infer", choices=["infer", "train", "stream"])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--input", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--bidirectional", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()

    # the loader reads LD_LIBRARY_PATH at start-up only: run again with OpenBLAS first on the path
    want_openblas = os.environ.get("TORCH_BLAS", "openblas") != "reference"
    if want_openblas and os.path.isdir(OPENBLAS_DIR) and OPENBLAS_DIR not in os.environ.get("LD_LIBRARY_PATH", "").split(":"):
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = OPENBLAS_DIR + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        os.execve(sys.executable, [sys.executable] + sys.argv, env)

    # the thread count must be in the environment before torch loads its BLAS and OpenMP runtimes
    os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
    os.environ["OMP_NUM_THREADS"] = str(a.threads)
    os.environ["MKL_NUM_THREADS"] = str(a.threads)
    import time
    import torch
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)

    cls = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM, "rnn": torch.nn.RNN}[a.cell]
    stream = a.mode == "stream"
    if stream and a.bidirectional:
        sys.exit("bench_torch: error: --mode stream cannot be --bidirectional")
    B = 1 if stream else a.batch
    m = cls(a.input, a.hidden, num_layers=a.layers, bidirectional=a.bidirectional)
    print(f"case: {a.cell} {a.mode} I={a.input} H={a.hidden}" + ("" if stream else f" B={B} T={a.steps}")
          + f" L={a.layers}" + (" bidirectional" if a.bidirectional else "") + f" threads={torch.get_num_threads()}")
    blas = "reference (slow; apt-get install libopenblas0-pthread)"
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "libblas.so" in line or "libopenblas" in line:
                blas = line.split()[-1]
                break
    print(f"torch {torch.__version__}, blas: {blas}")

    if stream:
        xs = torch.rand(64, 1, 1, a.input) * 2 - 1
        per_run = 200
        state = [None]

        def once():
            with torch.no_grad():
                s = state[0]
                for i in range(per_run):
                    _, s = m(xs[i & 63], s)
                state[0] = s
    else:
        x = torch.rand(a.steps, B, a.input) * 2 - 1
        per_run = 1
        if a.mode == "infer":
            def once():
                with torch.no_grad():
                    m(x)
        else:
            lr = 1e-6
            params = list(m.parameters())

            def once():
                y, _ = m(x)
                y.sum().backward()
                with torch.no_grad():
                    for p in params:
                        p -= lr * p.grad
                        p.grad = None

    warm_end = time.perf_counter() + 2.0
    n_warm = 0
    while n_warm < 2 or time.perf_counter() < warm_end:
        once()
        n_warm += 1
    times = []
    end = time.perf_counter() + a.seconds
    while len(times) < 3 or time.perf_counter() < end:
        t0 = time.perf_counter()
        once()
        times.append((time.perf_counter() - t0) * 1e3 / per_run)
    times.sort()
    med = times[len(times) // 2]
    D = 2 if a.bidirectional else 1
    G = {"gru": 3, "lstm": 4, "rnn": 1}[a.cell]
    flops = 0.0
    for l in range(a.layers):
        inp = a.input if l == 0 else D * a.hidden
        flops += 2.0 * D * G * a.hidden * (inp + a.hidden) * (1 if stream else a.steps * B)
    if a.mode == "train":
        flops *= 3
    print(f"runs: {len(times)} timed after {n_warm} warm-up; min {times[0]:.4f} ms, median {med:.4f} ms"
          + (" per step" if stream else ""))
    print(f"throughput: {flops / (med * 1e-3) / 1e9:.1f} GFLOP/s")
    print(f"median_ms={med:.6f}")


if __name__ == "__main__":
    main()
