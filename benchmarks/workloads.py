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


def w5(torch):
    """One training step of D2L's LeNet (sigmoid, average pooling) with SGD momentum, batch 256
    of 1x28x28 images, cross-entropy."""
    nn, F = torch.nn, torch.nn.functional
    model = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    X, y = torch.randn(256, 1, 28, 28), torch.randint(0, 10, (256,))

    def run():
        optimizer.zero_grad()
        F.cross_entropy(model(X), y).backward()
        optimizer.step()
    return run, 20


def w6(torch):
    """nn.TransformerEncoderLayer(256, 4, 1024) (batch first, training mode: dropout 0.1) forward
    and backward on 16 sequences of 128 tokens with a causal mask."""
    nn = torch.nn
    layer = nn.TransformerEncoderLayer(256, 4, 1024, batch_first=True)
    x = torch.randn(16, 128, 256, requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(128)

    def run():
        layer.zero_grad()
        x.grad = None
        layer(x, src_mask=mask, is_causal=True).sum().backward()
    return run, 10


WORKLOADS = {"W1": w1, "W1b": w1b, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6}


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
