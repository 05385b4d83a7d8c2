"""Grad mode: no_grad, enable_grad, set_grad_enabled and inference_mode (context managers and
decorators over the library's per-thread grad mode), is_grad_enabled and
is_inference_mode_enabled."""
import builtins
import ctypes
import functools
import threading

from . import _lib as L

_check = L.check
_byref = ctypes.byref


class _GradMode:
    """no_grad / enable_grad: context managers and decorators that set grad mode for the
    current thread and restore the previous setting on exit."""

    _enabled = None

    def __enter__(self):
        previous = ctypes.c_bool()
        _check(L.sg_set_grad_enabled(self._enabled, _byref(previous)))
        self._previous = previous.value
        return None

    def __exit__(self, *exc):
        _check(L.sg_set_grad_enabled(self._previous, None))
        return False

    def __call__(self, function):
        cls = type(self)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with cls():
                return function(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """`with swiftgrad.no_grad():` — operations inside record no graph."""
    _enabled = False


class enable_grad(_GradMode):
    """`with swiftgrad.enable_grad():` — turns recording back on inside a no_grad block."""
    _enabled = True


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(mode)` sets grad mode at once; used as a context manager it restores
    the previous mode on exit; used as a decorator it restores it at once and applies the mode
    around each call, as PyTorch's."""

    def __init__(self, mode):
        previous = ctypes.c_bool()
        _check(L.sg_set_grad_enabled(builtins.bool(mode), _byref(previous)))
        self._previous = previous.value
        self._enabled = builtins.bool(mode)

    def __enter__(self):
        return None

    def __call__(self, function):
        _check(L.sg_set_grad_enabled(self._previous, None))
        mode = self._enabled

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return function(*args, **kwargs)
        return wrapper


def is_grad_enabled():
    """Whether operations are recorded for autograd on this thread."""
    return L.sg_is_grad_enabled()


_inference = threading.local()


class inference_mode:
    """`with torch.inference_mode():` (or as a decorator, with or without parentheses): no
    graph is recorded inside, as under no_grad; inference_mode(False) leaves things as they are.
    (PyTorch's inference tensors also refuse later use in autograd; swiftgrad's tensors made
    inside are ordinary tensors that do not require grad.)"""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, builtins.bool):  # @torch.inference_mode
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.mode = builtins.bool(mode)

    def __enter__(self):
        self._previous_inference = getattr(_inference, "enabled", False)
        if self.mode:
            previous = ctypes.c_bool()
            _check(L.sg_set_grad_enabled(False, _byref(previous)))
            self._previous_grad = previous.value
            _inference.enabled = True
        return None

    def __exit__(self, *exc):
        if self.mode:
            _check(L.sg_set_grad_enabled(self._previous_grad, None))
        _inference.enabled = self._previous_inference
        return False

    def __call__(self, function):
        mode = self.mode

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return function(*args, **kwargs)
        return wrapper


def is_inference_mode_enabled():
    """Whether the calling thread is inside inference_mode()."""
    return getattr(_inference, "enabled", False)
