"""The benchmark workloads in PyTorch's API, run on swiftgrad or on PyTorch itself:

    python workloads.py swiftgrad W1       (with bindings/python on PYTHONPATH)
    python workloads.py torch W1

Each run prints one JSON line: the median seconds per repetition, and the peak RSS of the
process during the workload (setup included, imports not) with the RSS it started from."""
import json
import statistics
import sys
import time


def status_mb(field):
    """VmRSS (now) or VmHWM (peak since start or the last reset) from /proc/self/status."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak_rss():
    """Restarts VmHWM from the current RSS (Linux >= 4.0), so imports do not count."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def w1(torch):
    """The chapter's control-flow function f(a) on a 0-d tensor, forward and backward."""
    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c

    def run():
        a = torch.randn(size=(), requires_grad=True)
        d = f(a)
        d.backward()
        return a.grad
    return run, 2000


def w1b(torch):
    """A chain of 1,000 ops (y = y * x; y = y + 1) on 4 elements, then y.sum().backward()."""
    x = torch.rand(4, requires_grad=True)

    def run():
        y = x
        for _ in range(500):
            y = y * x
            y = y + 1
        y.sum().backward()
        x.grad = None
    return run, 100


def w2(torch):
    """(x * x * 2).sum().backward() on 2^24 float32."""
    x = torch.randn(2**24, requires_grad=True)

    def run():
        (x * x * 2).sum().backward()
        x.grad = None
    return run, 10


def w3(torch):
    """One SGD step of a 784-512-10 ReLU MLP with cross-entropy, batch 256."""
    F = torch.nn.functional
    X = torch.randn(256, 784)
    y = torch.randint(0, 10, (256,))
    W1 = (torch.randn(784, 512) * 0.05).requires_grad_()
    b1 = torch.zeros(512, requires_grad=True)
    W2 = (torch.randn(512, 10) * 0.05).requires_grad_()
    b2 = torch.zeros(10, requires_grad=True)
    params = [W1, b1, W2, b2]

    def run():
        logits = torch.relu(X @ W1 + b1) @ W2 + b2
        loss = F.cross_entropy(logits, y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.1 * p.grad
                p.grad.zero_()
    return run, 100


def w4(torch):
    """A 1024 x 1024 x 1024 float32 matmul."""
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)

    def run():
        return a @ b
    return run, 20


WORKLOADS = {"W1": w1, "W1b": w1b, "W2": w2, "W3": w3, "W4": w4}


def main():
    backend, name = sys.argv[1], sys.argv[2]
    if backend == "torch":
        import torch
    else:
        import swiftgrad as torch
    torch.manual_seed(0)
    reset_peak_rss()
    rss_before = status_mb("VmRSS")
    run, repetitions = WORKLOADS[name](torch)
    for _ in range(max(1, repetitions // 10)):
        run()
    # At least `repetitions` runs and at least a second of them.
    times = []
    began = time.perf_counter()
    while len(times) < repetitions or time.perf_counter() - began < 1.0:
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(json.dumps({"workload": name, "impl": backend, "seconds": statistics.median(times),
                      "peak_rss_mb": status_mb("VmHWM"), "rss_before_mb": rss_before}))


if __name__ == "__main__":
    main()
