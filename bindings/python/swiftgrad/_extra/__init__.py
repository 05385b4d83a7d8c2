"""Hand-written Python for ops whose Python signatures the op table cannot express: one module
per op family (swiftgrad/_extra/<family>.py), each registering its functions and Tensor methods
with `_registry.export` and `_registry.method`. Every module here is imported; the package's
namespaces (torch.*, torch.nn.functional, torch.linalg, ...) take their functions from
`EXPORTS`, after the generated ones, so a hand-written function takes precedence."""
import importlib
import pkgutil

from ._registry import EXPORTS  # noqa: F401 - read by the package and its namespaces

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _module.startswith("_"):
        importlib.import_module(f"{__name__}.{_module}")
