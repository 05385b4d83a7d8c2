"""The rnn-attention family's speed against PyTorch (run with a Python that has both, or twice):

    TransformerEncoderLayer(256, 4, 1024, batch_first=True, dropout=0) forward + backward on
    (16, 128, 256) with a causal mask, and LSTM(128, 256) forward + backward on (32, 50, 128).

    python benchmarks/rnnattn_speed.py swiftgrad|torch [repeats]

prints one line per workload: the median of `repeats` timed runs (after two warm-ups), float32,
torch with set_num_threads(2). Interleave the two libraries by running this script alternately
(scripts of both in one process would load two BLAS runtimes)."""
import statistics
import sys
import time

which = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
if which == "torch":
    import torch
    torch.set_num_threads(2)
else:
    import swiftgrad as torch
nn = torch.nn


def timed(step):
    for _ in range(2):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def encoder():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(256, 4, 1024, batch_first=True, dropout=0.0)
    x = torch.randn(16, 128, 256, requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(128)

    def step():
        layer.zero_grad()
        x.grad = None
        layer(x, src_mask=mask, is_causal=True).sum().backward()
    return timed(step)


def lstm():
    torch.manual_seed(0)
    layer = nn.LSTM(128, 256, batch_first=True)
    x = torch.randn(32, 50, 128, requires_grad=True)

    def step():
        layer.zero_grad()
        x.grad = None
        out, _ = layer(x)
        out.sum().backward()
    return timed(step)


for name, workload in (("TransformerEncoderLayer fwd+bwd", encoder), ("LSTM fwd+bwd", lstm)):
    print(f"{which} {name}: {workload() * 1e3:.1f} ms")
