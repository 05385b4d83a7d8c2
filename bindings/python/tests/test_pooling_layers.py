"""The pooling, resizing and padding layers against PyTorch: each configuration of
pooling_layer_cases.py is built in swiftgrad, run forward and backward on PyTorch's input (and
indices, for MaxUnpool) and weighted sum, and compared with the results that
scripts/pooling_reference.py stored from PyTorch (data/pooling_layers.json): output, indices,
input gradient and printed form, float64 at 1e-6. Then the functional forms' behaviour that the
op_db samples do not reach: PyTorch's error messages, grad_fn names, integer inputs."""
import importlib.util
import json
import pathlib
import warnings

import pytest

import swiftgrad as torch
from swiftgrad import nn
from swiftgrad.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
REFERENCE = json.loads((HERE / "data" / "pooling_layers.json").read_text())["cases"]
_spec = importlib.util.spec_from_file_location("pooling_layer_cases", HERE / "pooling_layer_cases.py")
_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cases)
CASES = _cases.CASES
FUNCTIONAL_CASES = _cases.FUNCTIONAL_CASES


def _tensor(entry, dtype=torch.float64, requires_grad=False):
    t = torch.tensor(entry["values"], dtype=dtype).reshape(entry["shape"])
    return t.requires_grad_() if requires_grad else t


def _close(got, entry, what):
    assert list(got.shape) == entry["shape"], f"{what}: shape {list(got.shape)} != {entry['shape']}"
    assert got.dtype == torch.float64, what
    assert torch.allclose(got.detach(), _tensor(entry), rtol=1e-6, atol=1e-6), f"{what}: {got} != {_tensor(entry)}"


def test_every_case_has_a_reference():
    assert sorted(name for name, *_ in CASES + FUNCTIONAL_CASES) == sorted(REFERENCE)


@pytest.mark.parametrize("name,constructor,input_shape,mode,extra", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_pytorch(name, constructor, input_shape, mode, extra):
    ref = REFERENCE[name]
    module = eval(constructor, {"nn": nn}).double()
    assert repr(module) == ref["repr"]
    module.train(mode == "train")
    assert list(module.parameters()) == [] and list(module.buffers()) == []
    x = _tensor(ref["input"], requires_grad=True)
    if "indices" in ref:
        y = module(x, _tensor(ref["indices"], dtype=torch.int64), output_size=extra.get("output_size"))
    else:
        y = module(x)
    if "output_indices" in ref:
        y, where = y
        assert where.dtype == torch.int64
        assert where.tolist() == _tensor(ref["output_indices"], dtype=torch.int64).tolist()
    _close(y, ref["output"], "output")
    (y * _tensor(ref["weights"])).sum().backward()
    _close(x.grad, ref["input_grad"], "input gradient")


@pytest.mark.parametrize("name,call,input_shape", FUNCTIONAL_CASES, ids=[c[0] for c in FUNCTIONAL_CASES])
def test_functional_matches_pytorch(name, call, input_shape):
    ref = REFERENCE[name]
    x = _tensor(ref["input"], requires_grad=True)
    y = eval(call, {"F": F, "x": x})
    assert type(y.grad_fn).__name__ == ref["grad_fn"]
    _close(y, ref["output"], "output")
    (y * _tensor(ref["weights"])).sum().backward()
    _close(x.grad, ref["input_grad"], "input gradient")


def test_grad_fn_names():
    x2 = torch.randn(2, 3, 8, 8, requires_grad=True)
    x1 = torch.randn(2, 3, 8, requires_grad=True)
    x3 = torch.randn(1, 2, 4, 4, 4, requires_grad=True)
    names = {
        "MaxPool2DWithIndicesBackward0": F.max_pool2d(x2, 2),
        "MaxPool3DWithIndicesBackward0": F.max_pool3d(x3, 2),
        "SqueezeBackward1": F.max_pool1d(x1, 2),
        "AvgPool2DBackward0": F.avg_pool2d(x2, 2),
        "AvgPool3DBackward0": F.avg_pool3d(x3, 2),
        "AdaptiveAvgPool2DBackward0": F.adaptive_avg_pool2d(x2, 3),
        "MeanBackward1": F.adaptive_avg_pool2d(x2, 1),
        "AdaptiveMaxPool3DBackward0": F.adaptive_max_pool3d(x3, 3),
        "UpsampleNearest2DBackward0": F.interpolate(x2, size=5),
        "UpsampleNearestExact1DBackward0": F.interpolate(x1, size=5, mode="nearest-exact"),
        "UpsampleBilinear2DBackward0": F.interpolate(x2, size=5, mode="bilinear"),
        "UpsampleBicubic2DBackward0": F.interpolate(x2, size=5, mode="bicubic"),
        "UpsampleTrilinear3DBackward0": F.interpolate(x3, size=5, mode="trilinear"),
        "UpsampleLinear1DBackward0": F.interpolate(x1, size=5, mode="linear"),
    }
    for name, y in names.items():
        assert type(y.grad_fn).__name__ == name
    out, idx = F.max_pool2d(x2, 2, return_indices=True)
    assert type(F.max_unpool2d(out, idx, 2).grad_fn).__name__ == "MaxUnpool2DBackward0"


def test_errors_as_pytorch():
    x = torch.rand(0, 1, 49)
    with pytest.raises(RuntimeError, match="pad must be non-negative, but got pad: -1"):
        F.max_pool1d(x, 2, 50, -1, return_indices=True)
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size, but got pad=4, kernel_size=3"):
        F.max_pool2d(x, (3, 2), 50, 4)
    with pytest.raises(RuntimeError, match="max_pool2d: kernel_size must either be a single int, or a tuple of two ints"):
        F.max_pool2d(torch.rand(1, 1, 4, 4), (2, 2, 2))
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool3d(torch.rand(1, 1, 1, 4, 4), 2)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(torch.zeros(3, 3, 3), (2, 2), divisor_override=0)
    with pytest.raises(RuntimeError, match="non-empty 4D or 5D"):
        F.avg_pool3d(x, 2, 50)
    with pytest.raises(ValueError, match="Input dimension should be at least 3"):
        F.adaptive_avg_pool2d(torch.rand(2, 2), (None, 2))
    with pytest.raises(RuntimeError, match="elements of output_size must be greater than or equal to 0"):
        F.adaptive_avg_pool1d(torch.rand(1, 1, 1), (-1,))
    with pytest.raises(RuntimeError, match="Trying to create tensor with negative dimension"):
        F.adaptive_max_pool2d(torch.rand(1, 1, 1, 1), (-1, 0))
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        F.interpolate(torch.rand(1, 1, 4), size=3, align_corners=True)
    with pytest.raises(NotImplementedError, match="Got 4D input, but linear mode needs 3D input"):
        F.interpolate(torch.rand(1, 1, 4, 4), size=3, mode="linear")
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(torch.rand(1, 1, 4), size=3, scale_factor=2)
    with pytest.raises(ValueError, match="Anti-alias option is restricted to bilinear, bicubic, and lanczos modes"):
        F.interpolate(torch.rand(1, 1, 4), size=3, mode="linear", antialias=True)
    with pytest.raises(ValueError, match="invalid output_size"):
        F.max_unpool1d(torch.rand(1, 1, 2), torch.zeros(1, 1, 2, dtype=torch.int64), 2, output_size=[9])
    with pytest.raises(NotImplementedError, match="\"avg_pool2d\" not implemented for 'Int'"):
        F.avg_pool2d(torch.ones(1, 4, 4, dtype=torch.int32), 2)


def test_integer_max_pool_and_nearest():
    x = torch.tensor([[[1, 7, 3, 2], [4, 0, 9, 5]]], dtype=torch.int64)
    assert F.max_pool2d(x, 2).tolist() == [[[7, 9]]]
    u = F.interpolate(torch.tensor([[[1, 2]]], dtype=torch.uint8), scale_factor=2)
    assert u.dtype == torch.uint8 and u.tolist() == [[[1, 1, 2, 2]]]


def test_deprecated_aliases_warn():
    x = torch.rand(1, 1, 2, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.upsample_nearest(x, scale_factor=2)
        F.upsample_bilinear(x, size=3)
        F.upsample(x, size=3)
    assert [str(w.message).split(" ")[0] for w in caught] == [
        "`nn.functional.upsample_nearest`", "`nn.functional.upsample_bilinear`", "`nn.functional.upsample`"]


def test_ops_aten_backward():
    x = torch.randn(1, 2, 5, 5, requires_grad=True)
    out, idx = F.max_pool2d_with_indices(x, 3, 2, 1)
    g = torch.ones_like(out)
    b = torch.ops.aten.max_pool2d_with_indices_backward.default(g, x, [3, 3], [2, 2], [1, 1], [1, 1], False, idx)
    (expected,) = torch.autograd.grad(out.sum(), x)
    assert torch.equal(b, expected)
