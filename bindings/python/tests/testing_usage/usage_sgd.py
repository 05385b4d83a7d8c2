"""SGD with momentum, dampening, Nesterov and weight decay written from the update rule in
torch.optim.SGD's documentation, checked step by step against the optimizer with
torch.testing.assert_close on the lists of parameters."""
import torch
from torch.testing import assert_close, make_tensor


def reference_sgd(params, grads_per_step, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    params = [p.clone() for p in params]
    buffers = [None] * len(params)
    history = []
    for grads in grads_per_step:
        for i, (p, g) in enumerate(zip(params, grads)):
            d = g + weight_decay * p if weight_decay else g
            if momentum:
                buffers[i] = d.clone() if buffers[i] is None else momentum * buffers[i] + (1 - dampening) * d
                d = d + momentum * buffers[i] if nesterov else buffers[i]
            params[i] = p - lr * d
        history.append([p.clone() for p in params])
    return history


def run_optimizer(params, grads_per_step, **options):
    params = [p.clone().requires_grad_() for p in params]
    optimizer = torch.optim.SGD(params, **options)
    history = []
    for grads in grads_per_step:
        for p, g in zip(params, grads):
            p.grad = g.clone()
        optimizer.step()
        history.append([p.detach().clone() for p in params])
    return history


def check(**options):
    torch.manual_seed(0)
    params = [make_tensor(3, 4, dtype=torch.float64, device="cpu"), make_tensor(4, dtype=torch.float64, device="cpu")]
    grads = [[make_tensor(p.shape, dtype=torch.float64, device="cpu", low=-1, high=1) for p in params]
             for _ in range(5)]
    assert_close(run_optimizer(params, grads, **options), reference_sgd(params, grads, **options))


def test_plain_sgd():
    check(lr=0.1)


def test_momentum_and_dampening():
    check(lr=0.05, momentum=0.9, dampening=0.1)


def test_nesterov_with_weight_decay():
    check(lr=0.01, momentum=0.8, nesterov=True, weight_decay=1e-2)


def test_a_different_learning_rate_is_caught():
    torch.manual_seed(0)
    params = [make_tensor(2, dtype=torch.float64, device="cpu")]
    grads = [[torch.ones(2, dtype=torch.float64)]]
    try:
        assert_close(run_optimizer(params, grads, lr=0.1), reference_sgd(params, grads, lr=0.2))
    except AssertionError as error:
        message = str(error)
    else:
        raise AssertionError("a different learning rate passed")
    # Both elements moved by 0.1 instead of 0.2.
    assert "Mismatched elements: 2 / 2 (100.0%)" in message
    assert "Greatest absolute difference: 0.1" in message
    assert message.endswith("The failure occurred for item [0][0]")
