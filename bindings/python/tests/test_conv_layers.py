"""The convolution layers against PyTorch with the same weights: each configuration of
conv_layer_cases.py is built in swiftgrad, given PyTorch's state dict through load_state_dict, run
forward and backward on PyTorch's input and weighted sum, and compared with the results that
scripts/conv_reference.py stored from PyTorch (data/conv_layers.json): output, input gradient,
every parameter gradient, and the module's printed form, float64 at 1e-6."""
import json
import pathlib

import pytest

import swiftgrad as torch
from swiftgrad import nn

HERE = pathlib.Path(__file__).resolve().parent
REFERENCE = json.loads((HERE / "data" / "conv_layers.json").read_text())["cases"]

import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("conv_layer_cases", HERE / "conv_layer_cases.py")
_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cases)
CASES = _cases.CASES


def _tensor(entry, requires_grad=False):
    t = torch.tensor(entry["values"], dtype=torch.float64).reshape(entry["shape"])
    return t.requires_grad_() if requires_grad else t


def _close(got, entry, what):
    assert list(got.shape) == entry["shape"], f"{what}: shape {list(got.shape)} != {entry['shape']}"
    want = _tensor(entry)
    assert got.dtype == torch.float64, what
    assert torch.allclose(got.detach(), want, rtol=1e-6, atol=1e-6), f"{what}: {got} != {want}"


def test_every_case_has_a_reference():
    assert sorted(name for name, *_ in CASES) == sorted(REFERENCE)


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@pytest.mark.parametrize("name,constructor,input_shape,call,mode", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_pytorch(name, constructor, input_shape, call, mode):
    ref = REFERENCE[name]
    module = eval(constructor, {"nn": nn}).double()
    assert repr(module) == ref["repr"]
    module.train(mode == "train")
    module.load_state_dict({k: _tensor(v) for k, v in ref["state"].items()})
    x = _tensor(ref["input"], requires_grad=True)
    y = module(x, **call)
    _close(y, ref["output"], "output")
    (y * _tensor(ref["weights"])).sum().backward()
    _close(x.grad, ref["input_grad"], "input gradient")
    grads = dict(module.named_parameters())
    assert sorted(grads) == sorted(ref["param_grads"])
    for key, entry in ref["param_grads"].items():
        _close(grads[key].grad, entry, f"gradient of {key}")


def test_reset_parameters_bounds():
    """kaiming_uniform(a=sqrt(5)) and the bias: both uniform in +-1/sqrt(fan_in), fan_in =
    in_channels / groups * taps (weight of ConvTranspose: its dimension 1 is out/groups)."""
    torch.manual_seed(0)
    for module, fan_in in [(nn.Conv2d(8, 16, 3, groups=2), 4 * 9), (nn.Conv1d(3, 64, 5), 15),
                           (nn.ConvTranspose2d(6, 10, (2, 3), groups=2), 5 * 6), (nn.Conv3d(2, 32, 2), 16)]:
        bound = 1 / fan_in ** 0.5
        for p in (module.weight, module.bias):
            values = p.detach()
            assert float(values.abs().max()) <= bound
            # spread over the whole interval (not a constant or a narrower law)
            assert float(values.max()) > 0.5 * bound and float(values.min()) < -0.5 * bound


def test_constructor_errors_and_output_size():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 6, 3, groups=2)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv1d(2, 2, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")
    m = nn.ConvTranspose2d(4, 6, 3, stride=2)
    x = torch.zeros(2, 4, 5, 5)
    assert m(x, output_size=[12, 11]).shape == (2, 6, 12, 11)
    with pytest.raises(ValueError, match=r"requested an output size of \[14, 11\], but valid sizes range from \[11, 11\] to \[12, 12\]"):
        m(x, output_size=[14, 11])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("transposed", [False, True])
def test_batches_split_over_cores_equal_sample_by_sample(dtype, transposed):
    """A batch large enough is split over the cores by samples (each core its own column
    buffer and weight-gradient partial); the results equal the same convolution run one sample
    at a time (which takes the unsplit path), outputs and every gradient."""
    torch.manual_seed(3)
    conv = (nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, groups=2) if transposed
            else nn.Conv2d(4, 6, 5, padding=2, groups=2)).to(dtype)
    x = torch.randn(9, 4, 21, 19, dtype=dtype, requires_grad=True)
    weights = torch.randn(conv(x).shape, dtype=dtype)
    (conv(x) * weights).sum().backward()
    whole = [conv(x).detach(), x.grad, conv.weight.grad, conv.bias.grad]
    x.grad = None
    conv.zero_grad()
    outs = []
    for n in range(x.shape[0]):
        xn = x[n:n + 1]
        yn = conv(xn)
        (yn * weights[n:n + 1]).sum().backward()
        outs.append(yn.detach())
    tol = 1e-4 if dtype == torch.float32 else 1e-10
    for got, want in zip(whole, [torch.cat(outs), x.grad, conv.weight.grad, conv.bias.grad]):
        assert torch.allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_infinite_values_reach_only_the_gradients_they_feed(dtype):
    """Stride-1 convolutions compute extra positions per row (the wide column layout) whose
    gradients are zero; an infinite input or weight met there would make NaNs where PyTorch has
    finite values, so those calls keep the compact layout. By hand, 3x3 input, 2x2 kernel, no
    padding, unit output gradient: x[0, 2] feeds only tap (0, 1), so the weight gradient of tap
    (0, 0) is the sum of x over rows 0-1, columns 0-1; w[0, 0] = inf reaches only x's gradient at
    (0, 0), so x's gradient at (0, 2) is w[0, 1]."""
    x = torch.arange(9, dtype=dtype).reshape(1, 1, 3, 3)
    x[0, 0, 0, 2] = float("inf")
    w = torch.tensor([[[[float("inf"), 2.0], [3.0, 4.0]]]], dtype=dtype)
    x.requires_grad_()
    w.requires_grad_()
    torch.nn.functional.conv2d(x, w).backward(torch.ones(1, 1, 2, 2, dtype=dtype))
    assert w.grad[0, 0, 0, 0].item() == 0 + 1 + 3 + 4
    assert w.grad[0, 0, 1, 1].item() == 4 + 5 + 7 + 8
    assert x.grad[0, 0, 0, 2].item() == 2.0
    assert x.grad[0, 0, 0, 0].item() == float("inf")
    assert x.grad[0, 0, 2, 2].item() == 4.0
