"""Common ops from Python, swiftgrad against PyTorch: the forward of each op on [256, 512]
float32 tensors (sort, unique and the index ops on int64 indices of the same size), both
libraries on 2 threads. Each library runs in its own process (two thread pools in one process
disturb each other), the processes alternate ROUNDS times, each reports per op the best of
REPEATS batches of CALLS calls, and the table shows the median of those, slowest ratio first:
where swiftgrad is furthest behind.

    SWIFTGRAD_LIBRARY=build/lib/libswiftgrad.so PYTHONPATH=bindings/python \
        /work/torchenv/bin/python benchmarks/op_survey.py [op ...]
"""
import json
import os
import statistics
import subprocess
import sys
import time

ROUNDS, REPEATS, CALLS = 3, 5, 200


def cases(lib):
    """The ops, each a function of no arguments, on each library's own random inputs (numpy
    is not imported: its OpenBLAS threads disturb torch's)."""
    F = lib.nn.functional
    lib.manual_seed(0)
    x, y, z = lib.randn(256, 512), lib.randn(256, 512), lib.randn(256, 512)
    positive = z.abs()
    index = lib.randint(0, 512, (256, 512))
    row, rows = index[0], lib.randint(0, 256, (128,))
    v, w = lib.randn(512), lib.randn(256)
    batch = lib.randn(16, 64, 64)
    mask = x > 0
    return {
        "add": lambda: x + y, "mul by a number": lambda: x * 2.5, "div": lambda: x / y, "rsub": lambda: 1 - x,
        "square": lambda: x.square(), "abs": lambda: x.abs(), "clamp": lambda: x.clamp(-0.5, 0.5),
        "where": lambda: lib.where(mask, x, y), "addcmul": lambda: lib.addcmul(x, y, z, value=0.5),
        "lerp": lambda: lib.lerp(x, y, 0.3),
        "exp": lambda: x.exp(), "expm1": lambda: x.expm1(), "log": lambda: positive.log(),
        "log1p": lambda: positive.log1p(), "sqrt": lambda: positive.sqrt(), "rsqrt": lambda: positive.rsqrt(),
        "sin": lambda: x.sin(), "erf": lambda: x.erf(), "pow 1.5": lambda: positive ** 1.5,
        "tanh": lambda: x.tanh(), "sigmoid": lambda: x.sigmoid(), "relu": lambda: F.relu(x),
        "leaky_relu": lambda: F.leaky_relu(x), "gelu": lambda: F.gelu(x),
        "gelu tanh": lambda: F.gelu(x, approximate="tanh"), "silu": lambda: F.silu(x), "elu": lambda: F.elu(x),
        "selu": lambda: F.selu(x), "softplus": lambda: F.softplus(x), "hardswish": lambda: F.hardswish(x),
        "softmax(1)": lambda: F.softmax(x, 1), "log_softmax(1)": lambda: F.log_softmax(x, 1),
        "sum(1)": lambda: x.sum(1), "sum(0)": lambda: x.sum(0), "mean(1)": lambda: x.mean(1),
        "prod(1)": lambda: x.prod(1), "amax(0)": lambda: x.amax(0), "max(0)": lambda: x.max(0),
        "norm(dim=1)": lambda: x.norm(dim=1), "logsumexp(1)": lambda: x.logsumexp(1),
        "cumsum(1)": lambda: x.cumsum(1), "cumprod(1)": lambda: x.cumprod(1),
        "sort(1)": lambda: x.sort(1), "argsort(1)": lambda: x.argsort(1), "topk(5, 1)": lambda: x.topk(5, 1),
        "unique": lambda: lib.unique(index),
        "gather(1)": lambda: x.gather(1, index), "scatter_add(1)": lambda: lib.zeros(256, 512).scatter_add(1, index, x),
        "index_select(1)": lambda: x.index_select(1, row), "index_add(1)": lambda: lib.zeros(256, 512).index_add(1, row, x),
        "x[rows]": lambda: x[rows], "nonzero": lambda: mask.nonzero(), "masked_select": lambda: x.masked_select(mask),
        "t().contiguous()": lambda: x.t().contiguous(), "expand().contiguous()": lambda: v.expand(256, 512).contiguous(),
        "flip(1)": lambda: x.flip(1), "roll(3, 1)": lambda: x.roll(3, 1), "tril": lambda: x.tril(),
        "cat(0)": lambda: lib.cat([x, y], 0), "stack(0)": lambda: lib.stack([x, y], 0),
        "matrix @ vector": lambda: x @ v, "vector @ matrix": lambda: w @ x, "bmm 16x64x64": lambda: lib.bmm(batch, batch),
    }


def worker(name, only):
    if name == "torch":
        import torch as lib
    else:
        import swiftgrad as lib
    lib.set_num_threads(2)
    results = {}
    for label, op in cases(lib).items():
        if only and label not in only:
            continue
        start = time.perf_counter()
        while time.perf_counter() - start < 0.1:  # warm up
            op()
        best = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            for _ in range(CALLS):
                op()
            best = min(best, (time.perf_counter() - start) / CALLS)
        results[label] = best
    print(json.dumps(results))


def main(only):
    samples = {"torch": [], "swiftgrad": []}
    for _ in range(ROUNDS):
        for name in ("torch", "swiftgrad"):
            out = subprocess.run([sys.executable, __file__, "--worker", name, *only], capture_output=True, text=True,
                                 check=True, env=os.environ)
            samples[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    rows = []
    for label in samples["swiftgrad"][0]:
        s = statistics.median(run[label] for run in samples["swiftgrad"])
        t = statistics.median(run[label] for run in samples["torch"])
        rows.append((s / t, label, s, t))
    print("| op, [256, 512] float32, 2 threads | swiftgrad µs | PyTorch µs | ratio |")
    print("|---|---|---|---|")
    for ratio, label, s, t in sorted(rows, reverse=True):
        print(f"| {label} | {s * 1e6:.1f} | {t * 1e6:.1f} | {ratio:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2], set(sys.argv[3:]))
    else:
        main(sys.argv[1:])
