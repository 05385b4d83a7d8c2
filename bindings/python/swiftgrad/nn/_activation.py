"""torch.nn's activation modules, each over its torch.nn.functional function, with PyTorch's
constructor arguments (inplace included) and printed forms."""
from __future__ import annotations

import warnings

from .._grad_mode import no_grad
from .._creation import empty
from . import functional as F
from ._module import Module
from .parameter import Parameter

__all__ = [
    "Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh", "SiLU", "Mish", "Hardswish",
    "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink", "LeakyReLU", "LogSigmoid", "Softplus", "Softshrink", "PReLU",
    "Softsign", "Tanhshrink", "Softmin", "Softmax", "Softmax2d", "LogSoftmax",
]


def _inplace_suffix(module, first):
    """PyTorch's ", inplace=True" (or "inplace=True" when it is the only item)."""
    if not module.inplace:
        return ""
    return "inplace=True" if first else ", inplace=True"


class _Inplace(Module):
    """An activation whose only option is `inplace`; `_function(input, inplace)` computes it."""

    _function = None
    _shows_inplace = True  # Hardsigmoid and Hardswish do not print it

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002 - PyTorch's name
        return type(self)._function(input, inplace=self.inplace)

    def extra_repr(self):
        return _inplace_suffix(self, True) if self._shows_inplace else ""


class _Plain(Module):
    """An activation without options."""

    _function = None

    def forward(self, input):  # noqa: A002
        return type(self)._function(input)


class Threshold(Module):
    """value where input <= threshold, else input."""

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}{_inplace_suffix(self, False)}"


def _relu(input, inplace=False):  # noqa: A002
    return input.relu_() if inplace else F.relu(input)


class ReLU(_Inplace):
    """max(input, 0)."""

    _function = staticmethod(_relu)


class RReLU(Module):
    """Leaky ReLU with a random negative slope in [lower, upper] in training, their mean in eval."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}{_inplace_suffix(self, False)}"


class Hardtanh(Module):
    """input clamped into [min_val, max_val]."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input):  # noqa: A002
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self, False)}"


class ReLU6(Hardtanh):
    """min(max(input, 0), 6)."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_suffix(self, True)


class Sigmoid(_Plain):
    """1 / (1 + exp(-input))."""

    _function = staticmethod(F.sigmoid)


class Tanh(_Plain):
    """tanh(input)."""

    _function = staticmethod(F.tanh)


class Hardsigmoid(_Inplace):
    """relu6(input + 3) / 6."""

    _function = staticmethod(F.hardsigmoid)
    _shows_inplace = False


class Hardswish(_Inplace):
    """input * relu6(input + 3) / 6."""

    _function = staticmethod(F.hardswish)
    _shows_inplace = False


class SiLU(_Inplace):
    """input * sigmoid(input)."""

    _function = staticmethod(F.silu)


class Mish(_Inplace):
    """input * tanh(softplus(input))."""

    _function = staticmethod(F.mish)


class SELU(_Inplace):
    """scale * elu(input, alpha) with the self-normalising constants."""

    _function = staticmethod(F.selu)


class _Alpha(Module):
    _function = None

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return type(self)._function(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}{_inplace_suffix(self, False)}"


class ELU(_Alpha):
    """input where positive, alpha * (exp(input) - 1) elsewhere."""

    _function = staticmethod(F.elu)


class CELU(_Alpha):
    """max(0, input) + min(0, alpha * (exp(input / alpha) - 1))."""

    _function = staticmethod(F.celu)


class GLU(Module):
    """The first half of the input along dim times the sigmoid of the second half."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class GELU(Module):
    """input * Phi(input), exactly ('none') or with the tanh approximation ('tanh')."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):  # noqa: A002
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class _Lambd(Module):
    _function = None

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):  # noqa: A002
        return type(self)._function(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class Hardshrink(_Lambd):
    """input where |input| > lambd, else 0."""

    _function = staticmethod(F.hardshrink)


class Softshrink(_Lambd):
    """input - lambd above lambd, input + lambd below -lambd, 0 between."""

    _function = staticmethod(F.softshrink)


class LeakyReLU(Module):
    """input where positive, negative_slope * input elsewhere."""

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}{_inplace_suffix(self, False)}"


class LogSigmoid(_Plain):
    """log(sigmoid(input))."""

    _function = staticmethod(F.logsigmoid)


class Softplus(Module):
    """log(1 + exp(beta * input)) / beta, and input itself where beta * input > threshold."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):  # noqa: A002
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class PReLU(Module):
    """input where positive, a * input elsewhere, with `a` a learned Parameter: one value, or
    one per channel (num_parameters = channels), initialised to `init`."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        with no_grad():
            self.weight.fill_(self.init)

    def forward(self, input):  # noqa: A002
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softsign(_Plain):
    """input / (1 + |input|)."""

    _function = staticmethod(F.softsign)


class Tanhshrink(_Plain):
    """input - tanh(input)."""

    _function = staticmethod(F.tanhshrink)


def _check_dim(dim):
    if dim is not None and (not isinstance(dim, int) or isinstance(dim, bool)):
        raise TypeError(f"dim must be an int or None, got {type(dim)}")


class _SoftmaxLike(Module):
    _function = None

    def __init__(self, dim=None):
        _check_dim(dim)
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input):  # noqa: A002
        return type(self)._function(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmin(_SoftmaxLike):
    """softmax(-input) along dim."""

    _function = staticmethod(F.softmin)

    def __init__(self, dim=None):  # PyTorch's Softmin does not check dim's type
        Module.__init__(self)
        self.dim = dim


class Softmax(_SoftmaxLike):
    """exp(input) / sum(exp(input)) along dim."""

    _function = staticmethod(F.softmax)


class LogSoftmax(_SoftmaxLike):
    """log(softmax(input)) along dim."""

    _function = staticmethod(F.log_softmax)


class Softmax2d(Module):
    """Softmax over the channels at each location of a (N, C, H, W) or (C, H, W) input."""

    def forward(self, input):  # noqa: A002
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)
