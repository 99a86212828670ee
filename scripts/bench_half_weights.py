#!/usr/bin/python3
"""Would 16-bit weight storage (bf16 or fp16, float32 accumulation) keep gru4j's 1e-4 contract against PyTorch?

    /usr/bin/python3 scripts/bench_half_weights.py [--hidden 512] [--input 32] [--steps 200] [--seeds 5]

Runs nn.GRU(I, H) as a stream of `steps` events in float32 with its weights as they are, then with W_ih and W_hh
rounded to bf16 and to fp16 (biases and all arithmetic float32: what a kernel storing 16-bit weights computes), and
prints the largest |h_t − h_t(float32)| over all steps, for PyTorch's default initialisation and for one scaled 3×
(trained recurrent weights are often larger than the initialisation).
"""
import argparse

import torch


def run(m, x):
    with torch.no_grad():
        y, _ = m(x)
    return y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--input", type=int, default=32)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--seeds", type=int, default=5)
    a = ap.parse_args()
    for scale in (1.0, 3.0):
        worst = {"bf16": 0.0, "fp16": 0.0}
        for seed in range(a.seeds):
            torch.manual_seed(seed)
            m = torch.nn.GRU(a.input, a.hidden)
            with torch.no_grad():
                for n, p in m.named_parameters():
                    if n.startswith("weight"):
                        p.mul_(scale)
            x = torch.rand(a.steps, 1, a.input) * 2 - 1
            ref = run(m, x)
            for name, dt in (("bf16", torch.bfloat16), ("fp16", torch.float16)):
                q = torch.nn.GRU(a.input, a.hidden)
                q.load_state_dict(m.state_dict())
                with torch.no_grad():
                    for n, p in q.named_parameters():
                        if n.startswith("weight"):
                            p.copy_(p.to(dt).to(torch.float32))
                worst[name] = max(worst[name], (run(q, x) - ref).abs().max().item())
        print(f"GRU({a.input},{a.hidden}) stream of {a.steps} steps, weights ×{scale:g}: "
              + ", ".join(f"{k} max |Δh| {v:.2e}" for k, v in worst.items()) + " (contract: 1e-4)")


if __name__ == "__main__":
    main()
