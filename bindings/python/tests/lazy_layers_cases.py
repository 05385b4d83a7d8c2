"""The lazy convolution and normalisation layers, as ordinary PyTorch code: what each is before
and after its first forward (class, placeholders, materialised repr and state_dict shapes,
output shape, the batch count of norm layers) and the errors of a bad first input.

    $TORCH_PYTHON lazy_layers_cases.py    rewrites data/lazy_layers_reference.json from PyTorch
"""
import json
import pathlib
import sys


def describe(m):
    return [type(m).__name__, repr(m), {k: list(v.shape) for k, v in m.state_dict().items()}]


def run(torch):
    nn = torch.nn
    out = {}
    cases = {
        "conv1d": (lambda: nn.LazyConv1d(4, 3), (2, 3, 10)),
        "conv2d": (lambda: nn.LazyConv2d(6, kernel_size=5, padding=2), (2, 1, 28, 28)),
        "conv2d_groups": (lambda: nn.LazyConv2d(8, 3, groups=2, bias=False), (1, 4, 6, 6)),
        "conv2d_unbatched": (lambda: nn.LazyConv2d(2, 3), (3, 5, 5)),
        "conv3d": (lambda: nn.LazyConv3d(2, 2, stride=2), (1, 3, 4, 4, 4)),
        "convT1d": (lambda: nn.LazyConvTranspose1d(4, 3, stride=2, output_padding=1), (2, 3, 5)),
        "convT2d": (lambda: nn.LazyConvTranspose2d(6, 2, groups=2), (1, 4, 3, 3)),
        "convT3d": (lambda: nn.LazyConvTranspose3d(2, 2), (1, 3, 2, 2, 2)),
        "bn1d": (lambda: nn.LazyBatchNorm1d(), (4, 5)),
        "bn2d": (lambda: nn.LazyBatchNorm2d(momentum=0.2), (4, 3, 2, 2)),
        "bn3d": (lambda: nn.LazyBatchNorm3d(affine=False), (2, 3, 2, 2, 2)),
        "in1d": (lambda: nn.LazyInstanceNorm1d(), (2, 3, 6)),
        "in2d": (lambda: nn.LazyInstanceNorm2d(affine=True, track_running_stats=True), (2, 3, 4, 4)),
        "in3d": (lambda: nn.LazyInstanceNorm3d(), (2, 3, 2, 2, 2)),
    }
    for name, (make, shape) in cases.items():
        m = make()
        before = [type(m).__name__, m.has_uninitialized_params(), sorted(m.state_dict())]
        y = m(torch.ones(*shape))
        out[name] = before + describe(m) + [list(y.shape)]
        if hasattr(m, "num_batches_tracked") and m.num_batches_tracked is not None:
            out[name].append(int(m.num_batches_tracked))
    for name, (make, shape) in [("conv2d_bad_dims", (lambda: nn.LazyConv2d(2, 3), (3, 5))),
                                ("conv2d_bad_groups", (lambda: nn.LazyConv2d(4, 3, groups=2), (1, 3, 5, 5)))]:
        try:
            make()(torch.ones(*shape)); out[name] = "no error"
        except Exception as e:
            out[name] = f"{type(e).__name__}: {e}"
    return out


if __name__ == "__main__":
    import torch

    path = pathlib.Path(__file__).resolve().parent / "data" / "lazy_layers_reference.json"
    path.write_text(json.dumps({"torch": torch.__version__.split("+")[0], "cases": run(torch)}, indent=1,
                               sort_keys=True) + "\n")
