"""The CTC loss against PyTorch: each configuration stored by scripts/ctc_reference.py
(data/ctc_layers.json) is replayed in swiftgrad through nn.CTCLoss on PyTorch's
log-probabilities, targets and lengths, and the loss, its grad_fn and the gradient of the same
weighted sum are compared (float64 at 1e-6, float32 at float32 tolerance; inf and NaN where
PyTorch has them); then PyTorch's exceptions and messages for bad arguments, the functional
forms (F.ctc_loss, torch.ctc_loss with its enum reduction), and labels outside [0, C), which
PyTorch does not check and swiftgrad refuses."""
import json
import math
import pathlib

import pytest

import swiftgrad as torch
from swiftgrad import nn
from swiftgrad.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
DATA = json.loads((HERE / "data" / "ctc_layers.json").read_text())
CASES, ERRORS = DATA["cases"], DATA["errors"]


def _tensor(entry, dtype, requires_grad=False):
    t = torch.tensor(entry["values"], dtype=dtype).reshape(entry["shape"])
    return t.requires_grad_() if requires_grad else t


def _same(got, entry, dtype, what):
    assert list(got.shape) == entry["shape"], f"{what}: shape {list(got.shape)} != {entry['shape']}"
    assert got.dtype == dtype, what
    rtol, atol = (1e-6, 1e-6) if dtype == torch.float64 else (2e-5, 1e-5)
    for i, (g, w) in enumerate(zip(got.detach().reshape(-1).tolist(), entry["values"])):
        if math.isnan(w) or math.isinf(w):
            assert (math.isnan(g) and math.isnan(w)) or g == w, f"{what}[{i}]: {g} != {w}"
        else:
            assert abs(g - w) <= atol + rtol * abs(w), f"{what}[{i}]: {g} != {w}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_ctc_loss_matches_pytorch(name):
    ref = CASES[name]
    dtype = getattr(torch, ref["dtype"])
    module = nn.CTCLoss(**ref["options"])
    assert repr(module) == ref["repr"]
    assert list(module.parameters()) == [] and list(module.buffers()) == []
    log_probs = _tensor(ref["log_probs"], dtype, requires_grad=True)
    targets = torch.tensor(ref["targets"]["values"], dtype=torch.int64).reshape(ref["targets"]["shape"])
    lengths = ref["input_lengths"], ref["target_lengths"]
    if ref["tensor_lengths"]:
        lengths = tuple(torch.tensor(v) for v in lengths)
    loss = module(log_probs, targets, *lengths)
    _same(loss, ref["loss"], dtype, "loss")
    assert type(loss.grad_fn).__name__ == ref["grad_fn"]
    (loss * _tensor(ref["weights"], dtype)).sum().backward()
    _same(log_probs.grad, ref["grad"], dtype, "log_probs.grad")


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    ref = ERRORS[name]
    torch.manual_seed(7)
    lp = torch.randn(5, 2, 4, dtype=torch.float64).log_softmax(2).requires_grad_()
    tg = torch.tensor([[1, 2, 2], [3, 1, 0]])
    expected = {"RuntimeError": RuntimeError, "NotImplementedError": NotImplementedError,
                "ValueError": ValueError, "TypeError": TypeError}[ref["type"]]
    with pytest.raises(expected) as info:
        eval(ref["code"], {"F": F, "torch": torch, "lp": lp, "tg": tg})
    assert str(info.value).split("\n")[0] == ref["message"]


def test_functional_forms_agree_with_the_module():
    torch.manual_seed(0)
    lp = torch.randn(6, 2, 5, dtype=torch.float64).log_softmax(2)
    tg = torch.tensor([[1, 2, 3], [4, 4, 0]])
    for code, reduction in ((0, "none"), (1, "mean"), (2, "sum")):
        module = nn.CTCLoss(blank=0, reduction=reduction)(lp, tg, [6, 5], [3, 2])
        functional = F.ctc_loss(lp, tg, (6, 5), (3, 2), reduction=reduction)
        enum = torch.ctc_loss(lp, tg, [6, 5], [3, 2], 0, code, False)
        assert torch.equal(module, functional) and torch.equal(module, enum)
    # torch.ctc_loss's reduction defaults to 0 (none), any code but 1 and 2 is none.
    assert torch.ctc_loss(lp, tg, [6, 5], [3, 2]).shape == (2,)
    assert torch.ctc_loss(lp, tg, [6, 5], [3, 2], 0, 7).shape == (2,)


def test_mean_divides_by_clamped_target_lengths():
    # Worked by hand: with T = 1 and an empty target the only path is the blank at t = 0, so
    # each loss is -log_probs[0, b, blank]; mean divides each by max(0, 1) = 1 and averages.
    lp = torch.tensor([[[-0.5, -1.2], [-2.0, -0.2]]], dtype=torch.float64)
    loss = F.ctc_loss(lp, torch.zeros(2, 1, dtype=torch.int64), [1, 1], [0, 0])
    assert abs(loss.item() - (0.5 + 2.0) / 2) < 1e-15
    # One label in two steps of a 2-class problem: paths "1 b", "b 1" and "1 1".
    lp = torch.tensor([[[math.log(0.3), math.log(0.7)]], [[math.log(0.6), math.log(0.4)]]], dtype=torch.float64)
    p = 0.7 * 0.6 + 0.3 * 0.4 + 0.7 * 0.4
    loss = F.ctc_loss(lp, torch.tensor([[1]]), [2], [1], reduction="none")
    assert abs(loss.item() + math.log(p)) < 1e-14


@pytest.mark.parametrize("label", [5, -1])
def test_labels_outside_the_classes_are_refused(label):
    lp = torch.randn(5, 2, 5).log_softmax(2)
    with pytest.raises(RuntimeError, match="out of bounds for 5 classes"):
        F.ctc_loss(lp, torch.tensor([[1, label], [2, 3]]), [5, 5], [2, 2])
    # A label beyond a sequence's length is padding and is never read.
    F.ctc_loss(lp, torch.tensor([[1, label], [2, 3]]), [5, 5], [1, 2])


def test_nn_ctcloss_module_attributes():
    m = nn.CTCLoss(blank=3, reduction="sum", zero_infinity=True)
    assert (m.blank, m.reduction, m.zero_infinity) == (3, "sum", True)
    assert nn.CTCLoss.__constants__ == ["blank", "reduction"]
    assert repr(m) == "CTCLoss()"
