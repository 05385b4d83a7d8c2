"""swiftgrad.nn: torch.nn's Module, Parameter, layers and losses, and the functional interface."""
from . import functional  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import __all__  # noqa: F401
