"""Spatial sampling against PyTorch: the cases scripts/gridsample_reference.py stored from PyTorch
(data/gridsample_layers.json) replayed in swiftgrad and compared at 1e-6 (float64; float32 cases
at float32's precision):

- F.grid_sample for every mode x padding mode x align_corners on 4-d and 5-d inputs, grids
  reaching outside [-1, 1] and sitting exactly on borders, pixel centres and nearest's ties: the
  output and its grad_fn, the input and grid gradients of a fixed weighted sum, and second-order
  gradients (input, grid, and the output gradient's weights) through the backward's own node;
- F.affine_grid (4-d, 5-d, unit sizes, both align_corners): the grid and theta's gradient;
- a small spatial transformer (a Linear predicting theta, affine_grid, grid_sample) loaded from
  PyTorch's state dict and trained two SGD steps: outputs, losses, gradients and parameters;
- PyTorch's exceptions, messages and warnings for bad or defaulted arguments.
"""
import json
import math
import pathlib
import warnings

import pytest

import swiftgrad as torch
from swiftgrad import nn
from swiftgrad.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
DATA = json.loads((HERE / "data" / "gridsample_layers.json").read_text())
DTYPES = {"float64": torch.float64, "float32": torch.float32}


@pytest.fixture(autouse=True)
def _keep_global_generator():
    """These tests draw from (and seed) the global generator: give the tests after them the
    state they would have had without these."""
    state = torch.get_rng_state()
    yield
    torch.set_rng_state(state)


def _tensor(entry, requires_grad=False):
    t = torch.tensor(entry["values"], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return t.requires_grad_() if requires_grad else t


def _fixed(shape, scale, shift, dtype):
    """The reference script's fixed weights: cos(scale * i + shift) over the elements in order."""
    n = math.prod(shape)
    return torch.cos(torch.arange(n, dtype=torch.float64) * scale + shift).reshape(list(shape)).to(dtype)


def _close(got, entry, what):
    if entry is None:
        # PyTorch gives no gradient where the result does not depend on the tensor (nearest's
        # grid): swiftgrad may give None or zeros.
        assert got is None or float(got.abs().max()) == 0, f"{what}: PyTorch gives None, got {got}"
        return
    assert got is not None, f"{what}: missing"
    assert list(got.shape) == entry["shape"], f"{what}: shape {list(got.shape)} != {entry['shape']}"
    assert str(got.dtype) == "torch." + entry["dtype"], f"{what}: dtype {got.dtype}"
    tol = 1e-6 if entry["dtype"] == "float64" else 2e-5
    want = _tensor(entry)
    assert torch.allclose(got.detach(), want, rtol=tol, atol=tol), \
        f"{what}: max difference {float((got.detach() - want).abs().max())}\n{got}\n{want}"


@pytest.mark.parametrize("name", sorted(DATA["samples"]))
def test_grid_sample_matches_pytorch(name):
    ref = DATA["samples"][name]
    x = _tensor(ref["input"], requires_grad=True)
    g = _tensor(ref["grid"], requires_grad=True)
    dtype = x.dtype
    y = F.grid_sample(x, g, mode=ref["mode"], padding_mode=ref["padding_mode"], align_corners=ref["align_corners"])
    _close(y, ref["output"], "output")
    assert type(y.grad_fn).__name__ == ref["grad_fn"]
    w = _fixed(list(y.shape), 0.7, 0.0, dtype).requires_grad_()
    gx, gg = torch.autograd.grad((y * w).sum(), (x, g), create_graph=True)
    _close(gx, ref["input_grad"], "input gradient")
    _close(gg, ref["grid_grad"], "grid gradient")
    assert type(gx.grad_fn).__name__ == ref["grad_grad_fn"]
    u = _fixed(list(x.shape), 1.3, 0.5, dtype)
    v = _fixed(list(g.shape), 0.4, 1.0, dtype)
    second = torch.autograd.grad((gx * u).sum() + (gg * v).sum(), (x, g, w), allow_unused=True)
    _close(second[0], ref["second_input"], "second-order input gradient")
    _close(second[1], ref["second_grid"], "second-order grid gradient")
    _close(second[2], ref["second_weight"], "second-order output-gradient gradient")


@pytest.mark.parametrize("name", sorted(DATA["samples"]))
def test_grid_sampler_functions_agree(name):
    """torch.grid_sampler and torch.grid_sampler_2d/3d (the enum codes) give F.grid_sample's output."""
    ref = DATA["samples"][name]
    x, g = _tensor(ref["input"]), _tensor(ref["grid"])
    codes = ({"bilinear": 0, "nearest": 1, "bicubic": 2}[ref["mode"]],
             {"zeros": 0, "border": 1, "reflection": 2}[ref["padding_mode"]], ref["align_corners"])
    ranked = torch.grid_sampler_2d if x.dim() == 4 else torch.grid_sampler_3d
    _close(torch.grid_sampler(x, g, *codes), ref["output"], "grid_sampler")
    _close(ranked(x, g, *codes), ref["output"], ranked.__name__)


@pytest.mark.parametrize("name", sorted(DATA["affine"]))
def test_affine_grid_matches_pytorch(name):
    ref = DATA["affine"][name]
    theta = _tensor(ref["theta"], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unit sizes with align_corners warn, as in PyTorch
        grid = F.affine_grid(theta, ref["size"], align_corners=ref["align_corners"])
    _close(grid, ref["grid"], "grid")
    assert type(grid.grad_fn).__name__ == ref["grad_fn"]
    (gt,) = torch.autograd.grad((grid * _fixed(list(grid.shape), 0.7, 0.0, torch.float64)).sum(), theta)
    _close(gt, ref["theta_grad"], "theta gradient")
    # torch.affine_grid_generator, PyTorch's parameter names as keywords.
    _close(torch.affine_grid_generator(theta=theta, size=ref["size"], align_corners=ref["align_corners"]),
           ref["grid"], "affine_grid_generator")


class SpatialTransformer(nn.Module):
    """The reference script's module: a Linear predicts each image's affine map."""

    def __init__(self, features=5, size=(3, 2, 4, 4)):
        super().__init__()
        self.loc = nn.Linear(features, 6)
        self.size = size

    def forward(self, x, image):
        theta = self.loc(x).view(-1, 2, 3) + torch.tensor([[1.0, 0, 0], [0, 1.0, 0]], dtype=x.dtype)
        grid = F.affine_grid(theta, self.size, align_corners=False)
        return F.grid_sample(image, grid, mode="bilinear", padding_mode="border", align_corners=False)


def test_spatial_transformer_trains_as_in_pytorch():
    ref = DATA["stn"]
    model = SpatialTransformer().double()
    assert sorted(model.state_dict()) == sorted(ref["state_dict"])
    model.load_state_dict({k: _tensor(v) for k, v in ref["state_dict"].items()})
    x, image = _tensor(ref["x"]), _tensor(ref["image"])
    w = _fixed([3, 2, 4, 4], 0.7, 0.0, torch.float64)
    opt = torch.optim.SGD(model.parameters(), lr=ref["lr"])
    for i, step in enumerate(ref["steps"]):
        opt.zero_grad()
        out = model(x, image)
        loss = (out * w).sum()
        loss.backward()
        _close(out, step["output"], f"step {i} output")
        assert abs(loss.item() - step["loss"]) <= 1e-6 * max(1.0, abs(step["loss"])), f"step {i} loss"
        for k, p in model.named_parameters():
            _close(p.grad, step["grads"][k], f"step {i} gradient of {k}")
        opt.step()
        for k, p in model.named_parameters():
            _close(p, step["params"][k], f"step {i} {k} after the step")


def _env():
    return {"F": F, "torch": torch, "x": torch.rand(1, 2, 3, 3), "g": torch.rand(1, 2, 2, 2) * 2 - 1,
            "x3": torch.rand(1, 2, 3, 3, 3), "g3": torch.rand(1, 2, 2, 2, 3) * 2 - 1, "th": torch.rand(1, 2, 3)}


@pytest.mark.parametrize("name", sorted(DATA["errors"]))
def test_errors_match_pytorch(name):
    ref = DATA["errors"][name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as info:
            eval(ref["call"], _env())
    expected = {"RuntimeError": RuntimeError, "NotImplementedError": NotImplementedError,
                "ValueError": ValueError}[ref["type"]]
    # swiftgrad's RuntimeError is its subclass SwiftGradError (the library's status code).
    assert isinstance(info.value, expected), f"{ref['call']}: {type(info.value).__name__}: {info.value}"
    assert str(info.value) == ref["message"]


@pytest.mark.parametrize("name", sorted(DATA["warnings"]))
def test_warnings_match_pytorch(name):
    ref = DATA["warnings"][name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        eval(ref["call"], _env())
    assert [str(w.message) for w in caught] == ref["messages"]


@pytest.mark.parametrize("dim", [2, 3])
def test_parallel_splits_agree_with_one_thread(dim):
    """Large enough to split: the forward over output positions, the backward over channels (one
    batch entry) or batch entries; two threads give one thread's results (float64, to rounding)."""
    torch.manual_seed(3)
    shapes = {2: ((1, 8, 24, 24), (1, 48, 48, 2)), 3: ((1, 8, 8, 8, 8), (1, 8, 8, 16, 3))}[dim]
    results = {}
    before = torch.get_num_threads()
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for batch in (1, 3):
                x = torch.randn(batch, *shapes[0][1:], dtype=torch.float64).requires_grad_()
                g = (torch.rand(batch, *shapes[1][1:], dtype=torch.float64) * 2.4 - 1.2).requires_grad_()
                w = _fixed([batch, 8] + list(shapes[1][1:-1]), 0.7, 0.0, torch.float64)
                results[threads, batch] = []
                for mode in ("bilinear", "bicubic"):
                    x.grad = g.grad = None
                    y = F.grid_sample(x, g, mode=mode, padding_mode="reflection", align_corners=False)
                    (y * w).sum().backward()
                    results[threads, batch] += [y.detach(), x.grad, g.grad]
                torch.manual_seed(3)
    finally:
        torch.set_num_threads(before)
    for batch in (1, 3):
        for one, two in zip(results[1, batch], results[2, batch]):
            assert torch.allclose(one, two, rtol=1e-12, atol=1e-12)
