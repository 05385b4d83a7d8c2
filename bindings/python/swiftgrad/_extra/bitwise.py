"""The bitwise family's Python that the op table cannot express (scripts/ops/72-bitwise.toml):
torch.bitwise_and/or/xor/left_shift/right_shift with a number on either side, the operators
& | ^ << >> ~ with their reflected and in-place forms, torch.gcd_/lcm_/fill_/zero_ as
functions, and the factories tril_indices, triu_indices, empty_strided and
Tensor.new_empty_strided with PyTorch's keyword arguments. Each checks its arguments and makes
one C call; dtypes and values come from the core."""
import builtins
import numbers

from .. import _device
from .. import _dtype
from .. import _lib as L
from .._creation import _creation_dtype, _finish
from .._tensor import Size, Tensor, _check, _make, _make_as, _operand, _require_tensor, _shape_array
from ._registry import export, method

# ---- functions whose first argument may be a number ---------------------------------------------

_BINARY = {
    "bitwise_and": (L.sg_bitwise_and, L.sg_bitwise_and_),
    "bitwise_or": (L.sg_bitwise_or, L.sg_bitwise_or_),
    "bitwise_xor": (L.sg_bitwise_xor, L.sg_bitwise_xor_),
    "bitwise_left_shift": (L.sg_bitwise_left_shift, L.sg_bitwise_left_shift_),
    "bitwise_right_shift": (L.sg_bitwise_right_shift, L.sg_bitwise_right_shift_),
}


def _invalid_combination(name, values):
    got = ", ".join(type(v).__name__ for v in values)
    # Two numbers: PyTorch's parser explains its (Number, Tensor) overload, marking both.
    note = ("      didn't match because some of the arguments have invalid types: "
            f"({', '.join(f'!{type(v).__name__}!' for v in values)})\n"
            if all(isinstance(v, numbers.Number) for v in values) else "")
    return TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     " * (Tensor input, Tensor other, *, Tensor out = None)\n"
                     f" * (Number self, Tensor other)\n{note}"
                     " * (Tensor input, Number other, *, Tensor out = None)\n")


def _binary_function(name, function):
    def binary(input, other, *, out=None):  # noqa: A002 - PyTorch's name
        if (not isinstance(input, Tensor) and not isinstance(other, Tensor)) or not all(
                isinstance(v, (Tensor, numbers.Real)) for v in (input, other)):
            raise _invalid_combination(name, (input, other))
        if out is not None:
            raise TypeError(f"{name}(): out= is not supported")
        a, b = _operand(input), _operand(other)  # held until the call returns
        return _make(function, a._handle, b._handle)
    binary.__name__ = binary.__qualname__ = name
    binary.__doc__ = (f"torch.{name}(input, other): elementwise on integer and bool tensors; either "
                      "(not both) may be a Python number.")
    return binary


for _name, (_function, _) in _BINARY.items():
    export(_name)(_binary_function(_name, _function))


# ---- the operators ------------------------------------------------------------------------------

def _operand_or_none(other):
    """other as a C operand, or None when Python should try the other side (PyTorch's operators
    return NotImplemented for anything that is not a tensor or a real number)."""
    return _operand(other) if isinstance(other, (Tensor, numbers.Real)) else None


def _operators(symbol, function, in_place):
    def forward(self, other):
        b = _operand_or_none(other)
        return NotImplemented if b is None else _make(function, self._handle, b._handle)

    def reflected(self, other):
        a = _operand_or_none(other)
        return NotImplemented if a is None else _make(function, a._handle, self._handle)

    def assign(self, other):
        b = _operand_or_none(other)
        if b is None:
            return NotImplemented
        _check(in_place(self._handle, b._handle))
        return self

    for f, doc in ((forward, f"self {symbol} other"), (reflected, f"other {symbol} self"),
                   (assign, f"self {symbol}= other, in place")):
        f.__doc__ = doc
    return forward, reflected, assign


for _symbol, _dunder, _name in (("&", "and", "bitwise_and"), ("|", "or", "bitwise_or"), ("^", "xor", "bitwise_xor"),
                                ("<<", "lshift", "bitwise_left_shift"), (">>", "rshift", "bitwise_right_shift")):
    _forward, _reflected, _assign = _operators(_symbol, *_BINARY[_name])
    method(f"__{_dunder}__")(_forward)
    method(f"__r{_dunder}__")(_reflected)
    method(f"__i{_dunder}__")(_assign)


@method("__invert__")
def _invert(self):
    """~self: bitwise_not of an integer or bool tensor (a TypeError for floating ones, as
    PyTorch's operator)."""
    if self.dtype.is_floating_point:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return self.bitwise_not()


# ---- in-place functions of the torch namespace --------------------------------------------------

@export("gcd_")
def gcd_(input, other):  # noqa: A002
    """torch.gcd_: input.gcd_(other)."""
    _require_tensor("gcd_", "input", 1, input)
    return input.gcd_(other)


@export("lcm_")
def lcm_(input, other):  # noqa: A002
    """torch.lcm_: input.lcm_(other)."""
    _require_tensor("lcm_", "input", 1, input)
    return input.lcm_(other)


@export("fill_")
def fill_(input, value):  # noqa: A002
    """torch.fill_: input.fill_(value)."""
    _require_tensor("fill_", "input", 1, input)
    return input.fill_(value)


@export("zero_")
def zero_(input):  # noqa: A002
    """torch.zero_: input.zero_()."""
    _require_tensor("zero_", "input", 1, input)
    return input.zero_()


# ---- factories ----------------------------------------------------------------------------------

def _int_argument(name, argument, position, value):
    if isinstance(value, builtins.bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be int, not {type(value).__name__}")
    return int(value)


def _ints(name, argument, position, value):
    """A tuple of ints argument (a tuple, list or torch.Size), as PyTorch's parser reads it."""
    if not isinstance(value, (tuple, list, Size)):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, "
                        f"not {type(value).__name__}")
    for i, v in enumerate(value):
        if isinstance(v, builtins.bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, "
                            f"but found element of type {type(v).__name__} at pos {i}")
    return tuple(int(v) for v in value)


def _triangle(name, function):
    def indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False, requires_grad=False):
        row = _int_argument(name, "row", 1, row)
        col = _int_argument(name, "col", 2, col)
        offset = _int_argument(name, "offset", 3, offset)
        _device.check(device)
        d = _creation_dtype(dtype, _dtype.int64)
        return _finish(_make_as(d, function, row, col, offset), requires_grad)
    indices.__name__ = indices.__qualname__ = name
    side = "lower" if name == "tril_indices" else "upper"
    indices.__doc__ = (f"torch.{name}(row, col, offset=0, *, dtype=torch.long): the coordinates of the {side} "
                       "triangle of a row x col matrix, a 2 x N tensor (int64 or int32).")
    return indices


tril_indices = export("tril_indices")(_triangle("tril_indices", L.sg_tril_indices))
triu_indices = export("triu_indices")(_triangle("triu_indices", L.sg_triu_indices))


def _empty_strided(name, size, stride, dtype, device, requires_grad):
    size = _ints(name, "size", 1, size)
    stride = _ints(name, "stride", 2, stride)
    _device.check(device)
    size_array, ndim = _shape_array(size)
    stride_array, nstride = _shape_array(stride)
    return _finish(_make_as(dtype, L.sg_empty_strided, size_array, ndim, stride_array, nstride), requires_grad)


@export("empty_strided")
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """torch.empty_strided: a tensor of the given sizes and element strides (its values are not
    set; swiftgrad gives zeros)."""
    return _empty_strided("empty_strided", size, stride, _creation_dtype(dtype), device, requires_grad)


_MISSING = object()


@method("new_empty_strided")
def _new_empty_strided(self, size, stride=_MISSING, *, dtype=None, layout=None, device=None, requires_grad=False,
                       pin_memory=False):
    """torch.empty_strided(size, stride) with this tensor's dtype unless dtype says otherwise."""
    if stride is _MISSING:
        raise TypeError('new_empty_strided() missing 1 required positional arguments: "stride"')
    return _empty_strided("new_empty_strided", size, stride, _creation_dtype(dtype, self.dtype), device,
                          requires_grad)
