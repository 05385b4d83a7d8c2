"""F.embedding_bag forward + backward (weight 10000 x 64 float32, 4096 indices in 512 bags;
sum, mean and max), swiftgrad against PyTorch, both with the same thread count (2 unless
EMBBAG_THREADS says otherwise): medians of interleaved runs.

    PYTHONPATH=bindings/python $TORCH_PYTHON benchmarks/embbag_speed.py
"""
import os
import statistics
import time

import numpy as np

import swiftgrad as sg

import torch  # noqa: E402

THREADS = int(os.environ.get("EMBBAG_THREADS", "2"))
torch.set_num_threads(THREADS)
sg.set_num_threads(THREADS)
V, D, N, B = 10000, 64, 4096, 512
rng = np.random.default_rng(0)
table = rng.standard_normal((V, D)).astype(np.float32)
indices = rng.integers(0, V, N)
offsets = np.sort(rng.integers(0, N, B))
offsets[0] = 0


def step(lib, weight, idx, offs, mode):
    weight.grad = None
    y = lib.nn.functional.embedding_bag(idx, weight, offs, mode=mode)
    y.backward(lib.ones_like(y))


print(f"{THREADS} thread(s)")
for mode in ("sum", "mean", "max"):
    args = {
        "swiftgrad": (sg, sg.tensor(table).requires_grad_(), sg.tensor(indices), sg.tensor(offsets)),
        "torch": (torch, torch.tensor(table).requires_grad_(), torch.tensor(indices), torch.tensor(offsets)),
    }
    for _ in range(5):
        for lib, *a in args.values():
            step(lib, *a, mode)
    times = {"swiftgrad": [], "torch": []}
    for _ in range(100):
        for label, (lib, *a) in args.items():
            start = time.perf_counter()
            step(lib, *a, mode)
            times[label].append(time.perf_counter() - start)
    s, t = statistics.median(times["swiftgrad"]), statistics.median(times["torch"])
    print(f"embedding_bag {mode:4s} swiftgrad {s * 1e6:7.0f} us   torch {t * 1e6:7.0f} us   ratio {s / t:5.2f}")
