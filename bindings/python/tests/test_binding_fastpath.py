"""The binding's per-op fast paths (issue 19): small tensors' handles released in batches
(swiftgrad._release, sg_tensor_free_many), the operators' and reductions' inlined common cases,
the backward entry without the context-manager protocol, the default dtype kept in Python, and
Tensor.grad with one C call. Each test checks behaviour (what is freed and when, values,
warnings, callbacks), never timing."""
import ctypes
import gc
import os
import sys
import warnings
import weakref

import pytest

import swiftgrad as torch
from swiftgrad import _lib as L
from swiftgrad import _release


def raw_live_count():
    """The library's live tensors without flushing the queue first."""
    return L.sg_live_tensor_count()


@pytest.fixture(autouse=True)
def empty_queue():
    _release.flush()
    yield
    _release.flush()


def test_which_tensors_are_small():
    assert torch.randn(size=())._small and torch.rand(4)._small and torch.randn(_release.SMALL)._small
    assert not torch.randn(_release.SMALL + 1)._small
    assert not torch.randn(2, 2)._small  # two dimensions: broadcasting could make a large result
    assert not torch.zeros(3)._small  # made through the generic path: not known to be small
    x, big = torch.rand(4), torch.rand(5000)
    y = x * x + 1
    assert y._small and (y < 0.5)._small and (2.5 - y)._small and y.sum()._small and y.norm()._small
    assert not (x.reshape(4, 1) * x)._small  # 4 x 4 from two small operands: not small
    assert not (big * 2)._small and not big.sum()._small  # a small result of a large graph is not small
    assert not (x + big[:4])._small  # an operand from the generic path
    assert not x.exp()._small  # generated methods use the generic path


def test_small_handles_are_queued_and_released_in_a_batch():
    before = raw_live_count()
    x = torch.rand(4)
    y = x * 2
    assert raw_live_count() == before + 2
    del y
    assert _release.pending  # queued, not yet released
    assert raw_live_count() == before + 2
    assert torch._live_tensor_count() == before + 1  # flushes first
    assert not _release.pending
    del x
    _release.flush()
    assert raw_live_count() == before


def test_the_queue_is_bounded():
    before = raw_live_count()
    x = torch.rand(3)
    for _ in range(3 * _release.BATCH + 7):
        x * 1.5  # each result is dropped at once
        assert len(_release.pending) < _release.BATCH
    assert raw_live_count() <= before + 1 + _release.BATCH
    assert torch._live_tensor_count() == before + 1


def test_large_tensors_are_released_at_once():
    before = raw_live_count()
    big = torch.rand(_release.SMALL + 1)
    doubled = big * 2
    assert raw_live_count() == before + 2
    del doubled
    assert raw_live_count() == before + 1  # no flush needed
    del big
    assert raw_live_count() == before


def test_no_leak_over_100k_ops():
    before = torch._live_tensor_count()
    x = torch.rand(4, requires_grad=True)
    for _ in range(100):
        y = x
        for _ in range(500):
            y = y * x
            y = y + 1
        y.sum().backward()
        x.grad = None
    del x, y
    assert torch._live_tensor_count() == before


def test_the_chain_still_computes_the_gradient():
    # d/dx of y_{k+1} = y_k * x + 1, y_0 = x, at x = 0.5 for 3 steps: y3 = x^4 + x^2 + x + 1... by hand:
    # y1 = x^2 + 1, y2 = x^3 + x + 1, y3 = x^4 + x^2 + x + 1; dy3/dx = 4x^3 + 2x + 1 = 2.5 at 0.5.
    x = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(3):
        y = y * x
        y = y + 1
    y.sum().backward()
    assert x.grad.tolist() == [2.5, 4 + 2 + 1]
    assert y.tolist() == [0.0625 + 0.25 + 0.5 + 1, 4.0]


def test_weakrefs_die_with_the_python_object():
    x = torch.rand(4)
    y = x * 3
    ref = weakref.ref(y)
    assert y._small
    del y
    assert ref() is None  # the Python object is gone at once; only its handle waits


def test_a_hooked_tensor_releases_its_hook_at_once():
    class Marker:
        pass

    marker = Marker()
    alive = weakref.ref(marker)
    x = torch.rand(4, requires_grad=True)
    y = x * 2
    assert y._small
    seen = []
    y.register_hook(lambda grad, m=marker: seen.append(grad.tolist()))
    assert not y._small
    y.sum().backward()
    assert seen == [[1.0, 1.0, 1.0, 1.0]]
    del marker, y
    gc.collect()
    assert alive() is None  # the hook's closure went with y's handle, without a flush


def test_threads_share_the_queue(in_threads):
    before = torch._live_tensor_count()

    def work(_):
        x = torch.rand(4, requires_grad=True)
        for _ in range(3000):
            y = x * 2 + 1
            assert y._small
        y.sum().backward()
        assert x.grad.tolist() == [2.0] * 4

    in_threads(4, work)
    assert torch._live_tensor_count() == before


def test_a_forked_child_can_flush_even_if_the_lock_was_held(forked_child):
    before = torch._live_tensor_count()
    x = torch.rand(4)

    def check():  # the child's queue works with a fresh lock
        for _ in range(2 * _release.BATCH):
            x * 2
        return torch._live_tensor_count() == before + 1 and not _release.pending
    assert forked_child(check, holding=_release._lock)  # held as if another thread were flushing


def test_flush_is_safe_when_reentered_or_empty():
    _release.flush()
    _release.flush()
    x = torch.rand(2)
    x * 2
    with _release._lock:  # a flush already running elsewhere: this one leaves the queue alone
        _release.flush()
        assert _release.pending
    _release.flush()
    assert not _release.pending


def test_freeing_many_through_python_reports_bad_handles():
    a, b = torch.zeros(2), torch.zeros(3)
    handles = (ctypes.c_void_p * 3)(a._handle, None, b._handle)
    before = raw_live_count()
    assert L.sg_tensor_free_many(handles, 3) == 0
    assert raw_live_count() == before - 2
    status = L.sg_tensor_free_many(handles, 3)  # now stale
    assert status == L.SG_ERR_INVALID_HANDLE
    assert "tensors[0]" in L.sg_last_error().decode()
    a._handle = b._handle = None  # released above


def test_operators_keep_pytorch_semantics():
    x = torch.tensor([1.0, 2.0])
    n = torch.tensor([1, 2])
    assert (x * 2).dtype is torch.float32 and (n * 2).dtype is torch.int64 and (n * 2.5).dtype is torch.float32
    assert (n / 2).tolist() == [0.5, 1.0] and (x < 2).dtype is torch.bool
    assert (3 - x).tolist() == [2.0, 1.0] and (2 ** x).tolist() == [2.0, 4.0] and (1 / x).tolist() == [1.0, 0.5]
    assert x.__add__("a") is NotImplemented
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(RuntimeError, match="cannot be broadcast|must match|size"):
        x + torch.zeros(3)


def test_operator_failures_raise_the_status_forms_errors():
    # The inlined operators call the returning forms (sg_mul_r, ...), which give NULL and leave
    # the status in sg_last_status(): the same exception and message as the status form.
    x, y = torch.ones(3), torch.ones(4)
    with pytest.raises(RuntimeError) as through_operator:
        x * y
    with pytest.raises(RuntimeError) as through_function:
        torch.mul(x, y)
    assert str(through_operator.value) == str(through_function.value)
    assert "must match the size of tensor b (4)" in str(through_operator.value)
    assert (x * 2).tolist() == [2.0] * 3  # the next op is unaffected
    ints = torch.tensor([3, 4])
    with pytest.raises(Exception) as through_method:  # noqa: PT011 - compared below
        ints.norm()
    with pytest.raises(Exception) as through_function:  # noqa: PT011
        torch.linalg.vector_norm(ints)
    assert type(through_method.value) is type(through_function.value)
    assert isinstance(through_method.value, NotImplementedError)  # as PyTorch raises it
    assert str(through_method.value) == str(through_function.value)
    assert "Expected a floating point or complex tensor as input. Got Long" in str(through_method.value)
    assert x.norm().item() == pytest.approx(3 ** 0.5)
    assert L.sg_last_status() == L.SG_ERR_DTYPE  # the last failure's status, kept by successes


def test_reductions_keep_dtype_and_arguments():
    x = torch.tensor([3.0, 4.0], dtype=torch.float64)
    assert x.norm().item() == 5.0 and x.norm().dtype is torch.float64
    assert x.sum().item() == 7.0 and x.sum(0).item() == 7.0 and x.sum(dtype=torch.float32).dtype is torch.float32
    assert torch.tensor([1, 2]).sum().dtype is torch.int64


def test_reductions_over_dims_through_the_shared_dim_lists():
    """sum and mean over an int dim use read-only one-dim lists shared by every call (and the
    returning C forms): every dim they hold, those past them, tuples and the errors."""
    x = torch.arange(2 * 3 * 4 * 5 * 6 * 7 * 8 * 9, dtype=torch.float64).reshape(2, 3, 4, 5, 6, 7, 8, 9)
    for d in range(-8, 8):
        assert x.sum(d).shape == x.sum((d,)).shape == x.sum(dim=[d]).shape
        assert x.sum(d, keepdim=True).shape[d] == 1
        assert torch.equal(x.sum(d), x.sum(d, keepdim=True).squeeze(d))
        assert torch.equal(x.mean(d), x.sum(d) / x.shape[d])
        assert x.sum(d).dtype is torch.float64 and x.mean(d).dtype is torch.float64
    y = torch.zeros([1] * 12)
    assert y.sum(11).shape == (1,) * 11 and y.sum(-12).shape == (1,) * 11
    assert torch.tensor([[1, 2], [3, 4]]).sum(1).tolist() == [3, 7]
    assert torch.tensor([[1, 2], [3, 4]]).sum(1).dtype is torch.int64
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        m.sum(2)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got -3\)"):
        m.mean(-3)
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        m.sum((0, 0))
    with pytest.raises(RuntimeError, match="mean"):
        torch.tensor([1, 2]).mean(0)
    assert m.sum(1).tolist() == [3.0, 7.0] and m.sum(0).tolist() == [4.0, 6.0]  # the lists unchanged


def test_grad_warns_only_when_missing_on_a_non_leaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert y.grad is None
    assert any("not a leaf" in str(w.message) for w in caught)
    y.retain_grad()
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad.tolist() == [1.0, 1.0] and x.grad.tolist() == [3.0, 3.0]
        assert torch.zeros(1).grad is None  # a leaf: no warning


def test_backward_runs_queued_callbacks_and_unwinds_on_error():
    from swiftgrad.autograd import _engine
    order = []
    x = torch.tensor([1.0], requires_grad=True)
    y = x * 2

    def hook(grad):
        assert _engine.in_backward() and _engine.accumulating()
        _engine.queue_callback(lambda: order.append("callback"))
        order.append("hook")

    y.register_hook(hook)
    y.sum().backward()
    assert order == ["hook", "callback"] and not _engine.in_backward()
    z = (x * 2).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="second time|freed"):
        z.backward()  # the graph was freed: an error, and the pass is unwound
    assert not _engine.in_backward()


def test_default_dtype_is_kept_in_step_with_the_library():
    assert torch.get_default_dtype() is torch.float32
    try:
        torch.set_default_dtype(torch.float64)
        assert torch.get_default_dtype() is torch.float64
        assert torch.randn(2).dtype is torch.float64 and torch.tensor(1.5).dtype is torch.float64
        code = ctypes.c_int()
        L.check(L.sg_get_default_dtype(ctypes.byref(code)))
        assert code.value == torch.float64._code
        with pytest.raises(TypeError):
            torch.set_default_dtype(torch.int64)
        assert torch.get_default_dtype() is torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.randn(2).dtype is torch.float32


def test_pending_handles_are_released_at_exit(tmp_path):
    # A process that ends with handles queued: swiftgrad's atexit flush releases them. The
    # report is registered before swiftgrad is imported, so it runs after the flush (atexit
    # handlers run last-registered first).
    import subprocess
    script = tmp_path / "child.py"
    script.write_text(
        "import atexit\n"
        "def report():\n"
        "    from swiftgrad import _lib\n"
        "    print('at exit', _lib.sg_live_tensor_count())\n"
        "atexit.register(report)\n"
        "import swiftgrad as torch\n"
        "from swiftgrad import _lib, _release\n"
        "print('at start', _lib.sg_live_tensor_count())\n"
        "x = torch.rand(4)\n"
        "for _ in range(10): x * 2\n"
        "del x\n"
        "print('queued', len(_release.pending))\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    counts = dict(line.rsplit(" ", 1) for line in result.stdout.splitlines())
    assert int(counts["queued"]) == 11
    assert int(counts["at exit"]) == int(counts["at start"])


def test_a_forked_child_reads_the_default_dtype_even_if_the_lock_was_held(forked_child):
    from swiftgrad import _dtype

    def check():
        ok = torch.get_default_dtype() is torch.float32 and torch.randn(2).dtype is torch.float32
        torch.set_default_dtype(torch.float64)
        return ok and torch.get_default_dtype() is torch.float64 and torch.randn(2).dtype is torch.float64
    # held as if another thread were in set_default_dtype at the fork
    assert forked_child(check, holding=_dtype._default_lock)
    assert torch.get_default_dtype() is torch.float32  # the child's setting stayed in the child
