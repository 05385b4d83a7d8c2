"""torch.special functions whose Python signatures the op table cannot express: polygamma (the
order first, torch.polygamma(n, input)), the functions of two operands that take a Python
number on either side (xlog1py, zeta, the orthogonal polynomials), and torch.special's names
for functions swiftgrad already has (expit for sigmoid, gammaln for lgamma, ...)."""
import numbers

from .. import _lib as L
from .. import _ops
from .._functions import logsumexp as _logsumexp
from .._tensor import Tensor, _int, _make, _operand, _require_tensor
from ._registry import export
from .elementwise import xlogy as _xlogy


@export("polygamma")
@export("polygamma", namespace="special")
def polygamma(n, input):  # noqa: A002 - PyTorch's name
    """torch.polygamma(n, input): the n-th derivative of digamma, n >= 0."""
    if isinstance(n, bool) or not isinstance(n, (numbers.Integral, Tensor)):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    _require_tensor("polygamma", "input", 2, input)
    return _make(L.sg_polygamma, input._handle, _int(n))


def _either_operand(name, first, second, parameters):
    """A special function of two operands, either of which may be a Python number (PyTorch's
    Scalar overloads), but not both."""
    def refuse(given):
        got = ", ".join(given)
        raise TypeError(f"special_{name}() received an invalid combination of arguments - got ({got}), but expected "
                        f"one of: (Tensor {parameters[0]}, Tensor {parameters[1]}), (Number {parameters[0]}, Tensor "
                        f"{parameters[1]}), (Tensor {parameters[0]}, Number {parameters[1]})")

    def function(*args, out=None, **kwargs):
        if out is not None:
            raise NotImplementedError(f"swiftgrad.special.{name} does not take out= yet")
        given = [type(v).__name__ for v in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
        values = dict(zip(parameters, args))
        if len(args) > 2 or any(k not in parameters or k in values for k in kwargs):
            refuse(given)
        values.update(kwargs)
        if len(values) < 2:
            refuse(given)
        a, b = (values[p] for p in parameters)
        valid = [isinstance(v, (Tensor, numbers.Real)) for v in (a, b)]
        if not all(valid) or not (isinstance(a, Tensor) or isinstance(b, Tensor)):
            refuse(given)
        a, b = _operand(a), _operand(b)
        return _make(first, a._handle, b._handle)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"torch.special.{name}({parameters[0]}, {parameters[1]}): {second}"
    return export(name, namespace="special")(function)


xlog1py = _either_operand("xlog1py", L.sg_special_xlog1py, "input * log1p(other), 0 where input is 0.", ("input", "other"))
zeta = _either_operand("zeta", L.sg_special_zeta, "the Hurwitz zeta function.", ("input", "other"))

for _name in ("chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
              "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
              "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
              "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"):
    _either_operand(_name, getattr(L, f"sg_special_{_name}"), "an orthogonal polynomial of degree n (truncated).",
                    ("x", "n"))

# torch.special's names for functions of torch.* (the op table's generator cannot yet give a
# function of torch.* a name in another namespace).
for _alias, _function in (("digamma", _ops.digamma), ("psi", _ops.digamma), ("gammaln", _ops.lgamma),
                          ("multigammaln", _ops.mvlgamma), ("i0", _ops.i0), ("gammainc", _ops.igamma),
                          ("gammaincc", _ops.igammac), ("expit", _ops.sigmoid), ("erf", _ops.erf),
                          ("erfc", _ops.erfc), ("exp2", _ops.exp2),
                          ("expm1", _ops.expm1), ("log1p", _ops.log1p), ("sinc", _ops.sinc), ("logit", _ops.logit),
                          ("erfinv", _ops.erfinv), ("xlogy", _xlogy), ("softmax", _ops.softmax),
                          ("log_softmax", _ops.log_softmax), ("logsumexp", _logsumexp)):
    export(_alias, namespace="special")(_function)


@export("round", namespace="special")
def round(input, *, decimals=0):  # noqa: A001,A002 - PyTorch's names
    """torch.special.round(input, *, decimals=0): torch.round with decimals, always its decimals
    form (RoundBackward1), as torch.special's is."""
    _require_tensor("round", "input", 1, input)
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral):
        raise TypeError(f"special_round(): argument 'decimals' must be int, not {type(decimals).__name__}")
    return _make(L.sg_round_decimals, input._handle, int(decimals))
