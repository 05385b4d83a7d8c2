"""nn.EmbeddingBag and F.embedding_bag against PyTorch: each configuration that
scripts/embbag_reference.py stored from PyTorch (data/embbag_layers.json: every mode,
padding_idx, per_sample_weights, include_last_offset, 2-D input, empty bags, max_norm,
scale_grad_by_freq, int32 indices, from_pretrained; train and eval) is built in swiftgrad, its
state dict loaded, run forward and backward on PyTorch's input and weighted sum, and compared in
float64 at 1e-6: printed form, output, grad_fn, weight and per-sample-weight gradients, and the
weight after the step (max_norm renormalises it in place). Then PyTorch's refusals (exception
types and messages), and what the stored cases do not reach: float32 parallel kernels against
float64, double backward against finite differences, sparse=True."""
import json
import pathlib
import warnings

import pytest

import swiftgrad as torch
from swiftgrad import nn
from swiftgrad.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
_DATA = json.loads((HERE / "data" / "embbag_layers.json").read_text())
REFERENCE, ERRORS = _DATA["cases"], _DATA["errors"]


def _tensor(entry, dtype=torch.float64, requires_grad=False):
    t = torch.tensor(entry["values"], dtype=dtype).reshape(entry["shape"])
    return t.requires_grad_() if requires_grad else t


def _close(got, entry, what):
    assert got is not None, f"{what}: missing"
    assert list(got.shape) == entry["shape"], f"{what}: shape {list(got.shape)} != {entry['shape']}"
    assert got.dtype == torch.float64, what
    assert torch.allclose(got.detach(), _tensor(entry), rtol=1e-6, atol=1e-6), f"{what}: {got} != {_tensor(entry)}"


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_layer_matches_pytorch(name):
    ref = REFERENCE[name]
    torch.set_default_dtype(torch.float64)
    try:
        module = eval(ref["constructor"], {"nn": nn, "torch": torch}).double()
    finally:
        torch.set_default_dtype(torch.float32)
    assert repr(module) == ref["repr"]
    module.train(ref["train"])
    assert sorted(module.state_dict()) == sorted(ref["state_dict"])
    module.load_state_dict({k: _tensor(v) for k, v in ref["state_dict"].items()})
    dtype = torch.int32 if ref["int32"] else torch.int64
    x = torch.tensor(ref["input"], dtype=dtype)
    offsets = None if ref["offsets"] is None else torch.tensor(ref["offsets"], dtype=dtype)
    psw = _tensor(ref["per_sample_weights"], requires_grad=True) if "per_sample_weights" in ref else None
    y = module(x, offsets, per_sample_weights=psw)
    _close(y, ref["output"], "output")
    assert (None if y.grad_fn is None else type(y.grad_fn).__name__) == ref["grad_fn"]
    if y.requires_grad:
        (y * _tensor(ref["weights"])).sum().backward()
    if ref["weight_grad"] is None:
        assert module.weight.grad is None
    else:
        _close(module.weight.grad, ref["weight_grad"], "weight gradient")
    if psw is not None:
        _close(psw.grad, ref["per_sample_weights_grad"], "per_sample_weights gradient")
    _close(module.weight, ref["weight_after"], "weight after the step")


@pytest.mark.parametrize("case", ERRORS, ids=[e["call"] for e in ERRORS])
def test_refusals_match_pytorch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as info:
            eval(case["call"], {"F": F, "nn": nn, "torch": torch})
    # swiftgrad's errors subclass PyTorch's exception types (SwiftGradError is a RuntimeError).
    assert case["type"] in [t.__name__ for t in type(info.value).__mro__]
    assert str(info.value) == case["message"]


def test_argument_order_warning_swaps_as_pytorch():
    weight = torch.randn(5, 3)
    indices = torch.tensor([0, 2, 4])
    offsets = torch.tensor([0, 1])
    expected = F.embedding_bag(indices, weight, offsets, mode="sum")
    with pytest.warns(UserWarning, match="Argument order of nn.functional.embedding_bag was changed"):
        swapped = F.embedding_bag(weight, indices, offsets, mode="sum")
    assert torch.equal(swapped, expected)


def test_sparse_refused():
    with pytest.raises(NotImplementedError, match="sparse"):
        F.embedding_bag(torch.tensor([0, 1]), torch.randn(3, 2), torch.tensor([0]), sparse=True)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_float32_parallel_kernels_match_float64(mode):
    # Large enough that the kernels split across threads: the float32 result agrees with the
    # float64 one, and the sum of each mode equals its definition through F.embedding.
    torch.manual_seed(7)
    weight64 = torch.randn(3000, 48, dtype=torch.float64, requires_grad=True)
    weight32 = weight64.detach().float().requires_grad_()
    indices = torch.randint(0, 3000, (4000,))
    offsets = torch.sort(torch.randint(0, 4000, (300,))).values
    offsets[0] = 0
    psw = torch.randn(4000, dtype=torch.float64) if mode == "sum" else None
    out64 = F.embedding_bag(indices, weight64, offsets, mode=mode, per_sample_weights=psw, padding_idx=5)
    out32 = F.embedding_bag(indices, weight32, offsets, mode=mode,
                            per_sample_weights=None if psw is None else psw.float(), padding_idx=5)
    assert torch.allclose(out32.double(), out64, rtol=1e-4, atol=1e-4)
    g = torch.randn(out64.shape, dtype=torch.float64)
    out64.backward(g)
    out32.backward(g.float())
    assert torch.allclose(weight32.grad.double(), weight64.grad, rtol=1e-4, atol=1e-4)
    # The definition, bag by bag, through F.embedding.
    bounds = offsets.tolist() + [4000]
    rows = F.embedding(indices, weight64.detach())
    for b in (0, 17, 299):
        lo, hi = bounds[b], bounds[b + 1]
        keep = [i for i in range(lo, hi) if indices[i].item() != 5]
        if not keep:
            assert out64[b].abs().sum().item() == 0
            continue
        picked = rows[torch.tensor(keep)]
        if mode == "sum":
            want = (picked * psw[torch.tensor(keep)].unsqueeze(1)).sum(0)
        elif mode == "mean":
            want = picked.mean(0)
        else:
            want = picked.max(0).values
        assert torch.allclose(out64[b], want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_double_backward_against_finite_differences(mode):
    # PyTorch has no double backward for embedding_bag; swiftgrad's is exact: gradgradcheck in float64.
    torch.manual_seed(3)
    weight = torch.randn(6, 3, dtype=torch.float64, requires_grad=True)
    indices = torch.tensor([0, 2, 5, 2, 1, 4, 4])
    offsets = torch.tensor([0, 3, 3, 5])
    inputs = [weight]
    if mode == "sum":
        inputs.append(torch.randn(7, dtype=torch.float64, requires_grad=True))

    def bag(scale):
        def f(w, *p):
            return F.embedding_bag(indices, w, offsets, mode=mode, per_sample_weights=p[0] if p else None,
                                   padding_idx=1, scale_grad_by_freq=scale)
        return f
    assert torch.autograd.gradcheck(bag(False), inputs)
    assert torch.autograd.gradgradcheck(bag(False), inputs)
    if mode != "max":
        # scale_grad_by_freq's "gradient" is not the derivative, but it is linear in the
        # output's gradient: its own derivatives are exact.
        assert torch.autograd.gradgradcheck(bag(True), inputs)


def test_extra_repr_and_defaults_as_pytorch():
    bag = nn.EmbeddingBag(7, 2)
    assert repr(bag) == "EmbeddingBag(7, 2, mode='mean')"
    assert bag.weight.shape == (7, 2) and bag.weight.requires_grad
    assert (bag.mode, bag.sparse, bag.include_last_offset, bag.padding_idx) == ("mean", False, False, None)
    padded = nn.EmbeddingBag(7, 2, padding_idx=-2)
    assert padded.padding_idx == 5 and padded.weight[5].abs().sum().item() == 0
    frozen = nn.EmbeddingBag.from_pretrained(torch.ones(3, 2))
    assert not frozen.weight.requires_grad


def test_initialisation_is_standard_normal():
    torch.manual_seed(0)
    w = nn.EmbeddingBag(400, 50).weight.detach()
    assert abs(w.mean().item()) < 0.02 and abs(w.std().item() - 1) < 0.02
