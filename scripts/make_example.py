#!/usr/bin/python3
"""Makes the small bundled example that the README's main command runs.

    /usr/bin/python3 scripts/make_example.py      # Debian's python3-torch

Writes examples/gru.pt (the state_dict of nn.GRU(8, 16, num_layers=2), seeded random weights, saved with
torch.save), examples/x.npy (float32, T=20 steps, B=3 sequences, I=8 features) and the outputs PyTorch computes
for them, examples/y_torch.npy and examples/hn_torch.npy, so the two can be compared.
"""
import os
import numpy as np
import torch

torch.manual_seed(2024)
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
gru = nn_gru = torch.nn.GRU(8, 16, num_layers=2)
x = torch.randn(20, 3, 8)
with torch.no_grad():
    y, hn = gru(x)
torch.save(gru.state_dict(), os.path.join(here, "gru.pt"))
np.save(os.path.join(here, "x.npy"), x.numpy().astype(np.float32))
np.save(os.path.join(here, "y_torch.npy"), y.numpy().astype(np.float32))
np.save(os.path.join(here, "hn_torch.npy"), hn.numpy().astype(np.float32))
print("wrote", sorted(os.listdir(here)))
