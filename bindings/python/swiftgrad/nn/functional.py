"""torch.nn.functional: losses, activations, linear and dropout."""
from .. import _lib as L
from .._random import rand_like
from .._extra import EXPORTS as _EXTRA
from .._ops import NAMESPACES as _NAMESPACES
from .._tensor import Tensor, _make, _reduction, _require_tensor

# The functions the op table forwards (scripts/ops) and the op families' hand-written ones
# (swiftgrad/_extra); those written below take precedence.
globals().update(_NAMESPACES.get("nn.functional", {}))
globals().update(_EXTRA.get("nn.functional", {}))


def _loss(name, function, input, target, reduction):  # noqa: A002 - torch's parameter names
    _require_tensor(name, "input", 1, input)
    _require_tensor(name, "target", 2, target)
    return _make(function, input._handle, target._handle, _reduction(reduction))


def mse_loss(input, target, reduction="mean"):  # noqa: A002
    """Mean (or summed, or elementwise) squared error."""
    return _loss("mse_loss", L.sg_mse_loss, input, target, reduction)


def relu(input):  # noqa: A002
    """max(input, 0), elementwise."""
    return input.relu()


def sigmoid(input):  # noqa: A002
    """1 / (1 + exp(-input)), elementwise."""
    return input.sigmoid()


def tanh(input):  # noqa: A002
    """The hyperbolic tangent, elementwise."""
    return input.tanh()


def linear(input, weight, bias=None):  # noqa: A002
    """input @ weight.T + bias."""
    out = input.matmul(weight.t())
    return out if bias is None else out + bias


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zeroes each element with probability p (in training) and scales the rest by 1/(1-p)."""
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    keep = (rand_like(input) >= p).to(input.dtype)
    return input * keep / (1 - p)
