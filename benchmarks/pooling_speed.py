"""max_pool2d (kernel 2, stride 2) and adaptive_avg_pool2d, forward + backward on a
(64, 32, 28, 28) float32 batch, swiftgrad against PyTorch (2 threads each): medians of
interleaved runs.

    PYTHONPATH=bindings/python $TORCH_PYTHON benchmarks/pooling_speed.py
"""
import statistics
import time

import numpy as np

import swiftgrad as sg

import torch  # noqa: E402

torch.set_num_threads(2)
sg.set_num_threads(2)
data = np.random.default_rng(0).standard_normal((64, 32, 28, 28)).astype(np.float32)


def step(lib, x, op):
    x.grad = None
    y = op(lib, x)
    y.backward(lib.ones_like(y))


OPS = {
    "max_pool2d(k=2, s=2)": lambda lib, x: lib.nn.functional.max_pool2d(x, 2, 2),
    "adaptive_avg_pool2d((7, 7))": lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, (7, 7)),
    "adaptive_avg_pool2d((5, 5))": lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, (5, 5)),
}

for name, op in OPS.items():
    xs = sg.tensor(data).requires_grad_()
    xt = torch.tensor(data).requires_grad_()
    for _ in range(3):
        step(sg, xs, op)
        step(torch, xt, op)
    times = {"swiftgrad": [], "torch": []}
    for _ in range(30):
        for label, lib, x in (("swiftgrad", sg, xs), ("torch", torch, xt)):
            start = time.perf_counter()
            step(lib, x, op)
            times[label].append(time.perf_counter() - start)
    s, t = statistics.median(times["swiftgrad"]), statistics.median(times["torch"])
    print(f"{name:30s} swiftgrad {s * 1e3:7.2f} ms   torch {t * 1e3:7.2f} ms   ratio {s / t:5.2f}")
