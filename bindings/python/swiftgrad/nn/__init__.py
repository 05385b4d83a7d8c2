"""swiftgrad.nn: so far the functional interface (swiftgrad.nn.functional)."""
from . import functional  # noqa: F401
