"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, computed by the library from a
Python function called back through ctypes. Results take PyTorch's shapes: a single tensor for
a single input and output, tuples otherwise."""
import ctypes

from .. import _lib as L
from .. import _callbacks
from .._tensor import Tensor, _wrap, _check
from .._creation import ones_like


def _prepare(func, inputs):
    single_input = isinstance(inputs, Tensor)
    xs = (inputs,) if single_input else tuple(inputs)
    probe = func(*xs)
    single_output = isinstance(probe, Tensor)
    count = 1 if single_output else len(probe)
    key = _callbacks.register(lambda args: (lambda r: (r,) if isinstance(r, Tensor) else tuple(r))(func(*args)))
    return xs, single_input, single_output, count, key, probe


def _array(tensors):
    return (ctypes.c_void_p * len(tensors))(*[t._handle for t in tensors])


def _collect(array, count):
    return tuple(_wrap(array[i]) if array[i] else None for i in range(count))


def _shape(values, single):
    return values[0] if single else values


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    xs, single_in, single_out, n_out, key, _ = _prepare(func, inputs)
    try:
        out = (ctypes.c_void_p * (n_out * len(xs)))()
        _check(L.sg_jacobian(_callbacks.tensor_function_entry, key, _array(xs), len(xs), n_out, bool(create_graph), out))
    finally:
        _callbacks.unregister(key)
    values = _collect(out, n_out * len(xs))  # each handle wrapped exactly once
    rows = [_shape(values[o * len(xs):(o + 1) * len(xs)], single_in) for o in range(n_out)]
    return _shape(tuple(rows), single_out)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    xs, single_in, single_out, n_out, key, probe = _prepare(func, inputs)
    try:
        if not single_out or probe.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor with a single element")
        out = (ctypes.c_void_p * (len(xs) * len(xs)))()
        _check(L.sg_hessian(_callbacks.tensor_function_entry, key, _array(xs), len(xs), bool(create_graph), out))
    finally:
        _callbacks.unregister(key)
    values = _collect(out, len(xs) * len(xs))
    rows = [_shape(values[i * len(xs):(i + 1) * len(xs)], single_in) for i in range(len(xs))]
    return _shape(tuple(rows), single_in)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    xs, single_in, single_out, n_out, key, probe = _prepare(func, inputs)
    try:
        probes = (probe,) if single_out else tuple(probe)
        if v is None:
            if n_out != 1 or probes[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor with a single element.")
            vs = (ones_like(probes[0]),)
        else:
            vs = (v,) if isinstance(v, Tensor) else tuple(v)
        outs, results = (ctypes.c_void_p * n_out)(), (ctypes.c_void_p * len(xs))()
        _check(L.sg_vjp(_callbacks.tensor_function_entry, key, _array(xs), len(xs), _array(vs), n_out, bool(create_graph), outs, results))
    finally:
        _callbacks.unregister(key)
    return _shape(_collect(outs, n_out), single_out), _shape(_collect(results, len(xs)), single_in)


def _input_vectors(v, xs):
    """The v of jvp and hvp, one per input; None only for a single one-element input."""
    if v is not None:
        return (v,) if isinstance(v, Tensor) else tuple(v)
    if len(xs) != 1 or xs[0].numel() != 1:
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.")
    return (ones_like(xs[0]),)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    xs, single_in, single_out, n_out, key, _ = _prepare(func, inputs)
    try:
        vs = _input_vectors(v, xs)
        outs, results = (ctypes.c_void_p * n_out)(), (ctypes.c_void_p * n_out)()
        _check(L.sg_jvp(_callbacks.tensor_function_entry, key, _array(xs), len(xs), _array(vs), n_out, bool(create_graph), outs, results))
    finally:
        _callbacks.unregister(key)
    return _shape(_collect(outs, n_out), single_out), _shape(_collect(results, n_out), single_out)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    xs, single_in, single_out, n_out, key, probe = _prepare(func, inputs)
    try:
        if not single_out or probe.numel() != 1:
            raise RuntimeError("The function given to hvp should return a single Tensor with a single element")
        vs = _input_vectors(v, xs)
        out, results = (ctypes.c_void_p * 1)(), (ctypes.c_void_p * len(xs))()
        _check(L.sg_hvp(_callbacks.tensor_function_entry, key, _array(xs), len(xs), _array(vs), bool(create_graph), out, results))
    finally:
        _callbacks.unregister(key)
    return _wrap(out[0]), _shape(_collect(results, len(xs)), single_in)
