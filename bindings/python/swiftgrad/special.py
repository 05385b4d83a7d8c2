"""torch.special: special functions (gamma and error function families, Bessel functions, polynomials). The functions are generated from the op table (scripts/ops): each forwards to one C
call."""
from ._ops import NAMESPACES as _NAMESPACES

globals().update(_NAMESPACES.get("special", {}))
