"""A two-layer MLP's backward pass written by hand, checked against autograd with
torch.testing.assert_close: the "backprop by hand" exercise of tutorials such as makemore part 4,
which compare every intermediate gradient with what loss.backward() stores."""
import torch
import torch.nn.functional as F
from torch.testing import assert_close, make_tensor


def forward(params, x, y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    hpre = x @ W1 + b1
    h = torch.tanh(hpre)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, y)
    return loss, {"hpre": hpre, "h": h, "logits": logits}


def manual_backward(params, x, y, cache):
    n = x.shape[0]
    probs = F.softmax(cache["logits"], dim=1)
    dlogits = probs.clone()
    dlogits[torch.arange(n), y] -= 1
    dlogits /= n
    dW2 = cache["h"].T @ dlogits
    db2 = dlogits.sum(0)
    dh = dlogits @ params["W2"].T
    dhpre = (1 - cache["h"] ** 2) * dh
    dW1 = x.T @ dhpre
    db1 = dhpre.sum(0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def make_params(dtype):
    torch.manual_seed(1)
    return {"W1": make_tensor(5, 8, dtype=dtype, device="cpu", low=-1, high=1, requires_grad=True),
            "b1": make_tensor(8, dtype=dtype, device="cpu", low=-1, high=1, requires_grad=True),
            "W2": make_tensor(8, 3, dtype=dtype, device="cpu", low=-1, high=1, requires_grad=True),
            "b2": make_tensor(3, dtype=dtype, device="cpu", low=-1, high=1, requires_grad=True)}


def check(dtype):
    params = make_params(dtype)
    x = make_tensor(16, 5, dtype=dtype, device="cpu")
    y = make_tensor(16, dtype=torch.int64, device="cpu", low=0, high=3)
    loss, cache = forward(params, x, y)
    loss.backward()
    with torch.no_grad():
        manual = manual_backward(params, x, y, cache)
    assert_close(manual, {name: p.grad for name, p in params.items()})


def test_manual_gradients_float64():
    check(torch.float64)


def test_manual_gradients_float32():
    check(torch.float32)


def test_a_wrong_gradient_is_reported_with_its_name():
    params = make_params(torch.float64)
    x = make_tensor(4, 5, dtype=torch.float64, device="cpu")
    y = torch.tensor([0, 1, 2, 0])
    loss, cache = forward(params, x, y)
    loss.backward()
    with torch.no_grad():
        manual = manual_backward(params, x, y, cache)
        manual["b1"] = manual["b1"] * 2  # a classic slip: a factor of two
    try:
        assert_close(manual, {name: p.grad for name, p in params.items()})
    except AssertionError as error:
        message = str(error)
    else:
        raise AssertionError("the wrong gradient passed")
    assert message.startswith("Tensor-likes are not close!")
    assert message.endswith("The failure occurred for item ['b1']")
