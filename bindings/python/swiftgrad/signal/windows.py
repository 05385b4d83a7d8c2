"""torch.signal.windows: window functions of a length M (bartlett, blackman, cosine,
exponential, gaussian, general_cosine, general_hamming, hamming, hann, kaiser, nuttall).

The functions are generated from the op table (scripts/ops), each forwarding to one C call,
or written by hand in swiftgrad/_extra."""
from .._extra import EXPORTS as _EXTRA
from .._ops import NAMESPACES as _NAMESPACES

globals().update(_NAMESPACES.get("signal.windows", {}))
globals().update(_EXTRA.get("signal.windows", {}))  # hand-written ones take precedence
