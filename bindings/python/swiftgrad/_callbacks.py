"""Python callables that the library calls back: hooks, custom functions' forward and backward,
functions given to gradcheck and the functional derivatives. One C entry point per kind, made
once; each call finds its Python callable by the user-data key it was registered under, and the
library's free callback drops the registration. An exception raised in a callable is caught
here, kept for the C call that ran it (which re-raises it), and reported to the library as
SG_ERR_CALLBACK: it never unwinds through C."""
import ctypes
import itertools
import weakref

from . import _lib as L
from ._tensor import Tensor, _byref, _check, _make

class RemovableHandle:
    """What register_hook returns: `remove()` unregisters the hook."""

    def __init__(self, tensor, hook_id):
        self._tensor = weakref.ref(tensor)
        self.id = hook_id

    def remove(self):
        tensor = self._tensor()
        if tensor is not None and self.id is not None:
            L.sg_tensor_remove_hook(tensor._handle, self.id)
        self.id = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


_live = {}
_keys = itertools.count(1)


def register(callable_):
    key = next(_keys)
    _live[key] = callable_
    return key


def unregister(key):
    _live.pop(key, None)


@L.immortal
@L.sg_free_fn
def free_entry(key, _live=_live):  # _live bound here: at exit the module's globals may be None
    _live.pop(key, None)


def adopt(handle):
    """A Tensor owning a new handle to the tensor a callback borrowed."""
    return _make(L.sg_tensor_share, handle)


def give(t):
    """A new handle to `t` that the library takes over (for results a callback returns)."""
    if not isinstance(t, Tensor):
        raise TypeError(f"expected a Tensor, got {type(t).__name__}")
    out = ctypes.c_void_p()
    L.check(L.sg_tensor_share(t._handle, ctypes.byref(out)))
    return out.value


@L.immortal
@L.sg_hook_fn
def hook_entry(grad, replacement, key):
    try:
        hook = _live[key]
        g = adopt(grad)
        result = hook(g)
        if result is not None:
            # PyTorch's checks, with the hook's name (the library checks too, without it).
            name = getattr(hook, "__name__", type(hook).__name__)
            if hasattr(result, "shape") and tuple(result.shape) != tuple(g.shape):
                raise RuntimeError(f"hook '{name}' has changed the size of value")
            if hasattr(result, "dtype") and result.dtype is not g.dtype:
                raise RuntimeError(f"hook '{name}' has changed the type of value (was {g.type()} got {result.type()})")
            replacement[0] = give(result)
        return 0
    except BaseException as error:  # noqa: BLE001 - everything is carried back to Python
        return L.record_callback_exception(error)


@L.immortal
@L.sg_function_forward_fn
def forward_entry(ctx, inputs, n_inputs, outputs, capacity, n_outputs, key):
    try:
        results = _live[key].forward(ctx, [adopt(inputs[i]) for i in range(n_inputs)])
        if len(results) > capacity:
            raise RuntimeError(f"a custom function may return at most {capacity} tensors")
        for i, t in enumerate(results):
            outputs[i] = give(t)
        n_outputs[0] = len(results)
        return 0
    except BaseException as error:  # noqa: BLE001
        return L.record_callback_exception(error)


@L.immortal
@L.sg_function_backward_fn
def backward_entry(ctx, grad_outputs, n_outputs, grad_inputs, n_inputs, key):
    try:
        grads = _live[key].backward(ctx, [adopt(grad_outputs[i]) for i in range(n_outputs)])
        for i, g in enumerate(grads[:n_inputs]):
            grad_inputs[i] = give(g) if g is not None else None
        return 0
    except BaseException as error:  # noqa: BLE001
        return L.record_callback_exception(error)


@L.immortal
@L.sg_tensor_fn
def tensor_function_entry(inputs, n_inputs, outputs, n_outputs, key):
    try:
        results = _live[key]([adopt(inputs[i]) for i in range(n_inputs)])
        if len(results) != n_outputs:
            raise RuntimeError(f"the function returned {len(results)} tensors, expected {n_outputs}")
        for i, t in enumerate(results):
            outputs[i] = give(t)
        return 0
    except BaseException as error:  # noqa: BLE001
        return L.record_callback_exception(error)


# ---- Tensor methods that need this module, attached at import (the package imports it) ----


def _tensor_register_hook(self, hook):
    """Runs `hook(grad)` whenever this tensor's gradient is computed; a returned tensor
    replaces the gradient. Returns a handle whose remove() unregisters it."""
    if not callable(hook):
        raise TypeError("hook must be callable")
    key = register(hook)
    hook_id = ctypes.c_uint64()
    # The hook is Python state the handle's release frees: release this tensor's handle at once
    # when it goes (see _release), so that what the hook holds goes with it, as in PyTorch.
    self._small = False
    # The library frees the registration (free_entry) once, whether or not this succeeds.
    _check(L.sg_tensor_register_hook(self._handle, hook_entry, key, free_entry, _byref(hook_id)))
    return RemovableHandle(self, hook_id.value)


for _name, _method in (("register_hook", _tensor_register_hook), ):
    setattr(Tensor, _name, _method)
