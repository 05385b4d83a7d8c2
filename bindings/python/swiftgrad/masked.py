"""torch.masked: reductions and normalizations that ignore the elements where a mask is false
(sum, prod, amax, amin, argmax, argmin, mean, median, norm, var, std, logsumexp, cumsum, cumprod,
softmax, log_softmax, softmin, normalize, logaddexp), on strided tensors with a bool mask.

The functions are generated from the op table (scripts/ops), each forwarding to one C call,
or written by hand in swiftgrad/_extra."""
from ._extra import EXPORTS as _EXTRA
from ._ops import NAMESPACES as _NAMESPACES

globals().update(_NAMESPACES.get("masked", {}))
globals().update(_EXTRA.get("masked", {}))  # hand-written ones take precedence
