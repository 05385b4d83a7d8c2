"""The last torch.nn pieces (swiftgrad/_extra/nnrest.py, nn/_rest.py, nn/grad.py): dropout1d and
Dropout1d, the in-place activations, gumbel_softmax, conv_tbc, torch.nn.grad, fractional max
pooling, CrossMapLRN2d and AdaptiveLogSoftmaxWithLoss.

First PyTorch's results stored by scripts/nnrest_reference.py (data/nnrest_reference.json):
each case's expression is evaluated in swiftgrad on the same float64 inputs (modules get
PyTorch's state dict), and outputs and the gradients of the same weighted sum are compared at
1e-6; then PyTorch's refusals (types and messages). Then properties derived by hand that the
stored cases cannot show: the sampling of gumbel_softmax and of dropout1d, conv_tbc and
nn.grad against their definitions, the fractional pooling windows from the formula."""
import builtins
import json
import math
import os
import pathlib
import subprocess
import warnings

import pytest

import swiftgrad as torch
from swiftgrad import nn
from swiftgrad.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
_DATA = json.loads((HERE / "data" / "nnrest_reference.json").read_text())
CASES, ERRORS = _DATA["cases"], _DATA["errors"]


def _tensor(entry):
    dtype = getattr(torch, entry["dtype"])
    return torch.tensor(entry["values"], dtype=torch.float64).to(dtype).reshape(entry["shape"]).clone()


def _close(got, entry, what):
    assert isinstance(got, torch.Tensor), f"{what}: {got!r} is not a tensor"
    assert list(got.shape) == entry["shape"], f"{what}: shape {list(got.shape)} != {entry['shape']}"
    assert str(got.dtype) == "torch." + entry["dtype"], f"{what}: {got.dtype} != {entry['dtype']}"
    want = _tensor(entry)
    if got.is_floating_point():
        assert torch.allclose(got.detach(), want, rtol=1e-6, atol=1e-6, equal_nan=True), f"{what}: {got} != {want}"
    else:
        assert torch.equal(got, want), f"{what}: {got} != {want}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    ref = CASES[name]
    env = {"torch": torch, "F": F, "nn": nn}
    inputs = {}
    for key, entry in ref["inputs"].items():
        value = _tensor(entry)
        if entry["requires_grad"]:
            value.requires_grad_()
        env[key] = inputs[key] = value
    module = None
    if "module" in ref:
        torch.set_default_dtype(torch.float64)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module = eval(ref["module"], env)
        finally:
            torch.set_default_dtype(torch.float32)
        assert repr(module) == ref["repr"]
        assert sorted(module.state_dict()) == sorted(ref["state_dict"])
        for key, entry in ref["state_dict"].items():
            assert list(module.state_dict()[key].shape) == entry["shape"], key
        module.load_state_dict({k: _tensor(v) for k, v in ref["state_dict"].items()})
        env["m"] = module
    result = eval(ref["expr"], env)
    outs = list(result) if isinstance(result, (tuple, list)) else [result]
    assert len(outs) == len(ref["outputs"])
    for i, (got, want) in enumerate(zip(outs, ref["outputs"])):
        _close(got, want, f"output {i}")
    if "grads" in ref:
        first = next(o for o in outs if o.is_floating_point())
        (first * _tensor(ref["weights"])).sum().backward()
        params = dict(module.named_parameters()) if module is not None else {}
        for key, want in ref["grads"].items():
            got = params[key[2:]].grad if key.startswith("m.") else inputs[key].grad
            if want is None:
                assert got is None, key
            else:
                _close(got, want, f"grad of {key}")


@pytest.mark.parametrize("index", range(len(ERRORS)), ids=[e["expr"] for e in ERRORS])
def test_refuses_as_pytorch(index):
    ref = ERRORS[index]
    env = {"torch": torch, "F": F, "nn": nn}
    env.update({k: _tensor(v).requires_grad_(v["requires_grad"]) for k, v in ref["inputs"].items()})
    with pytest.raises(Exception) as info:
        eval(ref["expr"], env)
    # swiftgrad's library errors are SwiftGradError, a RuntimeError, as PyTorch's are RuntimeError
    assert isinstance(info.value, getattr(builtins, ref["type"])), (type(info.value), ref["type"])
    assert str(info.value) == ref["message"]


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_reference_is_what_pytorch_computes_now(tmp_path):
    """scripts/nnrest_reference.py under the PyTorch at TORCH_PYTHON gives the stored file."""
    output = tmp_path / "live.json"
    subprocess.run([os.environ["TORCH_PYTHON"], "-W", "ignore", str(HERE.parents[2] / "scripts" / "nnrest_reference.py"),
                    str(output)], check=True, capture_output=True)
    live = json.loads(output.read_text())
    assert sorted(live["cases"]) == sorted(CASES)
    for name in CASES:
        assert live["cases"][name] == CASES[name], f"{name}: the stored reference is stale"
    assert live["errors"] == ERRORS


def test_stored_cases_cover_every_piece():
    names = " ".join(CASES)
    for piece in ("conv_tbc", "grad_conv1d_input", "grad_conv3d_weight", "fractional_max_pool2d", "fractional_max_pool3d",
                  "cross_map_lrn2d", "asm0_forward", "asm1_predict", "inplace_", "dropout1d"):
        assert piece in names, piece


# ---- dropout1d ----------------------------------------------------------------------------

def test_dropout1d_zeroes_whole_channels_and_scales_the_rest():
    torch.manual_seed(3)
    x = torch.rand(8, 50, 30, dtype=torch.float64) + 1.0   # no zeros of its own
    y = F.dropout1d(x, 0.4)
    kept = (y != 0)
    # a channel is all kept or all dropped
    per_channel = kept.sum(-1)
    assert bool(((per_channel == 0) | (per_channel == 30)).all())
    assert torch.allclose(y[kept], x[kept] / 0.6)
    frac = float((per_channel == 0).double().mean())
    sigma = math.sqrt(0.4 * 0.6 / 400)
    assert abs(frac - 0.4) < 5 * sigma


def test_dropout1d_unbatched_drops_rows_and_inplace_writes_input():
    torch.manual_seed(4)
    x = torch.rand(40, 6, dtype=torch.float64) + 1.0
    y = F.dropout1d(x, 0.5)
    assert y.shape == (40, 6)
    rows = (y != 0).sum(-1)
    assert bool(((rows == 0) | (rows == 6)).all()) and 0 < int((rows == 0).sum()) < 40
    z = x.clone()
    out = F.dropout1d(z, 0.5, inplace=True)
    assert out is z and z.shape == (40, 6)
    assert bool(((z == 0) | torch.isclose(z, x * 2)).all())
    m = nn.Dropout1d(0.5)
    assert repr(m) == "Dropout1d(p=0.5, inplace=False)"
    assert torch.equal(m.eval()(x), x)


# ---- in-place activations -----------------------------------------------------------------

def test_inplace_activations_write_their_input():
    values = [-2.0, -0.5, 0.0, 0.75, 3.0]
    expected = {
        "relu_": ((), [0.0, 0.0, 0.0, 0.75, 3.0]),
        "elu_": ((), [math.expm1(-2.0), math.expm1(-0.5), 0.0, 0.75, 3.0]),
        "celu_": ((2.0,), [2 * math.expm1(-1.0), 2 * math.expm1(-0.25), 0.0, 0.75, 3.0]),
        "leaky_relu_": ((0.1,), [-0.2, -0.05, 0.0, 0.75, 3.0]),
        "hardtanh_": ((-1.0, 1.0), [-1.0, -0.5, 0.0, 0.75, 1.0]),
        "threshold_": ((0.5, 9.0), [9.0, 9.0, 9.0, 0.75, 3.0]),
        "rrelu_": ((0.1, 0.3), [-0.4, -0.1, 0.0, 0.75, 3.0]),   # eval: slope (lower + upper) / 2
    }
    for name, (args, want) in expected.items():
        x = torch.tensor(values, dtype=torch.float64)
        out = getattr(F, name)(x, *args)
        assert out is x, name
        assert torch.allclose(x, torch.tensor(want, dtype=torch.float64)), (name, x)
    x = torch.tensor(values, dtype=torch.float64)
    scale, alpha = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
    F.selu_(x)
    assert torch.allclose(x, torch.tensor([scale * alpha * math.expm1(v) if v < 0 else scale * v for v in values],
                                          dtype=torch.float64))
    assert torch.relu_ is not None and torch.rrelu_ is not None and torch.threshold_ is not None


def test_hardtanh__with_min_above_max_gives_max_val():
    x = torch.tensor([-3.0, 0.5, 7.0, float("nan")], dtype=torch.float64, requires_grad=True)
    y = F.hardtanh_(x * 1, 2.0, 1.0)
    assert torch.equal(y[:3], torch.ones(3, dtype=torch.float64)) and bool(y[3].isnan())
    y[:3].sum().backward()
    assert torch.equal(x.grad, torch.zeros(4, dtype=torch.float64))
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(x, 2.0, 1.0)


def test_inplace_activation_gradient_is_the_activations():
    x = torch.tensor([-2.0, -0.5, 0.75, 3.0], dtype=torch.float64, requires_grad=True)
    y = F.leaky_relu_(x * 1, 0.1)
    y.sum().backward()
    assert torch.allclose(x.grad, torch.tensor([0.1, 0.1, 1.0, 1.0], dtype=torch.float64))


# ---- gumbel_softmax -----------------------------------------------------------------------

def test_gumbel_softmax_soft_and_hard():
    torch.manual_seed(5)
    logits = torch.randn(6, 5, dtype=torch.float64, requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=0.5)
    assert torch.allclose(soft.sum(-1), torch.ones(6, dtype=torch.float64))
    assert bool((soft > 0).all())
    hard = F.gumbel_softmax(logits, hard=True, dim=0)
    assert torch.equal(hard.detach().sum(0), torch.ones(5, dtype=torch.float64))
    assert bool(((hard == 0) | (hard == 1)).all())
    # gradient flows through the soft sample: d/dlogits of a weighted sum is nonzero
    weights = torch.arange(6 * 5, dtype=torch.float64).reshape(6, 5)
    (hard * weights).sum().backward()
    assert logits.grad is not None and float(logits.grad.abs().sum()) > 0
    # and it is the soft sample's: for each column, (d/dlogit) sums to zero (softmax's Jacobian)
    assert torch.allclose(logits.grad.sum(0), torch.zeros(5, dtype=torch.float64), atol=1e-9)


def test_gumbel_softmax_straight_through_gradient_equals_the_soft_samples():
    logits = torch.tensor([[0.3, -1.0, 2.0, 0.5]], dtype=torch.float64, requires_grad=True)
    weights = torch.tensor([[1.0, -2.0, 0.5, 3.0]], dtype=torch.float64)
    torch.manual_seed(11)
    (F.gumbel_softmax(logits, tau=0.7, hard=True) * weights).sum().backward()
    hard_grad = logits.grad.clone()
    logits.grad = None
    torch.manual_seed(11)
    (F.gumbel_softmax(logits, tau=0.7) * weights).sum().backward()
    assert torch.allclose(hard_grad, logits.grad)


def test_gumbel_softmax_frequencies_follow_softmax_of_logits():
    torch.manual_seed(1234)
    logits = torch.tensor([1.0, 0.0, -1.0, 0.5], dtype=torch.float64)
    draws = 20000
    samples = F.gumbel_softmax(logits.expand(draws, 4), tau=1.0, hard=True)
    freq = samples.sum(0) / draws
    p = torch.exp(logits) / torch.exp(logits).sum()
    sigma = torch.sqrt(p * (1 - p) / draws)
    assert bool(((freq - p).abs() < 4 * sigma).all()), (freq, p)


def test_gumbel_softmax_eps_is_deprecated():
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect."):
        F.gumbel_softmax(torch.randn(2, 3), eps=1e-5)


# ---- conv_tbc and nn.grad -----------------------------------------------------------------

def test_conv_tbc_is_its_definition():
    torch.manual_seed(6)
    x, w, b = torch.randn(5, 2, 3, dtype=torch.float64), torch.randn(2, 3, 4, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    pad = 1
    y = F.conv_tbc(x, w, b, pad)
    assert y.shape == (5 + 2 * pad - 2 + 1, 2, 4)
    xp = F.pad(x, (0, 0, 0, 0, pad, pad))
    for t in range(y.size(0)):
        want = b + sum(xp[t + k] @ w[k] for k in range(2))
        assert torch.allclose(y[t], want)


def test_nn_grad_is_the_vjp_of_the_convolution():
    torch.manual_seed(7)
    x = torch.randn(2, 4, 7, 6, dtype=torch.float64, requires_grad=True)
    w = torch.randn(6, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x, w, None, 2, 1, 1, 2)
    g = torch.randn(y.shape, dtype=torch.float64)
    gx, gw = torch.autograd.grad(y, (x, w), g)
    assert torch.allclose(nn.grad.conv2d_input(x.shape, w, g, 2, 1, 1, 2), gx)
    assert torch.allclose(nn.grad.conv2d_weight(x, w.shape, g, 2, 1, 1, 2), gw)
    # <conv(x, w), g> = <x, conv2d_input(g)>: the adjoint identity
    x1, w1 = torch.randn(2, 3, 9, dtype=torch.float64), torch.randn(5, 3, 4, dtype=torch.float64)
    y1 = F.conv1d(x1, w1, None, 2, 1, 2)
    g1 = torch.randn(y1.shape, dtype=torch.float64)
    lhs = (y1 * g1).sum()
    rhs = (x1 * nn.grad.conv1d_input(x1.shape, w1, g1, 2, 1, 2)).sum()
    assert math.isclose(float(lhs), float(rhs), rel_tol=1e-9)
    rhs = (w1 * nn.grad.conv1d_weight(x1, w1.shape, g1, 2, 1, 2)).sum()
    assert math.isclose(float(lhs), float(rhs), rel_tol=1e-9)


# ---- fractional max pooling ---------------------------------------------------------------

def _starts(u, size, out, k):
    if out == 1:
        return [size - k]
    alpha = (size - k) / (out - 1)
    return [int((i + u) * alpha) - int(u * alpha) for i in range(out - 1)] + [size - k]


def test_fractional_max_pool2d_windows_follow_the_formula():
    torch.manual_seed(8)
    x = torch.randn(2, 3, 11, 9, dtype=torch.float64)
    s = torch.rand(2, 3, 2, dtype=torch.float64)
    out, idx = F.fractional_max_pool2d(x, (3, 2), output_size=(4, 5), return_indices=True, _random_samples=s)
    for n in range(2):
        for c in range(3):
            rows = _starts(float(s[n, c, 1]), 11, 4, 3)
            cols = _starts(float(s[n, c, 0]), 9, 5, 2)
            for i, r0 in enumerate(rows):
                for j, c0 in enumerate(cols):
                    window = [(r, q) for r in range(r0, r0 + 3) for q in range(c0, c0 + 2)]
                    best = max(window, key=lambda rq: float(x[n, c, rq[0], rq[1]]))
                    assert int(idx[n, c, i, j]) == best[0] * 9 + best[1]
                    assert float(out[n, c, i, j]) == float(x[n, c, best[0], best[1]])


def test_fractional_max_pool_samples_when_none_given():
    torch.manual_seed(9)
    x = torch.randn(3, 4, 10, 10, requires_grad=True)
    out, idx = F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5), return_indices=True)
    assert out.shape == (3, 4, 5, 5) and idx.dtype == torch.int64
    assert torch.equal(out, x.detach().reshape(3, 4, 100).gather(2, idx.reshape(3, 4, 25)).reshape(3, 4, 5, 5))
    out.sum().backward()
    assert float(x.grad.sum()) == 3 * 4 * 25
    # different draws pick different windows
    torch.manual_seed(10)
    a = F.fractional_max_pool2d(torch.arange(400.).reshape(1, 4, 10, 10), 2, output_size=(4, 4))
    b = F.fractional_max_pool2d(torch.arange(400.).reshape(1, 4, 10, 10), 2, output_size=(4, 4))
    assert not torch.equal(a, b)
    m = nn.FractionalMaxPool3d(2, output_size=(2, 3, 2))
    assert repr(m) == "FractionalMaxPool3d()"
    assert m(torch.randn(2, 5, 6, 5)).shape == (2, 2, 3, 2)


# ---- CrossMapLRN2d ------------------------------------------------------------------------

def test_cross_map_lrn2d_small_channel_count_is_plain_lrn():
    # With C <= pre_pad every channel's window holds all channels: scale = k + alpha/size * sum x^2.
    x = torch.tensor([[[[1.0]], [[2.0]]]], dtype=torch.float64)
    y = nn.CrossMapLRN2d(3, alpha=0.3, beta=0.5, k=1.0)(x)
    assert type(nn.CrossMapLRN2d(3)(x.requires_grad_()).grad_fn).__name__ == "CrossMapLRN2dBackward"
    scale = 1.0 + 0.3 / 3 * (1.0 + 4.0)
    assert torch.allclose(y.reshape(-1), torch.tensor([1.0, 2.0], dtype=torch.float64) / math.sqrt(scale))
    with pytest.raises(ValueError, match="Expected input to be 4D, got 3D instead"):
        nn.CrossMapLRN2d(3)(torch.randn(2, 3, 4))


# ---- AdaptiveLogSoftmaxWithLoss -----------------------------------------------------------

def test_adaptive_log_softmax_is_a_distribution_and_forward_agrees():
    torch.manual_seed(12)
    m = nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7], div_value=2.0, head_bias=True)
    assert [k for k, _ in m.named_parameters()] == ["head.weight", "head.bias", "tail.0.0.weight", "tail.0.1.weight",
                                                    "tail.1.0.weight", "tail.1.1.weight"]
    assert m.tail[1][0].weight.shape == (2, 8) and m.head.weight.shape == (5, 8)
    x = torch.randn(6, 8)
    lp = m.log_prob(x)
    assert torch.allclose(lp.exp().sum(1), torch.ones(6), atol=1e-5)
    target = torch.tensor([0, 2, 3, 6, 7, 11])
    out = m(x, target)
    assert type(out).__name__ == "_ASMoutput" and out._fields == ("output", "loss")
    assert torch.allclose(out.output, lp.gather(1, target.unsqueeze(1)).squeeze(1), atol=1e-5)
    assert torch.allclose(out.loss, -out.output.mean())
    assert torch.equal(m.predict(x), lp.argmax(1))
