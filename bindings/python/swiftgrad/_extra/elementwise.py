"""The elementwise family's Python that the op table cannot express (scripts/ops/
31-elementwise-more.toml): functions whose first argument may be a number (torch.remainder(2, x),
xlogy, float_power, floor_divide), torch.div's rounding_mode, rsub's two overloads, round's
keyword-only decimals, the `%` and `//` operators, the identities of real tensors (positive,
real, conj, conj_physical, resolve_conj, resolve_neg).
Each checks its arguments and makes one C call (or none, for an identity)."""
import numbers

from .. import _functions
from .. import _lib as L
from .. import _ops
from .._dtype import bool as _bool
from .._tensor import _MISSING, Tensor, _check, _make, _operand, _require_tensor
from ._registry import export, method

# ---- functions that take a number in either place ---------------------------------------------


def _signatures(name, parameter):
    return (f" * (Tensor input, Tensor {parameter})\n * (Number self, Tensor {parameter})\n"
            f" * (Tensor input, Number {parameter})")


def _either_number(name, function, input, other, parameter="other"):  # noqa: A002 - torch's name
    """torch.<name>(input, other) where one of the two (not both) may be a Python number."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor) or not all(
            isinstance(v, (Tensor, numbers.Real)) for v in (input, other)):
        got = ", ".join(type(v).__name__ for v in (input, other))
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        + _signatures(name, parameter))
    a, b = _operand(input), _operand(other)  # held until the call returns
    return _make(function, a._handle, b._handle)


@export("remainder")
def remainder(input, other):  # noqa: A002
    """torch.remainder: the remainder of flooring division, with other's sign (Python's %)."""
    return _either_number("remainder", L.sg_remainder, input, other)


@export("floor_divide")
def floor_divide(input, other):  # noqa: A002
    """torch.floor_divide: Python's input // other."""
    return _either_number("floor_divide", L.sg_floor_divide, input, other)


@export("xlogy")
def xlogy(input, other):  # noqa: A002
    """torch.xlogy: input * log(other), 0 where input is 0."""
    return _either_number("xlogy", L.sg_xlogy, input, other)


@export("float_power")
def float_power(input, exponent):  # noqa: A002
    """torch.float_power: input ** exponent in float64."""
    return _either_number("float_power", L.sg_float_power, input, exponent, "exponent")


# ---- the % and // operators -------------------------------------------------------------------

def _reflectable(other):
    return isinstance(other, (Tensor, numbers.Real))


@method("__mod__")
def _mod(self, other):
    """self % other: torch.remainder."""
    if not _reflectable(other):
        return NotImplemented
    other = _operand(other)
    return _make(L.sg_remainder, self._handle, other._handle)


@method("__rmod__")
def _rmod(self, other):
    """other % self: torch.remainder(other, self)."""
    if not _reflectable(other):
        return NotImplemented
    other = _operand(other)
    return _make(L.sg_remainder, other._handle, self._handle)


@method("__floordiv__")
def _floordiv(self, other):
    """self // other: torch.floor_divide."""
    if not _reflectable(other):
        return NotImplemented
    other = _operand(other)
    return _make(L.sg_floor_divide, self._handle, other._handle)


@method("__rfloordiv__")
def _rfloordiv(self, other):
    """other // self: torch.floor_divide(other, self)."""
    if not _reflectable(other):
        return NotImplemented
    other = _operand(other)
    return _make(L.sg_floor_divide, other._handle, self._handle)


# ---- torch.div(rounding_mode=) ----------------------------------------------------------------

_ROUNDED_DIVISION = {"trunc": L.sg_div_trunc, "floor": L.sg_div_floor}
_true_div, _true_divide = _functions.div, _functions.divide
_true_div_method, _true_divide_method = Tensor.div, Tensor.divide


def _rounded(name, input, other, rounding_mode):  # noqa: A002
    """input / other rounded by rounding_mode ("trunc" or "floor")."""
    if not isinstance(rounding_mode, str):
        raise TypeError(f"{name}(): argument 'rounding_mode' must be str, not {type(rounding_mode).__name__}")
    function = _ROUNDED_DIVISION.get(rounding_mode)
    if function is None:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    return _either_number(name, function, input, other)


def _division(name, true_division):
    def function(input, other, *, rounding_mode=None):  # noqa: A002
        if rounding_mode is None:
            return true_division(input, other)
        return _rounded(name, input, other, rounding_mode)

    def tensor_method(self, other, *, rounding_mode=None):
        if rounding_mode is None:
            return (_true_div_method if name == "div" else _true_divide_method)(self, other)
        return _rounded(name, self, other, rounding_mode)

    function.__name__ = tensor_method.__name__ = name
    function.__doc__ = (f"torch.{name}(input, other, *, rounding_mode=None): true division, or rounded "
                        "toward zero ('trunc') or down ('floor').")
    tensor_method.__doc__ = f"Tensor.{name}(other, *, rounding_mode=None): see torch.{name}."
    return function, tensor_method


div, _div_method = _division("div", _true_div)
divide, _divide_method = _division("divide", _true_divide)
export("div")(div)
export("divide")(divide)
method("div")(_div_method)
method("divide")(_divide_method)

_ROUNDED_DIVISION_IN_PLACE = {"trunc": L.sg_div_trunc_, "floor": L.sg_div_floor_}
_true_div_in_place = Tensor.div_


@method("div_", "divide_", "true_divide_")
def _div_in_place(self, other, *, rounding_mode=None):
    """Tensor.div in place (rounding_mode None, 'trunc' or 'floor'); returns self."""
    if rounding_mode is None:
        return _true_div_in_place(self, other)
    if not isinstance(rounding_mode, str):
        raise TypeError(f"div_(): argument 'rounding_mode' must be str, not {type(rounding_mode).__name__}")
    function = _ROUNDED_DIVISION_IN_PLACE.get(rounding_mode)
    if function is None:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    other = _operand(other)  # held until the call returns
    _check(function(self._handle, other._handle))
    return self


# ---- rsub -------------------------------------------------------------------------------------

@export("rsub")
def rsub(input, other, *args, alpha=_MISSING):  # noqa: A002
    """torch.rsub: other - alpha * input. alpha is keyword-only when other is a tensor, and may
    be the third positional argument when other is a number, as PyTorch's two overloads."""
    _require_tensor("rsub", "input", 1, input)
    if args:
        if len(args) > 1 or isinstance(other, Tensor) or alpha is not _MISSING:
            got = ", ".join(type(v).__name__ for v in (input, other, *args))
            raise TypeError(f"rsub() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                            " * (Tensor input, Tensor other, *, Number alpha = 1)\n"
                            " * (Tensor input, Number other, Number alpha = 1)")
        alpha = args[0]
    if alpha is _MISSING:
        alpha = 1
    if isinstance(alpha, Tensor) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"rsub(): argument 'alpha' must be Number, not {type(alpha).__name__}")
    if not isinstance(other, (Tensor, numbers.Real)):
        raise TypeError(f"rsub(): argument 'other' must be Tensor or Number, not {type(other).__name__}")
    other, alpha = _operand(other), _operand(alpha)  # held until the call returns
    return _make(L.sg_rsub, input._handle, other._handle, alpha._handle)


# ---- round(decimals=) -------------------------------------------------------------------------

_round_to_integer = _ops._round


@method("round")
def _round(self, *, decimals=_MISSING):  # named round below, for Python's own argument errors
    """Tensor.round(*, decimals=0): to the nearest whole number (halves to even), or to
    `decimals` decimal places."""
    if decimals is _MISSING:
        return _round_to_integer(self)
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral):
        raise TypeError(f"round() received an invalid combination of arguments - got (Tensor, decimals="
                        f"{type(decimals).__name__}), but expected one of:\n * (Tensor input, *, Tensor out = None)\n"
                        " * (Tensor input, *, int decimals, Tensor out = None)")
    return _make(L.sg_round_decimals, self._handle, int(decimals))


_round.__name__ = _round.__qualname__ = "round"
_round_in_place_to_integer = _ops._round_


@method("round_")
def _round_in_place(self, *, decimals=_MISSING):
    """Tensor.round in place (decimals too); returns self."""
    if decimals is _MISSING:
        return _round_in_place_to_integer(self)
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral):
        raise TypeError(f"round_(): argument 'decimals' must be int, not {type(decimals).__name__}")
    _check(L.sg_round_decimals_(self._handle, int(decimals)))
    return self


@export("round")
def round(input, *, decimals=_MISSING):  # noqa: A001,A002 - torch's names
    """torch.round(input, *, decimals): see Tensor.round."""
    _require_tensor("round", "input", 1, input)
    return _round(input, decimals=decimals)


# ---- identities of real tensors ---------------------------------------------------------------

@method("positive", "__pos__")
def _positive(self):
    """+self: the tensor itself (refused for bool, as PyTorch refuses)."""
    if self.dtype is _bool:
        raise NotImplementedError("The `+` operator, on a bool tensor is not supported.")
    return self


def _identity(name, doc):
    def identity(self):
        return self
    identity.__name__ = name
    identity.__doc__ = doc
    return identity


for _name in ("conj", "conj_physical", "conj_physical_", "resolve_conj", "resolve_neg"):
    method(_name)(_identity(_name, f"Tensor.{_name}(): the tensor itself, for a real tensor (as in PyTorch)."))

Tensor.real = property(_identity("real", "The real part: the tensor itself, for a real tensor."))


@method("is_conj", "is_neg")
def _false(self):
    """Whether the conjugate or negative bit is set: never, for swiftgrad's real tensors."""
    return False


def _function_of(name, text):
    def function(input):  # noqa: A002
        _require_tensor(name, "input", 1, input)
        return getattr(input, name)()
    function.__name__ = name
    function.__doc__ = f"torch.{name}(input): {text}"
    return function


for _name, _text in (("positive", "+input (refused for bool)."),
                     ("conj", "the conjugate: the tensor itself for a real tensor."),
                     ("conj_physical", "the conjugate: the tensor itself for a real tensor."),
                     ("resolve_conj", "the tensor itself for a real tensor."),
                     ("resolve_neg", "the tensor itself for a real tensor.")):
    export(_name)(_function_of(_name, _text))


@export("real")
def real(input):  # noqa: A002
    """torch.real(input): the real part, the tensor itself for a real tensor."""
    _require_tensor("real", "input", 1, input)
    return input
