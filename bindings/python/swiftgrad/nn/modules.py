"""torch.nn's modules: Parameter, Module, and the layers, activations, losses and containers
built on them, gathered from the files that define them (_module.py for Module itself,
_container.py, _activation.py, _loss.py, _linear.py, _lazy.py, ...). Other layer families
import Module and Parameter from here."""
from __future__ import annotations

from ._module import Module, _IncompatibleKeys, _addindent  # noqa: F401 - re-exported
from .parameter import (Parameter, Buffer, UninitializedParameter, UninitializedBuffer,  # noqa: F401
                        _rebuild_parameter)
from ._hooks import RemovableHandle  # noqa: F401
from ._lazy import LazyModuleMixin
from ._container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
from ._linear import Identity, Linear, Bilinear, LazyLinear
from ._distance import PairwiseDistance, CosineSimilarity
from ._shape import Flatten, Unflatten, ChannelShuffle, PixelShuffle, PixelUnshuffle
from ._dropout import Dropout, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout
from ._sparse import Embedding
from . import _activation, _loss
from ._activation import *  # noqa: F401,F403
from ._loss import *  # noqa: F401,F403
from ._loss import _Loss, _WeightedLoss  # noqa: F401 - PyTorch's base classes, subclassed by users

__all__ = [
    "Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "Module",
    "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    "Identity", "Linear", "Bilinear", "LazyLinear", "PairwiseDistance", "CosineSimilarity",
    "Flatten", "Unflatten", "ChannelShuffle", "PixelShuffle", "PixelUnshuffle", "Dropout", "Dropout2d", "Dropout3d", "AlphaDropout",
    "FeatureAlphaDropout", "Embedding",
    *_activation.__all__, *_loss.__all__,
]

# LazyModuleMixin is here, not in swiftgrad.nn, as torch.nn.modules.LazyModuleMixin is.
# Pickles (torch.save of a whole module) name the classes by this public path, whichever file
# defines them, so files stay loadable when the files move.
for _name in [*__all__, "LazyModuleMixin"]:
    _cls = globals()[_name]
    if isinstance(_cls, type) and _cls.__module__.startswith("swiftgrad.nn._"):
        _cls.__module__ = __name__
del _name, _cls
