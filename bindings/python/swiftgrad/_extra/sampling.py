"""The samplers behind torch.distributions (torch._standard_gamma, torch._standard_gamma_grad,
torch._sample_dirichlet, torch._dirichlet_grad, torch.binomial), with PyTorch's parameter
names, which the op table cannot give (its first parameter is always `input`, and its
generated helpers are named after the function with a leading underscore). torch.poisson is
generated from the table. Each is one C call."""
from .. import _lib as L
from .._generator import _generator_handle
from .._tensor import _make, _require_tensor
from ._registry import export


@export("_standard_gamma")
def _standard_gamma(input, generator=None):  # noqa: A002 - PyTorch's name
    """Gamma(input, 1) draws (Marsaglia and Tsang), differentiable through the implicit
    reparameterisation gradient _standard_gamma_grad."""
    _require_tensor("_standard_gamma", "input", 1, input)
    return _make(L.sg_standard_gamma, input._handle, _generator_handle(generator))


@export("_standard_gamma_grad")
def _standard_gamma_grad(input, output):  # noqa: A002 - PyTorch's name
    """d output / d input for draws `output` of Gamma(input, 1)."""
    _require_tensor("_standard_gamma_grad", "input", 1, input)
    _require_tensor("_standard_gamma_grad", "output", 2, output)
    return _make(L.sg_standard_gamma_grad, input._handle, output._handle)


@export("_sample_dirichlet")
def _sample_dirichlet(input, generator=None):  # noqa: A002 - PyTorch's name
    """Dirichlet(input) draws over the last dimension."""
    _require_tensor("_sample_dirichlet", "input", 1, input)
    return _make(L.sg_sample_dirichlet, input._handle, _generator_handle(generator))


@export("_dirichlet_grad")
def _dirichlet_grad(x, alpha, total):
    """The reparameterisation gradient of Beta(alpha, total - alpha) draws x."""
    for position, (name, value) in enumerate((("x", x), ("alpha", alpha), ("total", total)), start=1):
        _require_tensor("_dirichlet_grad", name, position, value)
    return _make(L.sg_dirichlet_grad, x._handle, alpha._handle, total._handle)


@export("binomial")
def binomial(count, prob, generator=None):
    """Binomial(count, prob) draws over broadcast operands of one floating dtype."""
    _require_tensor("binomial", "count", 1, count)
    _require_tensor("binomial", "prob", 2, prob)
    if not count.is_floating_point():
        # PyTorch checks this with TORCH_CHECK_VALUE: a ValueError.
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: {_scalar_name(count.dtype)}")
    return _make(L.sg_binomial, count._handle, prob._handle, _generator_handle(generator))


def _scalar_name(dtype):
    """PyTorch's ScalarType name of a dtype (torch.int64 -> Long), as its messages print it."""
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}.get(
        str(dtype).rpartition(".")[2], str(dtype))
