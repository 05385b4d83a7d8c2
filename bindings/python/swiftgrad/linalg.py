"""torch.linalg: linear algebra (norms, inverses, solvers, decompositions). The functions are generated from the op table (scripts/ops): each forwards to one C
call."""
from ._ops import NAMESPACES as _NAMESPACES

globals().update(_NAMESPACES.get("linalg", {}))
