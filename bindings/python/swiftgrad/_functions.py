"""Module-level functions with PyTorch's names (`torch.cat`, `torch.matmul`, ...). Each checks
its Python arguments and makes one call into the C ABI (or forwards to the Tensor method)."""
from __future__ import annotations

import builtins
import math
import numbers

from . import _lib as L
from ._tensor import (
    _NAMED_OPERATORS, _SINGLE_SIGNATURE, Tensor, _argument_error, _arithmetic, _operand,
    _handles, _int, _make, _make_as, _require_tensor, _shape_array, _size_arguments,
)
from . import _dtype
from ._creation import _SCALAR_NAMES, tensor as _tensor
from ._grad_mode import no_grad


def is_tensor(obj):
    """Whether obj is a swiftgrad Tensor."""
    return isinstance(obj, Tensor)


def _method(name, doc=None):
    """torch.<name>(input, ...) as input.<name>(...), with PyTorch's TypeError for a non-tensor."""
    def function(input, *args, **kwargs):  # noqa: A002 - torch's parameter name
        _require_tensor(name, "input", 1, input)
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = name
    function.__doc__ = doc or f"torch.{name}: see Tensor.{name}."
    return function


for _name in ("neg", "clamp", "clip", "sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "var", "std",
              "norm", "logsumexp", "reshape", "squeeze", "transpose", "permute", "t", "narrow", "clone", "gather",
              "scatter_add", "nonzero", "masked_fill", "numel", "detach"):
    globals()[_name] = _method(_name)

negative = neg  # noqa: F821 - defined by the loop above


def _pair(name, second, function):
    """torch.<name>(input, <second>): both must be tensors (positions 1 and 2 in messages)."""
    def pair(input, other):  # noqa: A002
        _require_tensor(name, "input", 1, input)
        _require_tensor(name, second, 2, other)
        return _make(function, input._handle, other._handle)
    pair.__name__ = name
    pair.__doc__ = f"torch.{name}(input, {second})"
    return pair


dot = _pair("dot", "tensor", L.sg_dot)
matmul = _pair("matmul", "other", L.sg_matmul)
mm = _pair("mm", "mat2", L.sg_mm)
mv = _pair("mv", "vec", L.sg_mv)
bmm = _pair("bmm", "mat2", L.sg_bmm)
outer = _pair("outer", "vec2", L.sg_outer)
maximum = _pair("maximum", "other", L.sg_maximum)
minimum = _pair("minimum", "other", L.sg_minimum)


def _operator_function(name, operator):
    """torch.<name>(input, other): a tensor `input` goes through Tensor.<name>. The arithmetic
    operators also take a number `input`, as PyTorch's Number overloads do: with a tensor `other`
    through the reflected operator, with a number `other` (not for pow) as a 0-d tensor."""
    reflected = getattr(Tensor, "__r" + operator.__name__[2:], None)

    def apply(input, other, alpha):  # noqa: A002
        if isinstance(input, Tensor):
            return _arithmetic(name, operator, input, other, alpha, 2)
        if isinstance(input, numbers.Number) and reflected is not None:  # comparisons take no number input
            if isinstance(other, Tensor):
                result = reflected(other if alpha == 1 else other * alpha, input)
                if result is not NotImplemented:
                    return result
            elif isinstance(other, numbers.Number) and name != "pow":
                return _arithmetic(name, operator, _tensor(input), other, alpha, 2)
        if name in _SINGLE_SIGNATURE:
            _require_tensor(name, "input", 1, input)
        _argument_error(name, input, other, 2)

    if name in ("add", "sub", "subtract"):
        def function(input, other, *, alpha=1):  # noqa: A002
            return apply(input, other, alpha)
    else:
        def function(input, other):  # noqa: A002
            return apply(input, other, 1)
    function.__name__ = name
    function.__doc__ = f"torch.{name}(input, other): see Tensor.{name}."
    return function


for _name, _operator in _NAMED_OPERATORS.items():
    globals()[_name] = _operator_function(_name, _operator)


def max(input, dim=None, keepdim=False, **aliases):  # noqa: A001,A002
    """torch.max: the largest element, or (values, indices) along `dim` (also axis=, keepdims=)."""
    _require_tensor("max", "input", 1, input)
    return input.max(dim, keepdim, **aliases)


def min(input, dim=None, keepdim=False, **aliases):  # noqa: A001,A002
    """torch.min: the smallest element, or (values, indices) along `dim` (also axis=, keepdims=)."""
    _require_tensor("min", "input", 1, input)
    return input.min(dim, keepdim, **aliases)


def where(condition, input=None, other=None):  # noqa: A002
    """torch.where(condition, input, other); torch.where(condition) is condition.nonzero(as_tuple=True)."""
    _require_tensor("where", "condition", 1, condition)
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    a, b = _operand(input), _operand(other)  # held until the call returns
    return _make(L.sg_where, condition._handle, a._handle, b._handle)


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:  # noqa: A002
    """PyTorch's closeness, elementwise (broadcasting), as a bool tensor: equal elements are close
    (so are equal infinities, and NaNs with equal_nan); else |input - other| <= atol + |rtol * other|
    with a finite |input - other|, computed in the tensors' dtype (the default float dtype for
    integers and bool). Zero tolerances are plain equality."""
    _require_tensor("isclose", "input", 1, input)
    _require_tensor("isclose", "other", 2, other)
    if input.dtype != other.dtype:
        raise RuntimeError(f"{_SCALAR_NAMES[input.dtype]} did not match {_SCALAR_NAMES[other.dtype]}")
    if not rtol >= 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol:g}")
    if not atol >= 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol:g}")
    # NaN and infinity are found by comparisons (x != x, x != inf), which every dtype has.
    with no_grad():
        close = input == other
        if equal_nan and input.dtype.is_floating_point:
            close = close | ((input != input) & (other != other))
        if rtol == 0 and atol == 0:
            return close
        if not input.dtype.is_floating_point:
            # Integers and bools compare in the default float dtype, so that the difference cannot
            # wrap around (uint8's 5 - 6): large int64 values round, as in PyTorch.
            input, other = input.to(_dtype.get_default_dtype()), other.to(_dtype.get_default_dtype())  # noqa: A001
        error = (input - other).abs()
        within = error <= (other * rtol).abs() + atol  # False where the error is NaN
        return close | (within & (error != math.inf))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:  # noqa: A002
    """Whether every element of input is close to other's (see isclose)."""
    close = isclose(input, other, rtol, atol, equal_nan)
    return builtins.bool(close.sum().item() == close.numel())


def equal(input: Tensor, other: Tensor) -> bool:  # noqa: A002
    """True when both have the same shape and elements."""
    _require_tensor("equal", "input", 1, input)
    _require_tensor("equal", "other", 2, other)
    if input.shape != other.shape:
        return False
    with no_grad():
        same = input == other
    return builtins.bool(same.sum().item() == same.numel())


def cat(tensors, dim: int = 0) -> Tensor:
    """Concatenates tensors along an existing dimension `dim`."""
    array, n = _handles(tensors, "cat")
    return _make(L.sg_cat, array, n, _int(dim))


concat = concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Stacks tensors of one shape along a new dimension `dim`."""
    array, n = _handles(tensors, "stack")
    return _make(L.sg_stack, array, n, _int(dim))


__all__ = [name for name in globals() if not name.startswith("_") and name not in (
    "builtins", "ctypes", "numbers", "L", "Tensor")]
