"""grid_sample forward + backward, swiftgrad against PyTorch (input 16 x 8 x 64 x 64, grid
16 x 64 x 64 x 2, bilinear, zeros, float32; both with 2 threads): medians of interleaved runs.

    PYTHONPATH=bindings/python python benchmarks/grid_sample_bench.py   # needs /work/torchenv's torch via TORCH_PYTHON
Runs swiftgrad in this process and PyTorch in a child process started with $TORCH_PYTHON.
"""
import json
import os
import statistics
import subprocess
import sys
import time

CODE = r"""
import sys, time, json
mod = sys.argv[1]
if mod == "torch":
    import torch
    torch.set_num_threads(2)
else:
    import swiftgrad as torch
F = torch.nn.functional
torch.manual_seed(0)
x = torch.randn(16, 8, 64, 64).requires_grad_()
g = (torch.rand(16, 64, 64, 2) * 2.2 - 1.1).requires_grad_()
def step():
    y = F.grid_sample(x, g, mode="bilinear", padding_mode="zeros", align_corners=False)
    y.sum().backward()
    x.grad = None
    g.grad = None
for _ in range(3):
    step()
print("ready", flush=True)
for line in sys.stdin:
    n = int(line)
    times = []
    for _ in range(n):
        t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
    print(json.dumps(times), flush=True)
"""


def main():
    torch_python = os.environ.get("TORCH_PYTHON", "/work/torchenv/bin/python")
    procs = {"torch": subprocess.Popen([torch_python, "-c", CODE, "torch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True),
             "swiftgrad": subprocess.Popen([sys.executable, "-c", CODE, "swiftgrad"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)}
    for p in procs.values():
        assert p.stdout.readline().strip() == "ready"
    times = {k: [] for k in procs}
    for _ in range(10):
        for k, p in procs.items():
            p.stdin.write("3\n")
            p.stdin.flush()
            times[k] += json.loads(p.stdout.readline())
    for p in procs.values():
        p.stdin.close()
        p.wait()
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    print(f"grid_sample fwd+bwd 16x8x64x64, grid 16x64x64x2: swiftgrad {med['swiftgrad']:.2f} ms, "
          f"torch {med['torch']:.2f} ms, ratio {med['swiftgrad'] / med['torch']:.2f}")


if __name__ == "__main__":
    main()
