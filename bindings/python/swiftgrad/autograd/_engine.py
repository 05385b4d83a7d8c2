"""The Python side of a backward pass: callbacks queued while it runs (from a hook) run once it
has finished, after every gradient has been accumulated, as the callbacks of PyTorch's
`Variable._execution_engine.queue_callback`. DistributedDataParallel waits for its last
all-reduce in one.

Every Python entry into the engine (Tensor.backward, autograd.backward, autograd.grad) runs
inside `graph_task()`. Passes may nest (a hook or a custom function's backward may start
another); a callback belongs to the innermost pass running on its thread."""
import threading

from .._lib import check

_local = threading.local()


def _stack():
    try:
        return _local.tasks
    except AttributeError:
        stack = _local.tasks = []
        return stack


class graph_task:
    """A backward pass as seen from Python: queued callbacks run, in order, when the pass ends
    without an error (those queued by a callback too); after an error they are dropped.
    accumulates: False for autograd.grad, which leaves every .grad alone."""

    __slots__ = ("accumulates", "callbacks")

    def __init__(self, accumulates=True):
        self.accumulates = accumulates
        self.callbacks = []

    def __enter__(self):
        _stack().append(self)
        return self

    def __exit__(self, kind, error, trace):
        stack = _local.tasks
        try:
            if kind is None:
                _run_callbacks(self.callbacks)
        finally:
            stack.pop()
        return False


def run(function, a, b, c, _new=object.__new__, _check=check):
    """`with graph_task(): _check(function(a, b, c))` for a C call that runs a backward pass
    and returns its status (sg_backward), without the context-manager protocol's cost
    (Tensor.backward is called once per training step, or per op in small graphs)."""
    task = _new(graph_task)
    task.accumulates = True
    task.callbacks = callbacks = []
    stack = _stack()
    stack.append(task)
    try:
        status = function(a, b, c)
        if status:
            _check(status)
        _run_callbacks(callbacks)
    finally:
        stack.pop()


def _run_callbacks(callbacks):
    """Runs a finished pass's queued callbacks in order; a callback may queue another."""
    i = 0
    while i < len(callbacks):
        callbacks[i]()
        i += 1


def queue_callback(callback):
    """Runs `callback()` when the backward pass that is running on this thread has finished."""
    stack = _stack()
    if not stack:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    if not callable(callback):
        raise TypeError("the callback must be callable")
    stack[-1].callbacks.append(callback)


def in_backward():
    """Whether a backward pass is running on this thread."""
    return bool(_stack())


def accumulating():
    """Whether the backward pass running on this thread accumulates into .grad (backward(), not
    autograd.grad)."""
    stack = _stack()
    return bool(stack) and stack[-1].accumulates
