"""Releasing the handles of small tensors in batches.

A tensor's `__del__` releases its handle. For most tensors that is one sg_tensor_free call at
once. Tensors known to be small (`Tensor._small`: at most one dimension and `SMALL` elements,
made only from other small tensors, so that whatever graph they hold is small too) instead
queue their handle here, and one sg_tensor_free_many call releases `BATCH` of them: a chain of
small ops then crosses into C once per op instead of twice. What the queue can hold back is
bounded: BATCH tensors of at most SMALL elements each, and their graphs of small tensors.

The queue is flushed when it is full, by `flush()` (swiftgrad._live_tensor_count flushes
first), at exit, and after a fork in the child (whose copy of the lock may have been held).
Tensors that carry Python state the library releases when the handle goes (hooks) are not
marked small, so that state goes at once, as in PyTorch."""
import array
import atexit
import ctypes
import os
import threading

from . import _lib as L

#: Handles of small tensors whose Python objects are gone, not yet released: an array of
#: uint64, so that a batch reaches C as one buffer (a ctypes array built from a list of ints
#: measured as slow as a call per handle). Tensor.__del__ appends (array.append is atomic under
#: the GIL); only flush() removes, under _lock.
pending = array.array("Q")
#: The queue is released when it holds this many handles.
BATCH = 256
#: The most elements a small tensor has (at most one dimension).
SMALL = 1024

_lock = threading.Lock()


def flush(_pending=pending, _lock=_lock, _array=ctypes.c_void_p, _free_many=L.sg_tensor_free_many):
    """Releases every queued handle in one C call. A flush already running (on another thread,
    or further up this one's stack: a release can run Python callbacks that drop tensors) is
    left to finish the job: the queue is flushed again when it next fills."""
    if not _pending or not _lock.acquire(False):
        return
    try:
        n = len(_pending)
        batch = _pending[:n]
        del _pending[:n]  # appends made meanwhile stay queued
        _free_many((_array * n).from_buffer(batch), n)  # the status is ignored, as __del__'s free ignores it
    finally:
        _lock.release()


def _after_fork_in_child():
    global _lock
    # The parent's lock may have been held by a thread that does not exist in the child.
    _lock = threading.Lock()
    flush.__defaults__ = (pending, _lock, ctypes.c_void_p, L.sg_tensor_free_many)


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(flush)
