"""Where the hand-written Python of an op family registers its functions and methods."""
from .._tensor import Tensor

#: namespace ("" for torch.*, "nn.functional", "linalg", ...) -> {name: function}
EXPORTS = {}


def export(*names, namespace=""):
    """Decorator: the function is torch.<namespace>.<name> for each name."""
    def register(function):
        for name in names:
            EXPORTS.setdefault(namespace, {})[name] = function
        return function
    return register


def method(*names):
    """Decorator: the function is Tensor.<name> for each name."""
    def register(function):
        for name in names:
            setattr(Tensor, name, function)
        return function
    return register
