"""conv2d on (64, 32, 28, 28) by a (64, 32, 3, 3) weight, padding 1, float32: swiftgrad's
forward and forward+backward against PyTorch's (torch.set_num_threads(2)), and against the time
of the GEMMs the convolution reduces to (run through swiftgrad's matmul on OpenBLAS):

    forward          W[64, 288] @ cols[288, 64*784]
    input gradient   W^T[288, 64] @ g[64, 64*784]
    weight gradient  g[64, 64*784] @ cols^T[64*784, 288]

Medians of interleaved runs. Run with a Python that has torch, swiftgrad on PYTHONPATH:

    PYTHONPATH=bindings/python $TORCH_PYTHON benchmarks/conv2d_vs_torch.py [repeats]
"""
import statistics
import sys
import time

import numpy as np
import torch

import swiftgrad as sg

N, C, H, W, O, K = 64, 32, 28, 28, 64, 3
REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 15


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    torch.set_num_threads(2)
    sg.set_num_threads(2)
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((N, C, H, W)).astype(np.float32)
    wa = (rng.standard_normal((O, C, K, K)) * 0.1).astype(np.float32)
    ba = rng.standard_normal(O).astype(np.float32)
    tx, tw, tb = (torch.from_numpy(a).requires_grad_() for a in (xa, wa, ba))
    sx, sw, sb = (sg.from_numpy(a).requires_grad_() for a in (xa, wa, ba))
    tg = torch.ones(N, O, H, W)
    sgo = sg.ones(N, O, H, W)
    L = H * W
    # the GEMM operands
    gw = sg.from_numpy(rng.standard_normal((O, C * K * K)).astype(np.float32))
    gcols = sg.from_numpy(rng.standard_normal((C * K * K, N * L)).astype(np.float32))
    gg = sg.from_numpy(rng.standard_normal((O, N * L)).astype(np.float32))

    def t_fwd():
        with torch.no_grad():
            torch.nn.functional.conv2d(tx, tw, tb, padding=1)

    def s_fwd():
        with sg.no_grad():
            sg.nn.functional.conv2d(sx, sw, sb, padding=1)

    def t_fb():
        y = torch.nn.functional.conv2d(tx, tw, tb, padding=1)
        y.backward(tg)

    def s_fb():
        y = sg.nn.functional.conv2d(sx, sw, sb, padding=1)
        y.backward(sgo)

    def gemm_fwd():
        sg.matmul(gw, gcols)

    def gemm_bwd():
        sg.matmul(gw.t(), gg)
        sg.matmul(gg, gcols.t())

    cases = {"torch forward": t_fwd, "swiftgrad forward": s_fwd, "torch fwd+bwd": t_fb, "swiftgrad fwd+bwd": s_fb,
             "GEMM forward": gemm_fwd, "GEMMs backward": gemm_bwd}
    for fn in cases.values():  # warm up
        fn()
        fn()
    times = {k: [] for k in cases}
    for _ in range(REPEATS):
        for k, fn in cases.items():
            times[k].append(timed(fn))
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    for k, v in med.items():
        print(f"{k:20s} {v:8.2f} ms (median), {min(times[k]) * 1e3:8.2f} ms (min)")
    gemm_fb = med["GEMM forward"] + med["GEMMs backward"]
    print(f"forward:  swiftgrad / torch = {med['swiftgrad forward'] / med['torch forward']:.2f}, "
          f"swiftgrad / GEMM = {med['swiftgrad forward'] / med['GEMM forward']:.2f}")
    print(f"fwd+bwd:  swiftgrad / torch = {med['swiftgrad fwd+bwd'] / med['torch fwd+bwd']:.2f}, "
          f"swiftgrad / GEMMs = {med['swiftgrad fwd+bwd'] / gemm_fb:.2f}")


if __name__ == "__main__":
    main()
