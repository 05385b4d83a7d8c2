"""Numerically stable softmax, log-softmax and cross-entropy written by hand, checked against
torch.nn.functional with torch.testing.assert_close at the default tolerances of each dtype,
on random inputs from make_tensor and on logits large enough to overflow a naive exp."""
import math

import torch
import torch.nn.functional as F
from torch.testing import assert_close, make_tensor


def softmax(x, dim):
    shifted = x - x.max(dim, keepdim=True).values
    e = shifted.exp()
    return e / e.sum(dim, keepdim=True)


def log_softmax(x, dim):
    shifted = x - x.max(dim, keepdim=True).values
    return shifted - shifted.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits, target):
    return -log_softmax(logits, 1).gather(1, target.unsqueeze(1)).mean()


def test_softmax_and_log_softmax_match_functional():
    for dtype in (torch.float32, torch.float64):
        x = make_tensor(6, 10, dtype=dtype, device="cpu", low=-5, high=5)
        for dim in (0, 1, -1):
            assert_close(softmax(x, dim), F.softmax(x, dim=dim))
            assert_close(log_softmax(x, dim), F.log_softmax(x, dim=dim))


def test_rows_sum_to_one():
    x = make_tensor(4, 7, dtype=torch.float64, device="cpu")
    assert_close(softmax(x, 1).sum(1), torch.ones(4, dtype=torch.float64))


def test_large_logits_do_not_overflow():
    x = torch.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
    expected = torch.tensor([[math.exp(-2), math.exp(-1), 1.0], [0.0, 0.0, 1.0]])
    expected = expected / expected.sum(1, keepdim=True)
    assert_close(softmax(x, 1), expected)
    assert not torch.isnan(log_softmax(x, 1)).any()


def test_cross_entropy_and_its_gradient():
    logits = make_tensor(8, 5, dtype=torch.float64, device="cpu", requires_grad=True)
    target = make_tensor(8, dtype=torch.int64, device="cpu", low=0, high=5)
    mine = cross_entropy(logits, target)
    (grad_mine,) = torch.autograd.grad(mine, logits)
    theirs = F.cross_entropy(logits, target)
    (grad_theirs,) = torch.autograd.grad(theirs, logits)
    assert_close(mine, theirs)
    assert_close(grad_mine, grad_theirs)
    # The gradient of the mean cross-entropy is (softmax - one_hot) / n.
    one_hot = F.one_hot(target, 5).to(torch.float64)
    assert_close(grad_mine, (softmax(logits.detach(), 1) - one_hot) / 8)
