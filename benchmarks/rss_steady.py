"""Whether a training loop's resident memory stays flat: W3's MLP (benchmarks/workloads.py, a
784-512-10 ReLU MLP with cross-entropy, batch 256, plain SGD) trained for 10,000 steps on
swiftgrad or on PyTorch, its RSS read from /proc/self/statm after steps 1,000, 5,000 and 10,000.

    python rss_steady.py swiftgrad          (with bindings/python on PYTHONPATH)
    python rss_steady.py torch [STEPS]

Prints one JSON line: {"impl": ..., "steps": 10000, "rss_mb": {"1000": MiB, "5000": ..., "10000": ...}}
(with a STEPS other than 10,000, the samples are at a tenth, half and all of it).
"""
import json
import os
import sys

from workloads import w3

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb():
    """Resident pages (statm's second field) in MiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def main():
    backend = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    if backend == "torch":
        import torch
    elif backend == "swiftgrad":
        import swiftgrad as torch
    else:
        sys.exit(f"usage: {sys.argv[0]} swiftgrad|torch [STEPS]")
    torch.manual_seed(0)
    step, _ = w3(torch)
    samples = {steps // 10: None, steps // 2: None, steps: None}
    for i in range(1, steps + 1):
        step()
        if i in samples:
            samples[i] = rss_mb()
    print(json.dumps({"impl": backend, "steps": steps,
                      "rss_mb": {str(k): round(v, 2) for k, v in samples.items()}}))


if __name__ == "__main__":
    main()
