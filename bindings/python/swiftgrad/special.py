"""torch.special: special functions (gamma and error function families, Bessel functions, polynomials).

The functions are generated from the op table (scripts/ops), each forwarding to one C call,
or written by hand in swiftgrad/_extra."""
from ._extra import EXPORTS as _EXTRA
from ._ops import NAMESPACES as _NAMESPACES

globals().update(_NAMESPACES.get("special", {}))
globals().update(_EXTRA.get("special", {}))  # hand-written ones take precedence
