"""DistributedDataParallel's parts that run without mpirun: the callbacks queued on a backward
pass (autograd._engine.queue_callback, what DDP waits for its all-reduces in), the bucket
assignment (against hand-worked cases, and against PyTorch's own
dist._compute_bucket_assignment_by_size when TORCH_PYTHON is set), the collectives' debug level,
and DDP's errors before init_process_group. DDP itself runs under mpirun in
`make test-distributed` (tests/distributed/ddp.py, failing_rank.py)."""
import json
import os
import subprocess

import pytest

import swiftgrad as torch
import swiftgrad.distributed as dist
from swiftgrad.autograd import _engine
from swiftgrad.nn.parallel import DistributedDataParallel
from swiftgrad.nn.parallel.distributed import _bucket_assignment


# ---- callbacks at the end of backward ------------------------------------------------------------

def test_queue_callback_outside_backward():
    with pytest.raises(RuntimeError, match="^Final callbacks can only be installed during backward pass.$"):
        _engine.queue_callback(lambda: None)
    assert not _engine.in_backward()


@pytest.mark.parametrize("entry", ["Tensor.backward", "autograd.backward", "autograd.grad"])
def test_callback_runs_after_every_gradient_is_accumulated(entry):
    """A callback queued from the hook of the first leaf to get its gradient runs once backward
    has accumulated all of them: it sees every .grad, the hooked leaf's included. For
    loss = sum(a * b) + sum(a): d/da = b + 1, d/db = a."""
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 5.0], requires_grad=True)
    seen, order = [], []

    def report():
        order.append("callback")
        seen.append((None if a.grad is None else a.grad.tolist(), None if b.grad is None else b.grad.tolist()))

    def hook(grad):
        order.append("hook")
        assert _engine.in_backward() and _engine.accumulating() == (entry != "autograd.grad")
        if len(order) == 1:
            _engine.queue_callback(report)
            _engine.queue_callback(lambda: _engine.queue_callback(lambda: order.append("queued by a callback")))
    a.register_hook(hook)
    b.register_hook(hook)
    loss = (a * b).sum() + a.sum()
    if entry == "Tensor.backward":
        loss.backward()
    elif entry == "autograd.backward":
        torch.autograd.backward([loss])
    else:
        torch.autograd.grad(loss, [a, b])
    assert order == ["hook", "hook", "callback", "queued by a callback"]
    assert _engine.accumulating() is False  # outside any pass
    if entry == "autograd.grad":
        assert seen == [(None, None)]  # grad() accumulates nothing
    else:
        assert seen == [([4.0, 6.0], [1.0, 2.0])]
    assert not _engine.in_backward()


def test_callbacks_are_dropped_when_backward_fails():
    a = torch.tensor([1.0], requires_grad=True)
    ran = []

    def hook(grad):
        _engine.queue_callback(lambda: ran.append(True))
        raise ValueError("hook failed")
    a.register_hook(hook)
    with pytest.raises(ValueError, match="hook failed"):
        (a * 2).sum().backward()
    assert ran == [] and not _engine.in_backward()
    # a failing callback propagates, and the pass is over
    b = torch.tensor([1.0], requires_grad=True)
    b.register_hook(lambda g: _engine.queue_callback(lambda: 1 / 0))
    with pytest.raises(ZeroDivisionError):
        (b * 2).sum().backward()
    assert not _engine.in_backward()


def test_nested_backward_callbacks_belong_to_the_inner_pass():
    outer_leaf = torch.tensor([1.0], requires_grad=True)
    events = []

    def hook(grad):
        inner = torch.tensor([2.0], requires_grad=True)
        inner.register_hook(lambda g: _engine.queue_callback(lambda: events.append(("inner", inner.grad.item()))))
        with torch.enable_grad():  # hooks run with grad mode off
            (inner * 3).sum().backward()
        events.append("inner backward returned")
        _engine.queue_callback(lambda: events.append(("outer", outer_leaf.grad.item())))
    outer_leaf.register_hook(hook)
    (outer_leaf * 5).sum().backward()
    assert events == [("inner", 3.0), "inner backward returned", ("outer", 5.0)]


# ---- bucket assignment ---------------------------------------------------------------------------

SIZES = [(100, "float32"), (300, "float64"), (50, "float32"), (10, "float32"), (400, "float64"), (1, "float32"),
         (200, "float32")]


def tensors(sizes):
    return [torch.zeros(n, dtype=getattr(torch, d)) for n, d in sizes]


def assignment(sizes, limits):
    ts = tensors(sizes)
    return _bucket_assignment(list(enumerate(ts)), limits)


def test_bucket_assignment_by_hand():
    # float32 bytes 400 | 200, 40, 4, 800 (the bucket closes past 1000) ; float64 2400 | 3200;
    # buckets ordered by their first tensor
    assert assignment(SIZES, [400, 1000]) == [[0], [1], [2, 3, 5, 6], [4]]
    assert assignment(SIZES, [1000]) == [[0, 2, 3, 5, 6], [1], [4]]
    assert assignment(SIZES, [10 ** 9]) == [[0, 2, 3, 5, 6], [1, 4]]
    # DDP's order: reverse of parameters(); indices are the parameters'
    ts = tensors(SIZES)
    got = _bucket_assignment([(i, ts[i]) for i in reversed(range(len(ts)))], [400, 1000])
    assert got == [[6], [5, 3, 2, 0], [4], [1]]


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="needs TORCH_PYTHON (a Python with torch)")
def test_bucket_assignment_against_pytorch():
    cases = [(SIZES, [400, 1000]), (SIZES, [1000]), (SIZES[::-1], [400, 1000]), (SIZES, [1]),
             ([(2 ** 18, "float32")] * 3 + [(5, "float32")], [2 ** 20, 25 * 2 ** 20])]
    code = f"""
import json, torch, torch.distributed as dist
out = []
for sizes, limits in {json.dumps(cases)}:
    ts = [torch.zeros(n, dtype=getattr(torch, d)) for n, d in sizes]
    out.append(dist._compute_bucket_assignment_by_size(ts, limits)[0])
print(json.dumps(out))
"""
    done = subprocess.run([os.environ["TORCH_PYTHON"], "-c", code], capture_output=True, text=True, check=True)
    want = json.loads(done.stdout)
    for (sizes, limits), expected in zip(cases, want):
        assert assignment(sizes, limits) == expected, (sizes, limits)


# ---- before init_process_group, debug level --------------------------------------------------------

def test_ddp_needs_the_default_group():
    assert not dist.is_initialized()
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedDataParallel(torch.nn.Linear(2, 2))
    assert torch.nn.parallel.DistributedDataParallel is DistributedDataParallel


def test_debug_level_from_the_environment(monkeypatch):
    previous = dist.get_debug_level()
    try:
        monkeypatch.delenv("TORCH_DISTRIBUTED_DEBUG", raising=False)
        dist.set_debug_level_from_env()
        assert dist.get_debug_level() == dist.DebugLevel.INFO  # collectives are checked by default
        for name in ("OFF", "INFO", "DETAIL", "detail"):
            monkeypatch.setenv("TORCH_DISTRIBUTED_DEBUG", name)
            dist.set_debug_level_from_env()
            assert dist.get_debug_level() == dist.DebugLevel[name.upper()]
        monkeypatch.setenv("TORCH_DISTRIBUTED_DEBUG", "LOUD")
        with pytest.raises(ValueError, match="must be OFF, INFO, or DETAIL"):
            dist.set_debug_level_from_env()
    finally:
        dist.set_debug_level(previous)


def test_fingerprint_descriptions():
    """The text of a mismatch: PyTorch's CollectiveFingerPrint fields, and what differs."""
    a = dist._fingerprint(3, "ALLREDUCE", torch.zeros(3, 2), -1, dist.ReduceOp.SUM)
    b = dist._fingerprint(3, "BROADCAST", torch.zeros(4, 2, dtype=torch.float64), 1, None)
    assert dist._describe(a) == ("CollectiveFingerPrint(SequenceNumber=3, OpType=ALLREDUCE, TensorShape=[3, 2], "
                                 "TensorDtypes=Float, ReduceOp=SUM)")
    assert dist._describe(b) == ("CollectiveFingerPrint(SequenceNumber=3, OpType=BROADCAST, TensorShape=[4, 2], "
                                 "TensorDtypes=Double, Root=1)")
    assert dist._differences(a, b) == ["Op type: ALLREDUCE vs BROADCAST", "Tensor shapes: [3, 2] vs [4, 2]",
                                       "Tensor dtypes: Float vs Double", "Root: none vs 1", "ReduceOp: SUM vs none"]
    assert dist._differences(a, a) == []
