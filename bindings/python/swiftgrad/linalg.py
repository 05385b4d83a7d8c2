"""torch.linalg: linear algebra (norms, inverses, solvers, decompositions).

The functions are generated from the op table (scripts/ops), each forwarding to one C call,
or written by hand in swiftgrad/_extra."""
from ._extra import EXPORTS as _EXTRA
from ._ops import NAMESPACES as _NAMESPACES

globals().update(_NAMESPACES.get("linalg", {}))
globals().update(_EXTRA.get("linalg", {}))  # hand-written ones take precedence
