"""torch.fft: discrete Fourier transforms.

The functions are generated from the op table (scripts/ops), each forwarding to one C call,
or written by hand in swiftgrad/_extra."""
from ._extra import EXPORTS as _EXTRA
from ._ops import NAMESPACES as _NAMESPACES

globals().update(_NAMESPACES.get("fft", {}))
globals().update(_EXTRA.get("fft", {}))  # hand-written ones take precedence
