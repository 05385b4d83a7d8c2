"""Hostile use from Python: many threads at once, a million-op chain, foreign objects where tensors
belong, exceptions inside callbacks, and exiting the interpreter with graphs still alive. Every
case ends in a Python exception or the right answer, never a crash or a leak."""
import gc
import subprocess
import sys

import pytest

import swiftgrad as torch
from swiftgrad.autograd import Function


def test_eight_threads_share_leaves_and_match_a_serial_run(in_threads):
    leaf = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
    constant = torch.tensor([1.0, 2.0, 3.0])

    def work(tid, rounds, out):
        for r in range(rounds):
            own = torch.full((3,), tid + 1 + r * 0.001, requires_grad=True)
            ((own * constant + leaf) * own).sum().backward()
            out.append(own.grad.tolist())
            with torch.no_grad():  # grad mode is per thread
                assert not (leaf * 2).requires_grad
            assert (leaf * 2).requires_grad is torch.is_grad_enabled()

    serial = {}
    for tid in range(8):
        serial[tid] = []
        work(tid, 50, serial[tid])
    leaf.grad = None
    results = {tid: [] for tid in range(8)}
    in_threads(8, lambda tid: work(tid, 50, results[tid]))
    assert results == serial
    expected = sum(tid + 1 + r * 0.001 for tid in range(8) for r in range(50))
    assert leaf.grad.tolist() == pytest.approx([expected] * 3, rel=1e-5)


def test_errors_and_grad_mode_stay_in_their_thread(in_threads):
    x = torch.ones(3)
    messages = {}

    def fail(tid):
        with pytest.raises(RuntimeError) as error:
            x.reshape(tid + 2, 5)
        messages[tid] = str(error.value)

    in_threads(8, fail)
    assert messages == {tid: f"shape '[{tid + 2}, 5]' is invalid for input of size 3" for tid in range(8)}


def test_a_million_op_chain():
    gc.collect()
    before = torch._live_tensor_count()
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0
    del x, y
    gc.collect()
    assert torch._live_tensor_count() == before


class NotATensor:
    pass


@pytest.mark.parametrize("call", [
    lambda x: torch.add(x, "a"),
    lambda x: x + NotATensor(),
    lambda x: torch.cat([x, 3]),
    lambda x: torch.stack([x, None]),
    lambda x: x[NotATensor()],
    lambda x: torch.matmul(x, [1, 2, 3]),
    lambda x: x.backward(gradient=[1.0, 1.0, 1.0]),
    lambda x: torch.autograd.grad(x.sum(), [x, "y"]),
    lambda x: torch.where(x > 0, x, "z"),
])
def test_foreign_objects_raise_python_exceptions(call):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises((TypeError, RuntimeError, IndexError, ValueError)):
        call(x)


def test_callbacks_returning_foreign_objects_raise():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: "not a tensor")
    with pytest.raises(TypeError):
        (x * 2).sum().backward()

    class Bad(Function):
        @staticmethod
        def forward(ctx, t):
            return object()

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError):
        Bad.apply(torch.ones(2, requires_grad=True))

    class BadBackward(Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            return 42

    y = BadBackward.apply(torch.ones(2, requires_grad=True))
    with pytest.raises(TypeError):
        y.sum().backward()


@pytest.mark.parametrize("with_numpy", [False, True])
def test_exit_with_live_tensors_graphs_and_hooks(with_numpy):
    # With NumPy imported first the interpreter tears modules down in another order: the
    # callbacks' trampolines must outlive every tensor that can still call them (a freed one
    # was a jump into freed memory, SIGILL at exit), and nothing may print at exit.
    if with_numpy:
        pytest.importorskip("numpy")
    script = ("import numpy\n" if with_numpy else "") + """
import swiftgrad as torch
from swiftgrad.autograd import Function

class Twice(Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2

x = torch.randn(100, requires_grad=True)
x.register_hook(lambda g: g * 1)
y = Twice.apply(x).exp()
z = (y * y).sum()
keep = [x, y, z, torch.ones(3), torch.ones(2).__dlpack__()]
if "numpy" in globals():
    keep.append(torch.from_numpy(numpy.ones(4, dtype=numpy.float32)))
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert done.stderr == ""
