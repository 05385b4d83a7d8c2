"""torch.nn.functional's Python-level arguments that the op_db samples do not reach: the
deprecated size_average/reduce, kl_div's batchmean, one_hot, pad's modes and errors, a Python
distance function in triplet_margin_with_distance_loss, inplace=True. Expected values are
worked out by hand."""
import math
import re
import warnings

import pytest

import swiftgrad as torch
import swiftgrad.nn.functional as F


def test_legacy_reduction_arguments():
    x, t = torch.tensor([1.0, -2.0, 3.0]), torch.tensor([0.0, 0.0, 0.0])
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, please use reduction='sum'"):
        assert F.l1_loss(x, t, size_average=False).item() == 6.0
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert F.l1_loss(x, t, reduce=False).tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        F.smooth_l1_loss(x, t, reduction="foo")


def test_kl_div_batchmean_divides_by_the_batch():
    logp = torch.tensor([[math.log(0.5), math.log(0.5)], [math.log(0.25), math.log(0.75)]], dtype=torch.float64)
    target = torch.tensor([[0.5, 0.5], [0.5, 0.5]], dtype=torch.float64)
    # Row 0 contributes 0; row 1: 0.5 (log 0.5 - log 0.25) + 0.5 (log 0.5 - log 0.75).
    row1 = 0.5 * (math.log(0.5) - math.log(0.25)) + 0.5 * (math.log(0.5) - math.log(0.75))
    assert F.kl_div(logp, target, reduction="batchmean").item() == pytest.approx(row1 / 2, abs=1e-15)
    assert F.kl_div(logp, target, reduction="sum").item() == pytest.approx(row1, abs=1e-15)


def test_one_hot():
    encoded = F.one_hot(torch.tensor([0, 2, 1]))
    assert encoded.dtype == torch.int64
    assert encoded.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(torch.tensor([1]), num_classes=4).tolist() == [[0, 1, 0, 0]]
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(torch.tensor([3]), 2)
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor of type LongTensor."):
        F.one_hot(torch.tensor([1.0]))


def test_pad_modes_and_errors():
    x = torch.tensor([[[1.0, 2.0, 3.0]]])
    assert F.pad(x, (1, 1)).tolist() == [[[0.0, 1.0, 2.0, 3.0, 0.0]]]
    assert F.pad(x, (1, 1), value=5).tolist() == [[[5.0, 1.0, 2.0, 3.0, 5.0]]]
    assert F.pad(x, (2, 0), mode="reflect").tolist() == [[[3.0, 2.0, 1.0, 2.0, 3.0]]]
    assert F.pad(x, (0, 2), mode="replicate").tolist() == [[[1.0, 2.0, 3.0, 3.0, 3.0]]]
    assert F.pad(x, (1, 1), mode="circular").tolist() == [[[3.0, 1.0, 2.0, 3.0, 1.0]]]
    assert torch.constant_pad_nd(x, (-1, 1), 9).tolist() == [[[2.0, 3.0, 9.0]]]
    with pytest.raises(RuntimeError, match="doesn't take in value argument"):
        F.pad(x, (1, 1), mode="reflect", value=2)
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode"):
        F.pad(x, (1, 1), mode="mirror")


def test_triplet_margin_with_a_python_distance():
    a = torch.tensor([[0.0, 0.0]])
    p = torch.tensor([[3.0, 4.0]])
    n = torch.tensor([[1.0, 0.0]])

    def manhattan(u, v):
        return (u - v).abs().sum(-1)

    # max(0, margin + d(a, p) - d(a, n)) = 1 + 7 - 1.
    loss = F.triplet_margin_with_distance_loss(a, p, n, distance_function=manhattan, margin=1.0)
    assert loss.item() == 7.0
    with pytest.raises(ValueError, match="margin must be greater than 0, got 0"):
        F.triplet_margin_with_distance_loss(a, p, n, margin=0)


def test_inplace_and_softmax_dim_none():
    x = torch.tensor([-1.0, 2.0])
    y = F.leaky_relu(x, 0.5, inplace=True)
    assert y is x
    assert x.tolist() == [-0.5, 2.0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = F.softmin(torch.tensor([0.0, 0.0]))
    assert s.tolist() == [0.5, 0.5]
    assert any("Implicit dimension choice for softmin" in str(w.message) for w in caught)
    assert torch.softmax(torch.tensor([0.0, 0.0]), 0, dtype=torch.float64).dtype == torch.float64


def test_gelu_approximate_argument():
    x = torch.tensor([1.0], dtype=torch.float64)
    assert F.gelu(x).item() == pytest.approx(0.5 * (1 + math.erf(1 / math.sqrt(2))), abs=1e-15)
    inner = math.sqrt(2 / math.pi) * (1 + 0.044715)
    assert F.gelu(x, approximate="tanh").item() == pytest.approx(0.5 * (1 + math.tanh(inner)), abs=1e-15)
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh."):
        F.gelu(x, approximate="erf")


def test_linear_cross_entropy_options():
    options = F.LinearCrossEntropyOptions(batch_chunk_size=2)
    assert torch.nn.LinearCrossEntropyOptions is F.LinearCrossEntropyOptions
    with pytest.raises(ValueError, match="invalid acc_policy"):
        F.LinearCrossEntropyOptions(acc_policy="fast")
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    eye = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    target = torch.tensor([0, 1])
    # logits = x: each row's loss is log(1 + e^-1).
    loss = F.linear_cross_entropy(x, eye, target, options=options)
    assert loss.item() == pytest.approx(math.log(1 + math.exp(-1)), abs=1e-15)


@pytest.mark.parametrize("dtype, limit", [("float16", "65504"), ("bfloat16", "3.38953e+38"), ("float32", "3.40282e+38")])
def test_shrink_lambda_limit_is_the_dtypes_own(dtype, limit):
    # PyTorch checks lambd against the input dtype's largest finite value, printed as C++ does.
    x = torch.ones(2, dtype=getattr(torch, dtype))
    with pytest.raises(RuntimeError, match=rf"lambda must be in range \[0, {re.escape(limit)}\] for input dtype"):
        torch.nn.functional.softshrink(x, 1e39)


def test_distance_modules():
    # |(3, 4) - (0, 0)| = 5 and |(1, 1) - (1, 1)| = 0 (+ eps inside the norm: 1e-6 * sqrt(2));
    # cos((1, 0), (1, 1)) = 1 / sqrt(2).
    x1, x2 = torch.tensor([[3.0, 4.0], [1.0, 1.0]], dtype=torch.float64), torch.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    d = torch.nn.PairwiseDistance()(x1, x2)
    assert d.tolist() == pytest.approx([math.hypot(3 + 1e-6, 4 + 1e-6), math.sqrt(2) * 1e-6], rel=1e-12)
    assert torch.nn.PairwiseDistance(p=1, keepdim=True)(x1, x2).shape == (2, 1)
    assert repr(torch.nn.PairwiseDistance()) == "PairwiseDistance()"
    c = torch.nn.CosineSimilarity(dim=1)(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
    assert c.tolist() == pytest.approx([1 / math.sqrt(2)], rel=1e-6)
