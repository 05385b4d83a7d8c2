"""layer_norm and batch_norm (training), forward + backward, float32: swiftgrad against
PyTorch (set_num_threads(2) for both, then both on 1 thread). Each library runs in its own
process (two thread pools in one process disturb each other), the processes alternate ROUNDS
times, and each reports the median of its runs; the table shows the median of those.

    SWIFTGRAD_LIBRARY=build/lib/libswiftgrad.so PYTHONPATH=bindings/python \
        /work/torchenv/bin/python benchmarks/norm_speed.py
"""
import json
import os
import statistics
import subprocess
import sys
import time

ROUNDS, RUNS = 5, 50
CASES = [
    ("layer_norm fwd+bwd (2048, 256)", (16 * 128, 256), 256, "layer"),
    ("batch_norm train fwd+bwd (64, 32, 28, 28)", (64, 32, 28, 28), 32, "batch"),
]


def worker(name, threads):
    if name == "torch":
        import torch as lib
    else:
        import swiftgrad as lib
    lib.set_num_threads(threads)
    lib.manual_seed(0)
    results = {}
    for label, shape, channels, kind in CASES:
        # Each library's own random inputs (numpy is not imported: with numpy's OpenBLAS
        # threads loaded, torch's layer_norm took 100 ms instead of 1 here).
        x = lib.randn(*shape).requires_grad_()
        w, b = (lib.rand(channels) + 0.5).requires_grad_(), lib.randn(channels).requires_grad_()
        rm, rv = lib.zeros(channels), lib.ones(channels)

        def step():
            for p in (x, w, b):
                p.grad = None
            if kind == "layer":
                y = lib.nn.functional.layer_norm(x, [shape[-1]], w, b, 1e-5)
            else:
                y = lib.nn.functional.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
            y.backward(lib.ones_like(y))

        # Warm up for a second: torch's thread pool on a loaded machine ran the first tens of
        # steps 100 times slower than the rest.
        start = time.perf_counter()
        while time.perf_counter() - start < 1.0:
            step()
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        results[label] = statistics.median(times)
    print(json.dumps(results))


def main():
    for threads in (2, 1):
        samples = {"torch": [], "swiftgrad": []}
        for _ in range(ROUNDS):
            for name in ("torch", "swiftgrad"):
                out = subprocess.run([sys.executable, __file__, name, str(threads)], capture_output=True, text=True,
                                     check=True, env=os.environ)
                samples[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
        for label, *_ in CASES:
            t = statistics.median(s[label] for s in samples["torch"])
            s = statistics.median(s[label] for s in samples["swiftgrad"])
            print(f"{label}, float32, {threads} thread(s): swiftgrad {s * 1e3:.3f} ms, torch {t * 1e3:.3f} ms, "
                  f"ratio {s / t:.2f}")


if __name__ == "__main__":
    worker(sys.argv[1], int(sys.argv[2])) if len(sys.argv) > 1 else main()
