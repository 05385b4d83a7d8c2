"""torch.autograd: functional gradients, backward over several outputs, custom functions,
gradient checks, anomaly mode, and the functional derivatives (autograd.functional)."""
import builtins
import ctypes
import warnings

from .. import _lib as L
from .. import _tensor
from .._creation import zeros_like
from .._grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from .._tensor import Tensor, _wrap, _check
from .. import _callbacks
from .function import Function, FunctionCtx  # noqa: F401
from ._engine import graph_task as _graph_task, run as _run_graph_task

from . import functional  # noqa: F401

_sg_backward = L.sg_backward


def _as_tuple(value, name):
    if isinstance(value, Tensor):
        return (value,)
    value = tuple(value)
    for v in value:
        if not isinstance(v, Tensor):
            raise TypeError(f"{name} must be a Tensor or a sequence of Tensors, not {type(v).__name__}")
    return value


def _handles(tensors, allow_none=False):
    if tensors is None:
        return None
    return (ctypes.c_void_p * len(tensors))(*[None if t is None else t._handle for t in tensors])


def _gradients(grad_tensors, count):
    if grad_tensors is None:
        return None
    grads = (grad_tensors,) if isinstance(grad_tensors, Tensor) else tuple(grad_tensors)
    if len(grads) != count:
        raise RuntimeError(f"grad_tensors has {len(grads)} entries but there are {count} tensors")
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """torch.autograd.backward: accumulates the gradients of `tensors` into leaves' .grad (only
    into `inputs`' when given)."""
    outputs = _as_tuple(tensors, "tensors")
    grads = _gradients(grad_tensors, len(outputs))
    targets = () if inputs is None else _as_tuple(inputs, "inputs")
    if inputs is not None and not targets:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    retain = create_graph if retain_graph is None else retain_graph
    with _graph_task():
        _check(L.sg_autograd_backward(_handles(outputs), _handles(grads), len(outputs), _handles(targets),
                                      len(targets), bool(retain), bool(create_graph)))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         materialize_grads=False):
    """torch.autograd.grad: the gradients of `outputs` with respect to `inputs`, as a tuple,
    without changing any .grad."""
    outs = _as_tuple(outputs, "outputs")
    xs = _as_tuple(inputs, "inputs")
    grads = _gradients(grad_outputs, len(outs))
    unused_ok = bool(allow_unused) or materialize_grads
    retain = create_graph if retain_graph is None else retain_graph
    results = (ctypes.c_void_p * len(xs))()
    with _graph_task(accumulates=False):
        _check(L.sg_autograd_grad(_handles(outs), _handles(grads), len(outs), _handles(xs), len(xs), bool(retain),
                                  bool(create_graph), unused_ok, results))
    wrapped = tuple(_wrap(h) if h else None for h in results)
    if materialize_grads:
        wrapped = tuple(g if g is not None else zeros_like(x) for g, x in zip(wrapped, xs))
    return wrapped


class GradcheckError(RuntimeError):
    """Raised by gradcheck when backward's Jacobian and finite differences disagree."""


def _checked(function, checker, func, inputs, eps, atol, rtol, raise_exception):
    xs = _as_tuple(inputs, "inputs")
    count = len(_outputs_of(func, xs))
    key = _callbacks.register(lambda args: _outputs_of(func, args))
    try:
        status = checker(_callbacks.tensor_function_entry, key, _handles(xs), len(xs), count, eps, atol, rtol)
        if status == 5 and getattr(L._pending, "error", None) is None:  # SG_ERR_AUTOGRAD: a mismatch
            message = L.sg_last_error().decode()
            if message.startswith("Jacobian mismatch"):
                if raise_exception:
                    raise GradcheckError(message)
                return False
        _check(status)
        return True
    finally:
        _callbacks.unregister(key)


def _outputs_of(func, args):
    result = func(*args)
    return (result,) if isinstance(result, Tensor) else tuple(result)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **unused):
    """torch.autograd.gradcheck: backward's Jacobians against central differences (use float64)."""
    return _checked("gradcheck", L.sg_gradcheck, func, inputs, eps, atol, rtol, raise_exception)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **unused):
    """torch.autograd.gradgradcheck: the same check for second derivatives."""
    return _checked("gradgradcheck", L.sg_gradgradcheck, func, inputs, eps, atol, rtol, raise_exception)


def is_anomaly_enabled():
    """Whether anomaly detection is on."""
    return L.sg_is_anomaly_enabled()


class set_detect_anomaly:
    """torch.autograd.set_detect_anomaly(mode): on at once; as a context manager, restored on exit."""

    def __init__(self, mode, check_nan=True):
        self.previous = L.sg_is_anomaly_enabled()
        _set_anomaly(bool(mode))

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        _set_anomaly(self.previous)
        return False


class detect_anomaly:
    """torch.autograd.detect_anomaly(): a context manager (and decorator) turning anomaly mode on."""

    def __init__(self, check_nan=True):
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self.previous = L.sg_is_anomaly_enabled()
        _set_anomaly(True)

    def __exit__(self, *exc):
        _set_anomaly(self.previous)
        return False

    def __call__(self, function):
        import functools

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with detect_anomaly():
                return function(*args, **kwargs)
        return wrapper


def _set_anomaly(enabled):
    _check(L.sg_set_detect_anomaly(enabled))
    _tensor._anomaly[0] = enabled


# ---- Tensor methods that need this module, attached at import (the package imports it) ----


def _tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Computes the gradients of this tensor with respect to the leaves of its graph and
    accumulates them in their .grad (`gradient` is needed for non-scalars)."""
    if gradient is not None and not isinstance(gradient, Tensor):
        raise TypeError(f"gradient must be a Tensor or None, not {type(gradient).__name__}")
    if create_graph or inputs is not None:
        if create_graph and inputs is None:
            warnings.warn(
                "Using backward() with create_graph=True will create a reference cycle between the parameter "
                "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
                "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
                "of your parameters to None after use to break the cycle and avoid the leak.", UserWarning,
                stacklevel=2)
        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)
        return
    _run_graph_task(_sg_backward, self._handle, None if gradient is None else gradient._handle,
                    retain_graph is not None and builtins.bool(retain_graph))


for _name, _method in (("backward", _tensor_backward), ):
    setattr(Tensor, _name, _method)
